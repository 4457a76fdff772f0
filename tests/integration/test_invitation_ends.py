"""An invitation that stops working ends its holder's live connection at once.

Withdrawn, replaced or expired while the person is connected: they are told why, their media
session and connection end, the timeline says so, and the old token cannot bring them back.
"""

from __future__ import annotations

import pytest
import socketio
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.models import HearingEvent
from hearing_server.keys import DATABASE, LIVE_HEARINGS
from tests.callers import Caller
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import CAST, Courtroom, Seat, presence, room_shows, start
from tests.integration.deployment import judge_session, make_judge, schedule
from tests.integration.peers import wait_until
from tests.live_server import LiveServer


async def ended(
    server: TestServer, courtroom: Courtroom, person: HeadlessParticipant, code: str
) -> None:
    """``person`` was told ``code`` and disconnected; their media session is gone; the
    timeline has the ending."""
    removed = await person.signal.wait_for("removed", within=10)
    assert removed["code"] == code
    await wait_until(lambda: not person.signal.connected, 5, "the connection to end")
    live = server.app[LIVE_HEARINGS].hearings[courtroom.hearing_id]
    assert person.id not in live.router.sessions
    async with server.app[DATABASE].session() as db:
        kinds = await db.scalars(
            select(HearingEvent.data).where(
                HearingEvent.hearing_id == courtroom.hearing_id,
                HearingEvent.kind == "invitation_ended",
            )
        )
        assert {"participant_id": person.id, "code": code} in list(kinds)


async def test_a_withdrawn_invitation_ends_the_connection_and_cannot_return(
    courtroom: Courtroom, server: TestServer, judge: Caller
) -> None:
    people = await start(courtroom, "party_a", "party_b", publish=("judge", "party_a"))
    bench, party_a = people["judge"], people["party_a"]
    await judge.call("DELETE", f"/participants/{party_a.id}/invitation", expect=204)

    await ended(server, courtroom, party_a, "invitation_withdrawn")
    await room_shows(bench, lambda room: presence(bench, party_a.id) == "left")
    assert people["party_b"].signal.connected
    with pytest.raises(socketio.exceptions.ConnectionError):
        await courtroom.join("party_a", publish=False)
    assert courtroom.people[-1].signal.refusals[-1]["code"] == "invitation_revoked"


async def test_a_replaced_invitation_ends_the_old_connection_and_the_new_one_waits(
    courtroom: Courtroom, server: TestServer, judge: Caller
) -> None:
    people = await start(courtroom, "party_a", publish=())
    bench, party_a = people["judge"], people["party_a"]
    fresh = await judge.call("POST", f"/participants/{party_a.id}/invitation", {}, expect=201)

    await ended(server, courtroom, party_a, "invitation_replaced")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await courtroom.join("party_a", publish=False)
    courtroom.seats["party_a"] = Seat(party_a.id, fresh["token"])
    again = await courtroom.join("party_a", publish=False)
    assert again.signal.room["you"]["presence"] == "waiting"  # admitted again by the bench
    await room_shows(bench, lambda room: presence(bench, party_a.id) == "waiting")


async def test_an_invitation_that_expires_while_connected_ends_the_connection(
    courtroom: Courtroom, server: TestServer, judge: Caller
) -> None:
    created = await judge.call(
        "POST",
        f"/hearings/{courtroom.hearing_id}/participants",
        {**CAST["party_b"], "name": "赵七", "valid_hours": 3 / 3600},
        expect=201,
    )
    courtroom.seats["short"] = Seat(created["participant"]["id"], created["invitation"]["token"])
    bench = await courtroom.join("judge", publish=False)
    short = await courtroom.join("short", publish=False)
    await room_shows(bench, lambda room: presence(bench, short.id) == "waiting")

    await ended(server, courtroom, short, "invitation_expired")
    await room_shows(bench, lambda room: presence(bench, short.id) == "left")


@pytest.mark.postgres
async def test_an_invitation_withdrawn_through_another_process_ends_the_connection(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    password = make_judge(a)
    send_times = SendTimes()
    async with judge_session(a, password) as judge, judge_session(b, password) as judge_b:
        hearing_id, invitation = await schedule(judge, "(2026)c1民初9号")
        bench = HeadlessParticipant(a.url, send_times, cookie=judge.cookie)
        party = HeadlessParticipant(a.url, send_times, invitation=invitation)
        try:
            await bench.join(hearing_id, publish=False)
            await party.join(hearing_id, publish=False)
            assert party.signal.url == a.url  # the hearing is held by A

            async with judge_b.http.delete(
                f"{judge_b.api}/participants/{party.id}/invitation",
                headers={"X-CSRF-Token": judge_b.csrf},
            ) as response:
                assert response.status == 204, await response.text()
            removed = await party.signal.wait_for("removed", within=5)
            assert removed["code"] == "invitation_withdrawn"
            await wait_until(lambda: not party.signal.connected, 5, "the connection to end")
            await room_shows(bench, lambda room: presence(bench, party.id) == "left")
        finally:
            for person in (bench, party):
                await person.close()
