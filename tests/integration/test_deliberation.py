"""A panel of three judges from two courts holds a trial with a party, withdraws to deliberate
and decides by a vote with a dissent; a judicial committee meets with the prosecutor attending
(docs/architecture.md#deliberation). Real peers: the judges send and receive video in both rooms,
the party's client and media stay in the trial and receive nothing of the deliberation."""

from __future__ import annotations

import json
from typing import Any

import pytest
import socketio
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.callers import PASSWORD, Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.archive_frames import eventually
from tests.integration.courtroom import receiving, room_shows, session_cookie
from tests.integration.records import recording_of
from tests.signal_client import SignalClient, admit_checked

OPINIONS = {
    "judge": ("for", "被告违约事实清楚，应承担违约责任。"),
    "judge_a2": ("for", "同意审判长意见，违约金应予调整。"),
    "judge_b": ("against", "原告举证不足以证明损失，应驳回违约金请求。"),
}


def code(reply: dict[str, Any]) -> str:
    return str(reply.get("error", {}).get("code"))


async def events(database: Database, hearing_id: int, *kinds: str) -> list[HearingEvent]:
    async with database.session() as db:
        rows = await db.scalars(
            select(HearingEvent)
            .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind.in_(kinds))
            .order_by(HearingEvent.id)
        )
        return list(rows)


async def second_judge(admin: Caller, new_caller: NewCaller, world: World) -> Caller:
    """Another judge of the hearing's own court, with a staff account of their own."""
    body = {
        "username": "judge_a2",
        "display_name": "李审判员",
        "role": "judge",
        "court_id": world.court_id,
        "password": PASSWORD,
    }
    await admin.call("POST", "/users", body, expect=201)
    caller = await new_caller()
    await caller.login("judge_a2")
    return caller


async def test_a_panel_of_two_courts_deliberates_apart_from_the_party_and_keeps_the_dissent(
    server: TestServer,
    database: Database,
    world: World,
    admin: Caller,
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
) -> None:
    url = str(server.make_url("")).rstrip("/")
    judge_a2 = await second_judge(admin, new_caller, world)
    trial = await schedule_hearing(judge, "(2026)A民初31号", clerk_id=world.clerk_id)
    tid = trial["id"]
    a2 = await judge.call(
        "POST",
        f"/hearings/{tid}/participants",
        {
            "role": "judge",
            "name": "李审判员",
            "user_id": (await judge_a2.call("GET", "/auth/me"))["id"],
        },
        expect=201,
    )
    await judge.call("POST", f"/hearings/{tid}/bench-grants", {"user_id": world.other_judge_id})
    party_seat = await invite(judge, tid, name="张三")
    party_token = party_seat["invitation"]["token"]
    callers = {"judge": judge, "judge_a2": judge_a2, "judge_b": other_judge}

    send_times = SendTimes()
    people: list[HeadlessParticipant] = []

    async def join(hearing_id: int, cookie: str | None, token: str | None = None) -> Any:
        person = HeadlessParticipant(url, send_times, invitation=token, cookie=cookie)
        people.append(person)
        await person.join(hearing_id)
        return person

    try:
        # the trial: three judges and the party, in session
        in_trial = {"judge": await join(tid, session_cookie(judge))}
        for event in ("open", "start_session"):
            assert await in_trial["judge"].signal.call(event) == {"ok": True}
        for name in ("judge_a2", "judge_b"):
            in_trial[name] = await join(tid, session_cookie(callers[name]))
        party = await join(tid, None, party_token)
        assert await admit_checked(in_trial["judge"].signal, party.id) == {"ok": True}
        for name in OPINIONS:
            await receiving(party, in_trial[name].id, frames=5)
        assert a2["participant"]["id"] == in_trial["judge_a2"].id
        assert await in_trial["judge"].signal.call("recess") == {"ok": True}
        await room_shows(party, lambda room: room["state"] == "recess")

        # the panel withdraws: the deliberation has the trial's three judges and its clerk
        delib = await judge.call("POST", f"/hearings/{tid}/deliberation", {}, expect=201)
        did = delib["id"]
        assert delib["kind"] == "panel_deliberation" and delib["case_id"] == trial["case_id"]
        seats = (await judge.call("GET", f"/hearings/{did}/participants"))["items"]
        assert sorted(p["role"] for p in seats) == ["clerk", "judge", "judge", "judge"]
        # the judge of the other court sees it through the grant copied with their seat
        assert (await other_judge.call("GET", f"/hearings/{did}"))["id"] == did
        question = await judge.call(
            "POST",
            f"/hearings/{did}/motions",
            {"title": "被告是否应支付违约金", "rule": "panel_majority"},
            expect=201,
        )

        apart = {"judge": await join(did, session_cookie(judge))}
        for event in ("open", "start_session"):
            assert await apart["judge"].signal.call(event) == {"ok": True}
        for name in ("judge_a2", "judge_b"):
            apart[name] = await join(did, session_cookie(callers[name]))
        for name in ("judge_a2", "judge_b"):  # the deliberation is seen and heard
            await receiving(apart["judge"], apart[name].id, frames=5)
        presiding = apart["judge"].signal
        motion = {"motion_id": question["id"]}
        assert code(await presiding.call("open_vote", motion)) == "not_vote_phase"
        assert await presiding.call("set_phase", {"phase": "decision"}) == {"ok": True}
        assert code(await apart["judge_b"].signal.call("open_vote", motion)) == "not_presiding"
        assert await presiding.call("open_vote", motion) == {"ok": True}
        ballot = {**motion, "choice": "for"}
        assert code(await apart["judge_a2"].signal.call("cast_ballot", ballot)) == (
            "opinion_required"
        )
        someone_else = {**ballot, "opinion": "同意", "creditor_id": apart["judge"].id}
        assert code(await apart["judge_a2"].signal.call("cast_ballot", someone_else)) == (
            "not_yours"
        )
        for name, (choice, opinion) in OPINIONS.items():
            reply = await apart[name].signal.call(
                "cast_ballot", {**motion, "choice": choice, "opinion": opinion}
            )
            assert reply["ok"] is True, (name, reply)
        again = {**motion, "choice": "against", "opinion": "改变主意"}
        assert code(await apart["judge"].signal.call("cast_ballot", again)) == "already_voted"
        assert (await presiding.call("close_vote", motion))["passed"] is True

        def decided(room: dict[str, Any]) -> bool:
            vote = room.get("vote") or {}
            return vote.get("state") == "closed" and bool(vote.get("opinions"))

        for name in OPINIONS:
            await room_shows(apart[name], decided)
        vote = apart["judge_b"].signal.room["vote"]
        assert vote["tally"]["passed"] is True and vote["tally"]["overall"]["for_count"] == 2
        kept = {o["participant_id"]: o for o in vote["opinions"]}
        dissent = kept[apart["judge_b"].id]
        assert dissent["dissent"] is True and dissent["opinion"] == OPINIONS["judge_b"][1]
        assert dissent["name"] == "judge_b" and dissent["choice"] == "against"
        assert [o["dissent"] for o in kept.values()].count(True) == 1
        listed = (await judge.call("GET", f"/hearings/{did}/motions"))["items"]
        assert listed[0]["opinions"] == vote["opinions"]
        assert await presiding.call("close") == {"ok": True}
        [closed] = [e.data or {} for e in await events(database, did, "vote_closed")]
        assert [o["dissent"] for o in closed["result"]["opinions"]].count(True) == 1
        cast = [e.data or {} for e in await events(database, did, "ballot_cast")]
        assert {data["opinion"] for data in cast} == {o for _, o in OPINIONS.values()}

        # the party received nothing of it: no media from the judges' deliberation seats, no
        # event naming it, nothing it said; their invitation does not open it; nor does REST
        assert set(party.received) <= {p.id for p in in_trial.values()}
        said = json.dumps(party.signal.received, ensure_ascii=False)
        assert str(did) not in {str(r.get("hearing_id")) for r in party.signal.received["room"]}
        assert all(opinion not in said for _, opinion in OPINIONS.values())
        assert question["title"] not in said
        stranger = SignalClient(url)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await stranger.connect(did, invitation=party_token)
        assert stranger.refusals and not stranger.connected
        as_party = await holder(new_caller, party_token)
        for path in (f"/hearings/{did}", f"/hearings/{did}/motions"):
            assert (await as_party.status("GET", path))[0] in (403, 404), path
        trial_events = await events(database, tid, "vote_opened", "ballot_cast", "vote_closed")
        assert trial_events == []

        # the recording of the deliberation is the court's internal record: never granted
        async def recorded() -> bool:
            try:
                await recording_of(database, did)
            except Exception:
                return False
            return True

        await eventually(recorded, limit=10)
        recording = await recording_of(database, did)
        status, body = await judge.status(
            "POST",
            f"/recordings/{recording.id}/grants",
            {"participant_id": party_seat["participant"]["id"]},
        )
        assert status == 409 and body["error"]["code"] == "internal_record"
        assert (await clerk.status("GET", f"/recordings/{recording.id}"))[0] == 200
    finally:
        for person in people:
            await person.close()


async def test_a_committee_meeting_hears_the_prosecutor_but_does_not_count_their_vote(
    server: TestServer,
    judge: Caller,
    clerk: Caller,
    admin: Caller,
    new_caller: NewCaller,
    world: World,
) -> None:
    url = str(server.make_url("")).rstrip("/")
    judge_a2 = await second_judge(admin, new_caller, world)
    meeting = await schedule_hearing(
        judge, "(2026)A刑初32号", "committee_meeting", clerk_id=world.clerk_id
    )
    mid = meeting["id"]
    me = await judge_a2.call("GET", "/auth/me")
    await judge.call(
        "POST",
        f"/hearings/{mid}/participants",
        {"role": "judge", "name": "李审判员", "user_id": me["id"]},
        expect=201,
    )
    prosecutor = await invite(judge, mid, role="prosecutor", name="检察长", side="prosecution")
    status, _ = await judge.status("POST", f"/hearings/{mid}/participants", {"name": "张三"})
    assert status == 422  # no party in a committee's meeting
    question = await judge.call(
        "POST",
        f"/hearings/{mid}/motions",
        {"title": "是否适用缓刑", "rule": "panel_majority"},
        expect=201,
    )
    motion = {"motion_id": question["id"]}
    clients = {name: SignalClient(url) for name in ("judge", "judge_a2", "clerk", "prosecutor")}
    try:
        await clients["judge"].connect(mid, cookie=session_cookie(judge))
        for event in ("open", "start_session"):
            assert await clients["judge"].call(event) == {"ok": True}
        await clients["judge_a2"].connect(mid, cookie=session_cookie(judge_a2))
        await clients["clerk"].connect(mid, cookie=session_cookie(clerk))
        await clients["prosecutor"].connect(mid, invitation=prosecutor["invitation"]["token"])
        pid = prosecutor["participant"]["id"]
        assert await admit_checked(clients["judge"], pid) == {"ok": True}
        assert await clients["judge"].call("set_phase", {"phase": "decision"}) == {"ok": True}
        assert await clients["judge"].call("open_vote", motion) == {"ok": True}
        attend = {**motion, "choice": "against", "opinion": "建议不适用缓刑"}
        refused = await clients["prosecutor"].call("cast_ballot", attend)
        assert code(refused) == "no_vote" and "prosecutor" in refused["error"]["message"]
        assert code(await clients["clerk"].call("cast_ballot", attend)) == "no_vote"
        for name in ("judge", "judge_a2"):
            reply = await clients[name].call(
                "cast_ballot", {**motion, "choice": "for", "opinion": "可以适用缓刑"}
            )
            assert reply["ok"] is True, reply
        assert (await clients["judge"].call("close_vote", motion))["passed"] is True

        def closed(room: dict[str, Any]) -> bool:
            return (room.get("vote") or {}).get("state") == "closed"

        view = await clients["prosecutor"].wait_for("room", closed)
        assert view["vote"]["tally"]["passed"] is True
        assert view["vote"]["voters"] == [] and view["vote"]["opinions"] == []
        bench_view = await clients["clerk"].wait_for("room", closed)
        opinions = bench_view["vote"]["opinions"]
        assert sorted(o["role"] for o in opinions) == ["judge", "judge"]  # the prosecutor: none
        assert bench_view["vote"]["tally"]["overall"]["creditors"] == 2
    finally:
        for client in clients.values():
            await client.close()
