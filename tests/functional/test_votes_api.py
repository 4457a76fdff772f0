"""A creditors' meeting's claim table and motions over REST (docs/architecture.md#votes): the
bench sets claims one by one or all at once (all or none), puts motions; malformed, oversized,
wrong-person and wrong-hearing requests get a clear 4xx, on both databases."""

from __future__ import annotations

from typing import Any

from hearing_server.db.database import Database
from hearing_server.db.vote_rows import MotionRow, MotionState
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing


async def meeting(judge: Caller) -> tuple[int, list[dict[str, Any]]]:
    hearing = await schedule_hearing(judge, "(2026)A破1号", kind="creditors_meeting")
    creditors = [
        await invite(judge, hearing["id"], role="creditor", name=name)
        for name in ("甲银行", "乙公司", "丙公司")
    ]
    return hearing["id"], creditors


async def test_the_bench_sets_claims_and_puts_motions(judge: Caller, clerk: Caller) -> None:
    hearing_id, creditors = await meeting(judge)
    ids = [c["participant"]["id"] for c in creditors]
    one = await judge.call(
        "PUT", f"/hearings/{hearing_id}/claims/{ids[0]}", {"amount_fen": 123_45, "group": "secured"}
    )
    assert (one["name"], one["amount_fen"], one["group"]) == ("甲银行", 123_45, "secured")
    listed = await clerk.call(
        "PUT",
        f"/hearings/{hearing_id}/claims",
        {
            "items": [
                {"participant_id": ids[0], "amount_fen": 500_00, "group": "ordinary"},
                {"participant_id": ids[1], "amount_fen": 0, "group": "employees"},
            ]
        },
    )
    assert [(c["participant_id"], c["amount_fen"]) for c in listed["items"]] == [
        (ids[0], 500_00),
        (ids[1], 0),
    ]
    table = await judge.call("GET", f"/hearings/{hearing_id}/claims")
    assert [(c["name"], c["group"]) for c in table["items"]] == [
        ("甲银行", "ordinary"),
        ("乙公司", "employees"),
    ]

    first = await judge.call(
        "POST",
        f"/hearings/{hearing_id}/motions",
        {"title": "财产变价方案", "rule": "ordinary"},
        expect=201,
    )
    second = await clerk.call(
        "POST",
        f"/hearings/{hearing_id}/motions",
        {"title": "重整计划草案", "rule": "reorganisation"},
        expect=201,
    )
    assert (first["seq"], second["seq"], first["state"], first["result"]) == (1, 2, "draft", None)
    motions = await judge.call("GET", f"/hearings/{hearing_id}/motions")
    assert [m["title"] for m in motions["items"]] == ["财产变价方案", "重整计划草案"]


async def test_a_bad_list_changes_nothing(judge: Caller) -> None:
    hearing_id, creditors = await meeting(judge)
    ids = [c["participant"]["id"] for c in creditors]
    path = f"/hearings/{hearing_id}/claims"
    good = {"participant_id": ids[0], "amount_fen": 100, "group": "ordinary"}
    party = await invite(judge, hearing_id, role="party", name="债务人")
    for items, status, code in (
        ([good, {**good, "amount_fen": -1}], 422, "invalid_request"),
        ([good, {**good, "amount_fen": 10**17 + 1}], 422, "invalid_request"),
        ([good, {**good, "amount_fen": 1.5}], 422, "invalid_request"),
        ([good, {**good, "amount_fen": "a hundred"}], 422, "invalid_request"),
        ([good, {**good, "group": "friends"}], 422, "invalid_request"),
        ([good, {**good, "extra": 1}], 422, "invalid_request"),
        ([good, good], 422, "duplicate_claim"),
        ([good, {**good, "participant_id": party["participant"]["id"]}], 422, "not_a_creditor"),
        ([good, {**good, "participant_id": 2**31 - 1}], 422, "not_a_creditor"),
        ([], 422, "invalid_request"),
        ([good] * 2001, 422, "invalid_request"),
    ):
        status_, body = await judge.status("PUT", path, {"items": items})
        assert (status_, body["error"]["code"]) == (status, code), (items[:2], body)
    assert (await judge.call("GET", path))["items"] == []
    for body in (None, [], {"items": "x"}, {"amount_fen": 1, "group": "ordinary"}):
        status_, _ = await judge.status("PUT", path, body)
        assert 400 <= status_ < 500
    status_, body = await judge.status(
        "POST", f"/hearings/{hearing_id}/motions", {"title": "x" * 201, "rule": "ordinary"}
    )
    assert status_ == 422
    status_, body = await judge.status(
        "POST", f"/hearings/{hearing_id}/motions", {"title": "方案", "rule": "majority"}
    )
    assert status_ == 422


async def test_only_the_bench_of_a_creditors_meeting_in_its_court(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    hearing_id, creditors = await meeting(judge)
    creditor_id = creditors[0]["participant"]["id"]
    claim = {"amount_fen": 100, "group": "ordinary"}
    path = f"/hearings/{hearing_id}/claims/{creditor_id}"
    other_court = await new_caller()
    await other_court.login("judge_b")
    creditor = await holder(new_caller, creditors[0]["invitation"]["token"])
    for caller, status in ((other_court, 404), (creditor, 403)):
        assert (await caller.status("PUT", path, claim))[0] == status
        assert (await caller.status("GET", f"/hearings/{hearing_id}/claims"))[0] == status
        motion = {"title": "方案", "rule": "ordinary"}
        assert (await caller.status("POST", f"/hearings/{hearing_id}/motions", motion))[0] == status
    assert (await judge.status("PUT", f"/hearings/{hearing_id}/claims/999999", claim))[0] == 422
    assert (await judge.status("PUT", f"/hearings/999999/claims/{creditor_id}", claim))[0] == 404
    assert (await judge.status("PUT", f"/hearings/{hearing_id}/claims/abc", claim))[0] == 404

    trial = await schedule_hearing(judge, "(2026)A民初9号")
    status, body = await judge.status(
        "POST", f"/hearings/{trial['id']}/motions", {"title": "方案", "rule": "ordinary"}
    )
    assert (status, body["error"]["code"]) == (409, "not_a_creditors_meeting")

    # While a vote is open the claim table stays as it is.
    async with database.session() as db:
        db.add(
            MotionRow(
                hearing_id=hearing_id,
                seq=1,
                title="方案",
                rule="ordinary",
                state=MotionState.OPEN,
                created_by="test",
            )
        )
        await db.commit()
    status, body = await judge.status("PUT", path, claim)
    assert (status, body["error"]["code"]) == (409, "vote_open")
