"""A judge of another court on one hearing's panel (docs/architecture.md#bench): the hearing's
court grants their own staff account a seat; they see that hearing and its case's exhibits and
join it live as a judge of the bench, and nothing else of the court; revoked, all of it ends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import socketio
from aiohttp.test_utils import TestServer

from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.signal_client import SignalClient


def _cookie(caller: Caller) -> str:
    jar = caller.client.session.cookie_jar.filter_cookies(caller.client.make_url("/"))
    return jar["hs_session"].value


async def test_a_judge_of_another_court_sits_on_one_hearing_only(
    judge: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
    world: World,
    server: TestServer,
) -> None:
    hearing = await schedule_hearing(judge)
    other_hearing = await schedule_hearing(judge, "(2026)A民初2号", title="另案")
    hid = hearing["id"]
    exhibit = await judge.call(
        "POST",
        f"/cases/{hearing['case_id']}/exhibits",
        {"title": "勘验笔录", "purpose": "现场情况"},
        expect=201,
    )
    grants = f"/hearings/{hid}/bench-grants"
    # before any grant, the other court's judge sees nothing, and cannot be added as a seat
    assert (await other_judge.status("GET", f"/hearings/{hid}"))[0] == 404
    status, body = await judge.status(
        "POST",
        f"/hearings/{hid}/participants",
        {"role": "judge", "name": "乙", "user_id": world.other_judge_id},
    )
    assert status == 422 and "grant" in body["error"]["message"]

    # wrong people and wrong input
    for bad, expected in (
        ({"user_id": world.clerk_id}, 404),  # not a judge
        ({"user_id": world.judge_id}, 409),  # of this court: a participant, not a grant
        ({"user_id": 999999}, 404),
        ({"user_id": "x"}, 422),
        ({}, 422),
    ):
        assert (await judge.status("POST", grants, bad))[0] == expected, bad
    assert (await other_judge.status("POST", grants, {"user_id": world.other_judge_id}))[0] == 404
    party = await holder(new_caller, (await invite(judge, hid))["invitation"]["token"])
    assert (await party.status("POST", grants, {"user_id": world.other_judge_id}))[0] == 403

    grant = await judge.call("POST", grants, {"user_id": world.other_judge_id}, expect=201)
    assert grant["court"] == "B区人民法院" and grant["revoked_at"] is None
    assert (await judge.status("POST", grants, {"user_id": world.other_judge_id}))[0] == 409

    # the granted judge sees this hearing, its people and its case's exhibits...
    assert (await other_judge.call("GET", f"/hearings/{hid}"))["id"] == hid
    seats = (await other_judge.call("GET", f"/hearings/{hid}/participants"))["items"]
    assert grant["participant_id"] in [p["id"] for p in seats]
    listed = await other_judge.call("GET", "/hearings")
    assert [h["id"] for h in listed["items"]] == [hid]
    shown = await other_judge.call("GET", f"/cases/{hearing['case_id']}/exhibits")
    assert exhibit["id"] in [e["id"] for e in shown["items"]]
    # ...and nothing else of the court; reads only
    for path in (
        f"/hearings/{other_hearing['id']}",
        f"/cases/{hearing['case_id']}",
        f"/cases/{other_hearing['case_id']}/exhibits",
    ):
        assert (await other_judge.status("GET", path))[0] == 404, path
    status, body = await other_judge.status(
        "POST", f"/hearings/{hid}/participants", {"role": "party", "name": "丙"}
    )
    assert status == 403 and body["error"]["code"] == "other_court"
    assert (await other_judge.status("POST", grants, {"user_id": world.judge_id}))[0] == 403

    # live: they join as a judge of the bench (not presiding), the hearing's judge presides
    url = str(server.make_url("")).rstrip("/")
    presider, visitor = SignalClient(url), SignalClient(url)
    await presider.connect(hid, cookie=_cookie(judge))
    await visitor.connect(hid, cookie=_cookie(other_judge))
    try:
        view = await visitor.wait_for("room", lambda v: v["you"]["presence"] == "in_hearing")
        assert view["you"]["role"] == "judge" and not view["you"]["presiding"]
        assert (await visitor.call("open"))["error"]["code"] == "not_presiding"
        assert (await presider.call("open")) == {"ok": True}
        # as every judge of the bench, they write the transcript
        line = {
            "key": "panel-b-1",
            "text": "审判员：请被告陈述。",
            "at": datetime.now(UTC).isoformat(),
        }
        entries = f"/hearings/{hid}/transcript/entries"
        written = await other_judge.call("POST", entries, line, expect=201)
        assert written["state"] == "committed"
        assert (await visitor.call("bench_chat", {"text": "同意"})) == {"ok": True}
        assert (await presider.wait_for("bench_message"))["text"] == "同意"
        # handed the hearing, they conduct it; while they preside, their seat stays
        judge_seat = next(p["id"] for p in seats if p["user_id"] == world.judge_id)
        handed = await presider.call("hand_over", {"participant_id": grant["participant_id"]})
        assert handed == {"ok": True}
        assert (await visitor.call("start_session")) == {"ok": True}
        status, body = await judge.status("DELETE", f"{grants}/{grant['id']}")
        assert status == 409 and body["error"]["code"] == "presiding"
        assert (await visitor.call("hand_over", {"participant_id": judge_seat})) == {"ok": True}
        # revoked: their connection ends at once, and they see nothing any more
        await judge.call("DELETE", f"{grants}/{grant['id']}", expect=204)
        removed = await visitor.wait_for("removed")
        assert removed["code"] == "bench_grant_ended"
    finally:
        await presider.close()
        if visitor.connected:
            await visitor.close()
    assert (await judge.status("DELETE", f"{grants}/{grant['id']}"))[0] == 409
    assert (await judge.status("DELETE", f"{grants}/999999"))[0] == 404
    assert (await other_judge.status("GET", f"/hearings/{hid}"))[0] == 404
    assert (await other_judge.status("GET", f"/cases/{hearing['case_id']}/exhibits"))[0] == 404
    assert (await other_judge.status("POST", entries, {**line, "key": "panel-b-2"}))[0] == 404
    again = SignalClient(url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await again.connect(hid, cookie=_cookie(other_judge))
    assert [r.get("code") for r in again.refusals] == ["bench_grant_ended"]
    listed_grants = (await judge.call("GET", grants))["items"]
    assert [g["revoked_by"] for g in listed_grants] == [f"user:{world.judge_id}:judge"]
