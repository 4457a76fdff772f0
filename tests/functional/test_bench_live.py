"""The bench over the real server (docs/architecture.md#bench): the hearing's judge presides;
a second judge of the court sits, sees who presides and cannot conduct until handed over; the
bench's private channel reaches neither a party nor a detainee."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Participant
from tests.callers import PASSWORD, Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.signal_client import SignalClient, admit_checked


async def _second_judge(admin: Caller, new_caller: NewCaller, world: World) -> tuple[Caller, int]:
    body = {
        "username": "judge2",
        "display_name": "李审判员",
        "role": "judge",
        "court_id": world.court_id,
        "password": PASSWORD,
    }
    user = await admin.call("POST", "/users", body, expect=201)
    caller = await new_caller()
    await caller.login("judge2")
    return caller, int(user["id"])


def _cookie(caller: Caller) -> str:
    jar = caller.client.session.cookie_jar.filter_cookies(caller.client.make_url("/"))
    return jar["hs_session"].value


async def _signal(server: TestServer, hearing_id: int, **credentials: Any) -> SignalClient:
    client = SignalClient(str(server.make_url("")).rstrip("/"))
    await client.connect(hearing_id, **credentials)
    return client


async def test_the_second_judge_conducts_once_handed_over(
    judge: Caller,
    admin: Caller,
    new_caller: NewCaller,
    world: World,
    server: TestServer,
    database: Database,
) -> None:
    second, second_user = await _second_judge(admin, new_caller, world)
    hearing = await schedule_hearing(judge, kind="criminal_trial")
    hid = hearing["id"]
    judge2 = await invite(judge, hid, role="judge", name="李审判员", user_id=second_user)
    assert judge2["invitation"] is None and judge2["participant"]["presiding"] is False
    people = await judge.call("GET", f"/hearings/{hid}/participants")
    presiding = [p for p in people["items"] if p["presiding"]]
    assert [p["user_id"] for p in presiding] == [world.judge_id]  # the scheduling judge
    party = await invite(judge, hid, side="plaintiff")
    assessor = await invite(judge, hid, role="assessor", name="王陪审员")
    assert assessor["invitation"] is not None  # an assessor joins by invitation
    # an assessor judges with the court: they read the exhibits, and submit none
    sitter = await holder(new_caller, assessor["invitation"]["token"])
    exhibits = f"/cases/{hearing['case_id']}/exhibits"
    shown = await judge.call("POST", exhibits, {"title": "勘验笔录", "purpose": "现场"}, expect=201)
    assert [e["id"] for e in (await sitter.call("GET", exhibits))["items"]] == [shown["id"]]
    status, _ = await sitter.status("POST", exhibits, {"title": "x", "purpose": "y"})
    assert status == 403
    detainee = await invite(
        judge,
        hid,
        role="detainee",
        name="赵某",
        side="defendant",
        detention_centre_id=world.centre_id,
    )
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)

    presider = await _signal(server, hid, cookie=_cookie(judge))
    other = await _signal(server, hid, cookie=_cookie(second))
    sitting = await _signal(server, hid, invitation=assessor["invitation"]["token"])
    plaintiff = await _signal(server, hid, invitation=party["invitation"]["token"])
    accused = await _signal(server, hid, cookie=_cookie(terminal))
    clients = [presider, other, sitting, plaintiff, accused]
    try:
        second_id = judge2["participant"]["id"]
        view = await other.wait_for("room", lambda v: v["you"]["presence"] == "in_hearing")
        assert not view["you"]["presiding"]
        assert (await sitting.wait_for("room"))["you"]["presence"] == "in_hearing"
        # the second judge is refused every act of conduct, with the reason
        reply = await other.call("open")
        assert reply["error"]["code"] == "not_presiding", reply
        assert "presiding judge" in reply["error"]["message"]
        assert (await sitting.call("open"))["error"]["code"] == "forbidden"
        assert (await presider.call("open")) == {"ok": True}
        for event, data in (
            ("admit", {"participant_id": party["participant"]["id"]}),
            ("remove", {"participant_id": party["participant"]["id"]}),
            ("close", {}),
            ("hand_over", {"participant_id": second_id}),
        ):
            reply = await other.call(event, data)
            assert reply["error"]["code"] == "not_presiding", reply

        # the party and the detainee are in the hearing proper (checked and admitted)
        for person in (party, detainee):
            admitted = await admit_checked(presider, person["participant"]["id"])
            assert admitted == {"ok": True}, admitted
        await accused.wait_for("room", lambda v: v["you"]["presence"] == "in_hearing")
        # the bench's private channel: the bench gets it, the party and the detainee nothing
        assert (await sitting.call("bench_chat", {"text": "证据链不完整"})) == {"ok": True}
        for bench in (presider, other, sitting):
            got = await bench.wait_for("bench_message")
            assert got["text"] == "证据链不完整" and got["from_name"] == "王陪审员"
        for outsider in (plaintiff, accused):
            reply = await outsider.call("bench_chat", {"text": "我也说"})
            assert reply["error"]["code"] == "forbidden"
        for bad in ({}, {"text": ""}, {"text": "x" * 2001}, {"text": 5}, [1]):
            assert "error" in await presider.call("bench_chat", bad)

        # hand-over: everyone sees who presides; the former presiding judge no longer conducts
        reply = await presider.call("hand_over", {"participant_id": assessor["participant"]["id"]})
        assert reply["error"]["code"] == "refused"
        assert "error" in await presider.call("hand_over", {"participant_id": "x"})
        assert "error" in await presider.call("hand_over", {"participant_id": 999999})
        assert (await presider.call("hand_over", {"participant_id": second_id})) == {"ok": True}
        for client in (presider, other, plaintiff):
            await client.wait_for(
                "room",
                lambda v: [m["id"] for m in v["members"] if m["presiding"]] == [second_id],
            )
        assert (await presider.call("start_session"))["error"]["code"] == "not_presiding"
        assert (await other.call("start_session")) == {"ok": True}
        await asyncio.sleep(0.2)
        for outsider in (plaintiff, accused):
            assert outsider.received["bench_message"] == []
            assert "证据链" not in str(dict(outsider.received))
    finally:
        for client in clients:
            await client.close()
    async with database.session() as db:
        kinds = list(
            await db.scalars(select(HearingEvent.kind).where(HearingEvent.hearing_id == hid))
        )
        rows = await db.scalars(select(Participant).where(Participant.hearing_id == hid))
        presiding_now = [p.id for p in rows if p.presiding]
    assert "handed_over" in kinds and presiding_now == [second_id]
    assert "bench_chat" not in kinds and "message" not in kinds


async def test_presiding_is_chosen_before_the_hearing_opens(
    judge: Caller, admin: Caller, new_caller: NewCaller, world: World
) -> None:
    _, second_user = await _second_judge(admin, new_caller, world)
    hearing = await schedule_hearing(judge)
    hid = hearing["id"]
    path = f"/hearings/{hid}/participants"
    status, body = await judge.status(
        "POST", path, {"role": "party", "name": "张三", "presiding": True}
    )
    assert status == 422 and "judge" in body["error"]["message"]
    status, _ = await judge.status(
        "POST", path, {"role": "judge", "name": "李", "user_id": second_user, "presiding": "maybe"}
    )
    assert status == 422
    created = await invite(
        judge, hid, role="judge", name="李审判员", user_id=second_user, presiding=True
    )
    people = (await judge.call("GET", path))["items"]
    assert [p["id"] for p in people if p["presiding"]] == [created["participant"]["id"]]
