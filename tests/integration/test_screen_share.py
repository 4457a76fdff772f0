"""Screen sharing in a live hearing, end to end: a headless party shares a second video track,
the others receive it marked as the screen, one person shares at a time, the bench stops it,
the timeline and the recording have it; and every wrong ``share`` is refused, never a crash."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Track
from tests.headless import HeadlessParticipant, Source
from tests.integration.archive_frames import eventually
from tests.integration.courtroom import Courtroom, receiving, room_shows, start
from tests.integration.peers import wait_until
from tests.integration.records import recording_of
from tests.signal_client import admit_checked


def sharer(person: HeadlessParticipant) -> list[int]:
    """Whom ``person``'s latest room view shows sharing their screen."""
    return [m["id"] for m in person.signal.room["members"] if m["sharing_screen"]]


async def screen_frames(
    receiver: HeadlessParticipant, sharer: HeadlessParticipant, frames: int = 10
) -> None:
    """Wait until ``receiver`` got ``frames`` of ``sharer``'s screen, on a transceiver the
    server marked as the screen, drawn by the screen's own source (not the camera)."""
    assert sharer.screen is not None
    tag = sharer.screen.tag

    def arrived() -> int:
        reception = receiver.screens.get(sharer.id)
        return 0 if reception is None else sum(f.tag == tag for f in reception.video)

    await wait_until(lambda: arrived() >= frames, 10, f"{frames} frames of the screen")
    reception = receiver.screens[sharer.id]
    assert {f.tag for f in reception.video} == {tag}


def screen_sources(person: HeadlessParticipant) -> set[Source]:
    return {s for s in person.peer.sources.values() if s.source == "screen"}


async def timeline(database: Database, hearing_id: int, *kinds: str) -> list[HearingEvent]:
    async with database.session() as db:
        rows = await db.scalars(
            select(HearingEvent)
            .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind.in_(kinds))
            .order_by(HearingEvent.id)
        )
        return list(rows)


async def recorded_videos(database: Database, hearing_id: int, participant_id: int) -> list[str]:
    """The sources of the participant's video tracks in the hearing's recording, sorted."""
    recording = await recording_of(database, hearing_id)
    async with database.session() as db:
        rows = await db.scalars(
            select(Track).where(
                Track.recording_id == recording.id,
                Track.participant_id == participant_id,
                Track.kind == "video",
            )
        )
        return sorted(track.source for track in rows)


async def test_a_party_shares_the_screen_the_others_see_it_and_the_judge_stops_it(
    courtroom: Courtroom, database: Database
) -> None:
    people = await start(courtroom, "party_a", "party_b")
    judge, party_a, party_b = people["judge"], people["party_a"], people["party_b"]
    party_a_id = courtroom.id("party_a")
    for source in ("judge", "party_a"):
        await receiving(party_b, courtroom.id(source), frames=10)
    await receiving(party_a, courtroom.id("judge"), frames=10)

    assert (await party_a.share_screen()) == {"ok": True}
    await room_shows(judge, lambda room: sharer(judge) == [party_a_id])
    await room_shows(party_a, lambda room: room["you"]["sharing_screen"])
    for receiver in (party_b, judge):
        await screen_frames(receiver, party_a)
        assert screen_sources(receiver) == {Source(party_a_id, "video", "screen")}
    # the camera goes on beside it, as the camera
    moment = time.monotonic()
    camera = await receiving(party_b, party_a_id, frames=10, since=moment)
    assert party_a.video is not None
    assert {f.tag for f in camera.video_since(moment)} == {party_a.video.tag}

    # the screen is recorded as a track of its own, marked as the screen (the archive keeps it
    # out of the sharer's camera tile)
    async def both_recorded() -> bool:
        recorded = await recorded_videos(database, courtroom.hearing_id, party_a_id)
        return recorded == ["camera", "screen"]

    await eventually(both_recorded, 10)

    # one person at a time: the second is told who shares
    reply = await party_b.share_screen()
    assert reply["error"]["code"] == "screen_taken", reply
    assert "张三" in reply["error"]["message"]
    assert party_b.screen is None

    reply = await party_b.signal.call("stop_share", {"participant_id": party_a_id})
    assert reply["error"]["code"] == "forbidden", reply
    reply = await judge.signal.call("stop_share", {"participant_id": party_a_id})
    assert reply == {"ok": True}
    await room_shows(party_b, lambda room: sharer(party_b) == [])
    await wait_until(lambda: not screen_sources(party_b), 5, "the screen to stop")
    reply = await judge.signal.call("stop_share", {"participant_id": party_a_id})
    assert reply["error"]["code"] == "not_sharing", reply

    # now the other party may share
    assert (await party_b.share_screen()) == {"ok": True}
    await screen_frames(party_a, party_b)
    assert (await party_b.signal.call("share", {"on": False})) == {"ok": True}
    await room_shows(judge, lambda room: sharer(judge) == [])

    events = await timeline(database, courtroom.hearing_id, "share_started", "share_stopped")
    assert party_a.screen is not None and party_b.screen is not None
    assert [(e.kind, e.data) for e in events] == [
        ("share_started", {"participant_id": party_a_id, "track_id": party_a.screen.id}),
        ("share_stopped", {"participant_id": party_a_id, "track_id": party_a.screen.id}),
        ("share_started", {"participant_id": party_b.id, "track_id": party_b.screen.id}),
        ("share_stopped", {"participant_id": party_b.id, "track_id": party_b.screen.id}),
    ]
    *_, started = await timeline(database, courtroom.hearing_id, "state")
    assert events[1].actor == started.actor  # the judge stopped it
    for person in people.values():
        assert person.peer.failures == [] and person.unattributed == 0


async def test_sent_back_or_a_recess_ends_the_share(
    courtroom: Courtroom, database: Database
) -> None:
    people = await start(courtroom, "party_a", "party_b")
    judge, party_a, party_b = people["judge"], people["party_a"], people["party_b"]
    party_a_id = courtroom.id("party_a")
    await receiving(party_a, courtroom.id("judge"), frames=5)
    await receiving(party_b, party_a_id, frames=5)

    assert (await party_a.share_screen()) == {"ok": True}
    await screen_frames(party_b, party_a)
    assert (await judge.signal.call("send_back", {"participant_id": party_a_id})) == {"ok": True}
    await room_shows(judge, lambda room: sharer(judge) == [])
    await wait_until(lambda: not screen_sources(party_b), 5, "the screen to stop")

    assert (await judge.signal.call("share", {"on": True, "track_id": "judge-screen"})) == {
        "ok": True
    }
    await room_shows(party_b, lambda room: sharer(party_b) == [courtroom.id("judge")])
    assert (await judge.signal.call("recess")) == {"ok": True}
    await room_shows(party_b, lambda room: sharer(party_b) == [])
    kinds = [
        e.kind
        for e in await timeline(
            database, courtroom.hearing_id, "share_started", "share_stopped", "sent_back", "state"
        )
    ]
    assert kinds[-6:] == [
        "share_started",
        "share_stopped",
        "sent_back",
        "share_started",
        "share_stopped",
        "state",
    ]


MALFORMED: list[Any] = [
    {"on": "yes", "track_id": "x"},
    {"on": 1, "track_id": "x"},
    {"on": True},
    {"on": True, "track_id": ""},
    {"on": True, "track_id": "x" * 65},
    {"on": True, "track_id": "a b"},
    {"on": True, "track_id": "\u5c4f\u5e55"},
    {"on": True, "track_id": 5},
    {"on": True, "track_id": None},
    {"on": False, "track_id": "x"},
    {"on": True, "track_id": "x", "mid": "3"},
    {},
    [],
    "share",
    5,
]


async def test_malformed_or_unallowed_shares_are_refused(courtroom: Courtroom) -> None:
    judge = await courtroom.join("judge")
    party_a = await courtroom.join("party_a")
    observer = await courtroom.join("observer", publish=False)
    share = {"on": True, "track_id": "screen-1"}
    assert (await judge.signal.call("open")) == {"ok": True}
    for person in (judge, party_a):
        reply = await person.signal.call("share", share)
        assert reply["error"]["code"] == "forbidden", reply  # not in session yet
    assert (await judge.signal.call("start_session")) == {"ok": True}
    reply = await party_a.signal.call("share", share)
    assert reply["error"]["code"] == "refused", reply  # from the waiting room
    for name in ("party_a", "observer"):
        assert (await admit_checked(judge.signal, courtroom.id(name))) == {"ok": True}
    reply = await observer.signal.call("share", share)
    assert reply["error"]["code"] == "forbidden", reply
    witness = await courtroom.join("witness")
    reply = await witness.signal.call("share", share)
    assert reply["error"]["code"] == "refused", reply  # not called in yet

    for payload in MALFORMED:
        reply = await party_a.signal.call("share", payload)
        assert reply["error"]["code"] == "invalid_payload", (payload, reply)
    for payload in ({}, {"participant_id": "1"}, {"participant_id": True}, {"participant_id": 0}):
        reply = await judge.signal.call("stop_share", payload)
        assert reply["error"]["code"] == "invalid_payload", (payload, reply)
    reply = await judge.signal.call("stop_share", {"participant_id": 2**31 - 1})
    assert reply["error"]["code"] == "not_found", reply
    # stopping a share one does not have is no error
    assert (await party_a.signal.call("share", {"on": False})) == {"ok": True}
    # after all that, sharing works
    assert (await party_a.signal.call("share", share)) == {"ok": True}
    await room_shows(judge, lambda room: sharer(judge) == [courtroom.id("party_a")])


@pytest.mark.parametrize("ending", ["leave", "kill"])
async def test_leaving_or_dropping_ends_the_share(
    courtroom: Courtroom, database: Database, ending: str
) -> None:
    people = await start(courtroom, "party_a", "party_b")
    judge, party_a = people["judge"], people["party_a"]
    await receiving(party_a, courtroom.id("judge"), frames=5)
    assert (await party_a.share_screen()) == {"ok": True}
    await screen_frames(judge, party_a)
    if ending == "leave":
        await party_a.leave()
    else:
        party_a.kill()
    await room_shows(judge, lambda room: sharer(judge) == [], limit=10)

    # the view can reach the judge (a broadcast by another task) while the end is being written
    async def share_ended() -> bool:
        events = await timeline(database, courtroom.hearing_id, "share_started", "share_stopped")
        return [e.kind for e in events] == ["share_started", "share_stopped"]

    await eventually(share_ended, limit=5)
