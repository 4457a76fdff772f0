"""Admissions live in the timeline: a hearing loaded again (restart, another process) keeps them."""

from __future__ import annotations

import pytest
import socketio
from aiohttp.test_utils import TestServer

from hearing_server.keys import LIVE_HEARINGS
from tests.integration.courtroom import Courtroom, presence, room_shows, start


async def forget_live_hearings(server: TestServer, courtroom: Courtroom) -> None:
    """The process forgets everything live, as a restart (or a move to another process)
    would; everyone in the courtroom is hung up."""
    await server.app[LIVE_HEARINGS].shutdown()
    await courtroom.close()
    courtroom.people.clear()


async def test_a_reloaded_hearing_remembers_who_was_admitted_sent_back_or_removed(
    courtroom: Courtroom, server: TestServer
) -> None:
    people = await start(courtroom, "party_a", "party_b", "witness", publish=())
    bench = people["judge"]
    for event, name in (("send_back", "party_b"), ("remove", "witness")):
        reply = await bench.signal.call(event, {"participant_id": courtroom.id(name)})
        assert reply == {"ok": True}, (event, reply)

    await forget_live_hearings(server, courtroom)

    bench = await courtroom.join("judge", publish=False)
    party_a = await courtroom.join("party_a", publish=False)
    party_b = await courtroom.join("party_b", publish=False)
    await room_shows(
        bench,
        lambda room: (
            presence(bench, courtroom.id("party_a")) == "in_hearing"
            and presence(bench, courtroom.id("party_b")) == "waiting"
        ),
    )
    assert party_a.signal.room["you"]["presence"] == "in_hearing"
    assert party_b.signal.room["you"]["presence"] == "waiting"
    with pytest.raises(socketio.exceptions.ConnectionError):
        await courtroom.join("witness", publish=False)
    assert "removed" in courtroom.people[-1].signal.refusals[-1]["message"]


async def test_a_reloaded_hearing_keeps_whom_the_bench_muted(
    courtroom: Courtroom, server: TestServer
) -> None:
    people = await start(courtroom, "party_a", "party_b", publish=())
    bench = people["judge"]
    party_a, party_b, witness = (courtroom.id(name) for name in ("party_a", "party_b", "witness"))
    for event, payload in (
        ("mute", {"participant_id": party_a}),
        ("mute_all", {}),
        ("mute", {"participant_id": party_b, "muted": False}),
    ):
        reply = await bench.signal.call(event, payload)
        assert reply == {"ok": True}, (event, reply)

    await forget_live_hearings(server, courtroom)

    bench = await courtroom.join("judge", publish=False)
    again = await courtroom.join("party_a", publish=False)
    await room_shows(bench, lambda room: presence(bench, party_a) == "in_hearing")
    muted = {m["id"]: m["bench_muted"] for m in bench.signal.room["members"]}
    assert (muted[party_a], muted[party_b], muted[witness]) == (True, False, True)
    assert again.signal.room["you"]["bench_muted"]
