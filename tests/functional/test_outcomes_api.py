"""A hearing's outcome (court/outcomes.py) over REST on both databases: an enforcement
interview's payment plan recorded by its judge while the hearing is live, on the timeline; what
the kind does not have, a plan without its terms, a hearing not live, and the wrong person are
refused with a clear 4xx; a remote confirmation takes a notary and records a confirmation."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing
from tests.integration.courtroom import session_cookie
from tests.signal_client import SignalClient

PLAN = {
    "outcome": "payment_plan",
    "amount_fen": 12_000_050,
    "instalments": 6,
    "first_due": "2027-01-15",
    "note": "被执行人自愿分六期履行",
}


async def live(server: TestServer, judge: Caller, hearing_id: int) -> SignalClient:
    bench = SignalClient(str(server.make_url("")).rstrip("/"))
    await bench.connect(hearing_id, cookie=session_cookie(judge))
    for step in ("open", "start_session"):
        assert "error" not in await bench.call(step)
    return bench


async def test_an_enforcement_interview_records_a_payment_plan(
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
    server: TestServer,
    database: Database,
) -> None:
    hearing = await schedule_hearing(
        judge, "(2026)浙0402执恢12号", kind="enforcement_interview", title="终本约谈"
    )
    hid = hearing["id"]
    path = f"/hearings/{hid}/outcomes"
    applicant = await invite(judge, hid, name="申请人甲", side="applicant")
    await invite(judge, hid, name="被执行人乙", side="respondent")
    assert await judge.call("GET", path) == {
        "items": [],
        "choices": ["settlement", "payment_plan", "termination", "continued"],
    }
    status, body = await judge.status("POST", path, PLAN)  # not live yet
    assert (status, body["error"]["code"]) == (403, "forbidden")

    bench = await live(server, judge, hid)
    try:
        made = await judge.call("POST", path, PLAN, expect=201)
        assert {k: made[k] for k in PLAN} == PLAN
        refused: list[tuple[dict[str, Any], str]] = [
            ({"outcome": "confirmed"}, "invalid_outcome"),
            ({"outcome": "payment_plan", "amount_fen": 100}, "invalid_outcome"),
            ({"outcome": "termination", "amount_fen": 100}, "invalid_outcome"),
            ({"outcome": "continued", "instalments": 3}, "invalid_outcome"),
            ({**PLAN, "first_due": "2150-01-01"}, "invalid_outcome"),
        ]
        for bad, expected in refused:
            status, body = await judge.status("POST", path, bad)
            assert (status, body["error"]["code"]) == (422, expected), bad
        for malformed in (
            {"outcome": "Payment Plan"},
            {"outcome": ""},
            {**PLAN, "instalments": 0},
            {**PLAN, "instalments": 121},
            {**PLAN, "amount_fen": -1},
            {**PLAN, "first_due": "soon"},
            {**PLAN, "note": "\x07"},
            {**PLAN, "note": "x" * 4001},
            {**PLAN, "extra": 1},
        ):
            assert (await judge.status("POST", path, malformed))[0] == 422, malformed
        assert (await clerk.status("POST", path, PLAN))[0] == 403  # a judge records it
        assert (await other_judge.status("POST", path, PLAN))[0] == 404
        party = await holder(new_caller, applicant["invitation"]["token"])
        assert (await party.status("POST", path, PLAN))[0] == 403
        assert (await party.status("GET", path))[0] == 403

        await judge.call("POST", path, {"outcome": "termination", "note": "暂无财产"}, expect=201)
        listed = await clerk.call("GET", path)
        assert [o["outcome"] for o in listed["items"]] == ["payment_plan", "termination"]
        assert listed["items"][0]["first_due"] == "2027-01-15"
        assert listed["items"][1]["amount_fen"] is None
        async with database.session() as db:
            recorded = list(
                await db.scalars(
                    select(HearingEvent)
                    .where(HearingEvent.hearing_id == hid, HearingEvent.kind == "outcome")
                    .order_by(HearingEvent.id)
                )
            )
        assert [e.to_value for e in recorded] == ["payment_plan", "termination"]
        assert recorded[0].data == {k: v for k, v in PLAN.items() if k != "outcome"}
        assert recorded[0].actor is not None and "judge" in recorded[0].actor
    finally:
        await bench.close()


async def test_a_remote_confirmation_with_a_notary(judge: Caller, server: TestServer) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙01民特3号", kind="remote_confirmation")
    hid = hearing["id"]
    await invite(judge, hid, role="notary", name="公证员丙")
    await invite(judge, hid, name="境外当事人丁", time_zone="Europe/Paris")
    status, body = await judge.status(
        "POST", f"/hearings/{hid}/participants", {"role": "witness", "name": "证人"}
    )
    assert status == 422
    bench = await live(server, judge, hid)
    try:
        path = f"/hearings/{hid}/outcomes"
        await judge.call("POST", path, {"outcome": "confirmed"}, expect=201)
        status, body = await judge.status("POST", path, {"outcome": "settlement"})
        assert (status, body["error"]["code"]) == (422, "invalid_outcome")
    finally:
        await bench.close()


async def test_a_kind_without_outcomes(judge: Caller, server: TestServer) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙01民初4号")
    bench = await live(server, judge, hearing["id"])
    try:
        path = f"/hearings/{hearing['id']}/outcomes"
        assert (await judge.call("GET", path))["choices"] == []
        status, body = await judge.status("POST", path, {"outcome": "mediated"})
        assert (status, body["error"]["code"]) == (422, "invalid_outcome")
    finally:
        await bench.close()
