"""A disputed opinion states its reason (docs/architecture.md#exhibits): without one the API
refuses it with ``reason_required`` and records nothing; an admission needs none."""

from __future__ import annotations

from tests.callers import Caller, NewCaller
from tests.functional.test_exhibits_api import opine, submit, trial


async def test_a_dispute_without_a_reason_is_refused(judge: Caller, new_caller: NewCaller) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.defendant, t.case_id)
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    for unreasoned in ({}, {"reason": None}):
        status, body = await t.plaintiff.status(
            "POST",
            f"/exhibits/{exhibit['id']}/opinions",
            {"aspect": "authenticity", "opinion": "disputed", **unreasoned},
        )
        assert status == 422 and body["error"]["code"] == "reason_required", body
        assert body["error"]["details"] == [
            {"field": "reason", "problem": "required when the opinion is disputed"}
        ]
    # a blank reason is no reason either (refused as the body's, like any blank text)
    status, body = await t.agent.status(
        "POST",
        f"/exhibits/{exhibit['id']}/opinions",
        {"aspect": "legality", "opinion": "disputed", "reason": " \n "},
    )
    assert status == 422, body
    matrix = await judge.call("GET", f"/hearings/{t.hearing_id}/examination")
    assert [o for row in matrix["rows"] for o in row["opinions"]] == []

    await opine(t.plaintiff, exhibit["id"])  # admitted, no reason: taken
    given = await opine(t.plaintiff, exhibit["id"], opinion="disputed", reason="签名不是原告所签")
    assert given["reason"] == "签名不是原告所签"
    # someone who may not give opinions learns that first, not what the body lacks
    status, body = await judge.status(
        "POST",
        f"/exhibits/{exhibit['id']}/opinions",
        {"aspect": "authenticity", "opinion": "disputed"},
    )
    assert status == 403, body
