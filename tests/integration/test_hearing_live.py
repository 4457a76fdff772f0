"""A live hearing end to end: the real app, headless aiortc participants, real media.

Each participant publishes pictures carrying a frame counter and its own tag, and a tone.
What arrives is attributed to a participant through the server's offers (``tracks``), and
the tag drawn in the pictures shows the attribution is right.
"""

from __future__ import annotations

import time

from tests.headless import HeadlessParticipant
from tests.integration.courtroom import (
    Courtroom,
    carrying,
    connection_up,
    presence,
    receiving,
    room_shows,
    start,
)
from tests.integration.peers import wait_until
from tests.signal_client import admit_checked


async def test_everyone_admitted_receives_everyone_elses_video_and_audio(
    courtroom: Courtroom,
) -> None:
    people = await start(courtroom, "party_a", "party_b", "detainee")
    for name, receiver in people.items():
        for source_name, source in people.items():
            if source_name == name:
                continue
            reception = await receiving(receiver, courtroom.id(source_name), frames=30)
            assert reception.in_order, (name, source_name, reception.counters)
            assert source.video is not None
            assert {frame.tag for frame in reception.video} == {source.video.tag}
            assert len(reception.latencies) == len(reception.video)
    for receiver in people.values():
        assert receiver.peer.failures == [] and receiver.unattributed == 0


async def test_an_observer_receives_the_hearing_and_sends_nothing(courtroom: Courtroom) -> None:
    people = await start(courtroom, "party_a", "observer")
    observer, observer_id = people["observer"], courtroom.id("observer")
    for source in ("judge", "party_a"):
        assert (await receiving(observer, courtroom.id(source), frames=30)).in_order
    for receiver in people.values():
        assert observer_id not in receiver.received
        assert observer_id not in {s.participant_id for s in receiver.peer.sources.values()}
        assert receiver.peer.failures == [] and receiver.unattributed == 0


async def test_waiting_room_and_uncalled_witness_are_cut_off_until_admitted(
    courtroom: Courtroom,
) -> None:
    people = await start(courtroom, "party_a")
    judge, party_a = people["judge"], people["party_a"]
    waiting = {name: await courtroom.join(name) for name in ("party_b", "witness")}
    for person in waiting.values():
        assert person.signal.room["you"]["presence"] == "waiting"
        await connection_up(person)
    moment = time.monotonic()
    # the hearing carries on for a second or so while they wait
    await receiving(judge, courtroom.id("party_a"), frames=30, since=moment)
    await receiving(party_a, courtroom.id("judge"), frames=30, since=moment)
    bench = {courtroom.id("judge"), courtroom.id("clerk")}
    for name, person in waiting.items():
        assert person.received == {} and person.peer.sources == {}, name
        shown = {m["id"] for m in person.signal.room["members"]}
        assert shown == bench | {courtroom.id(name)}, name
        for member in (judge, party_a):
            assert courtroom.id(name) not in member.received

    for name in waiting:
        reply = await admit_checked(judge.signal, courtroom.id(name))
        assert reply == {"ok": True}, reply
    for name, person in waiting.items():
        for source in ("judge", "party_a"):
            reception = await receiving(person, courtroom.id(source), frames=15)
            assert reception.in_order
            assert await receiving(people[source], courtroom.id(name), frames=15)


async def test_muting_stops_a_participants_audio_for_everyone_until_unmuted(
    courtroom: Courtroom,
) -> None:
    people = await start(courtroom, "party_a", "party_b")
    judge, party_a, party_b = people["judge"], people["party_a"], people["party_b"]
    muted = courtroom.id("party_a")
    listeners = (judge, party_b)
    for listener in listeners:
        await receiving(listener, muted, frames=10)

    assert (await judge.signal.call("mute", {"participant_id": muted})) == {"ok": True}
    await room_shows(party_a, lambda room: room["you"]["bench_muted"] is True)
    for listener in listeners:  # the renegotiation that parks the audio reached them
        await carrying(listener, muted, {"video"})
    quiet = time.monotonic() + 0.2  # packets already on their way may still land
    for listener in listeners:
        await receiving(listener, muted, frames=30, audio=False, since=quiet)
        assert listener.reception(muted).audio_since(quiet) == []
    # muting is about what others hear: the muted person still hears the hearing
    await receiving(party_a, courtroom.id("party_b"), frames=10, since=quiet)

    assert (await judge.signal.call("mute", {"participant_id": muted, "muted": False})) == {
        "ok": True
    }
    unmuted = time.monotonic()
    for listener in listeners:
        await receiving(listener, muted, frames=10, since=unmuted)


async def test_late_joiners_see_video_within_a_second_of_being_up(courtroom: Courtroom) -> None:
    people = await start(courtroom, "party_a")
    judge, sources = people["judge"], [courtroom.id("judge"), courtroom.id("party_a")]
    await receiving(judge, courtroom.id("party_a"), frames=10)

    async def first_video_after_connecting(late: HeadlessParticipant) -> None:
        for source in sources:
            first = (await receiving(late, source, frames=1, audio=False)).video[0].at
            assert late.peer.connected_at is not None
            assert first - late.peer.connected_at < 1.0, (source, first - late.peer.connected_at)

    # the bench enters without admission
    await first_video_after_connecting(await courtroom.join("clerk", publish=False))
    # a party's connection comes up once admitted: until then there is nothing to receive
    party_b = await courtroom.join("party_b", publish=False)
    assert party_b.signal.room["you"]["presence"] == "waiting"
    await admit_checked(judge.signal, courtroom.id("party_b"))
    await first_video_after_connecting(party_b)


async def test_recess_and_close_reach_every_participant(courtroom: Courtroom) -> None:
    people = await start(courtroom, "party_a", "detainee", "observer", publish=("judge",))
    people["witness"] = await courtroom.join("witness", publish=False)
    judge, everyone = people["judge"], list(people.values())
    await receiving(people["party_a"], courtroom.id("judge"), frames=5)

    assert (await judge.signal.call("recess")) == {"ok": True}
    for person in everyone:
        await room_shows(person, lambda room: room["state"] == "recess")
    assert (await judge.signal.call("resume")) == {"ok": True}
    for person in everyone:
        await room_shows(person, lambda room: room["state"] == "in_session")

    assert (await judge.signal.call("close")) == {"ok": True}
    for person in everyone:
        closed = await person.signal.wait_for("closed")
        assert closed["hearing_id"] == courtroom.hearing_id and closed["verification_code"]
        await person.signal.wait_for("bye")
    await wait_until(lambda: not any(p.signal.connected for p in everyone), 5, "hang-up")


async def test_leaving_ends_a_participants_media_for_the_others(courtroom: Courtroom) -> None:
    people = await start(courtroom, "party_a", "party_b")
    judge, party_b = people["judge"], people["party_b"]
    leaver = courtroom.id("party_b")
    await receiving(judge, leaver, frames=5)
    await party_b.leave()
    await room_shows(judge, lambda _: presence(judge, leaver) == "left")
    await carrying(judge, leaver, set())
    gone = time.monotonic() + 0.2
    await receiving(judge, courtroom.id("party_a"), frames=15, since=gone)
    assert judge.reception(leaver).video_since(gone) == []
