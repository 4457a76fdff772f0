"""A live hearing survives its participants' mistakes and misfortunes.

Bad input gets an error reply and nothing else; a connection that breaks (an oversized
message, a killed client) costs only that participant their place for a moment: everyone
else keeps receiving, the bench is told, and the participant comes back where they were.
"""

from __future__ import annotations

import time
from typing import Any

from tests.headless import HeadlessParticipant
from tests.integration.courtroom import Courtroom, presence, receiving, start
from tests.integration.peers import wait_until

BROKEN_SDP = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video nine UDP/TLS/RTP/SAVPF x\r\n"
BAD_INPUT: list[tuple[str, Any, str]] = [
    ("offer", {"sdp": "garbage"}, "bad_sdp"),
    ("offer", {"sdp": BROKEN_SDP}, "bad_sdp"),
    ("answer", {"sdp": BROKEN_SDP}, "bad_sdp"),  # and no offer of ours is waiting
    ("candidate", {"candidate": "candidate:nonsense", "sdpMid": "0"}, "bad_candidate"),
    ("offer", {"sdp": "v=0\r\n" + "a=x\r\n" * 14_000}, "invalid_payload"),  # 70 KB
    ("offer", "not an object", "invalid_payload"),
    ("offer", {"sdp": "v=0", "extra": 1}, "invalid_payload"),
    ("admit", {"participant_id": "everyone"}, "invalid_payload"),
    ("no_such_event", {}, "unknown_event"),
]


async def everyone_still_receives(
    people: dict[str, HeadlessParticipant], ids: dict[str, int]
) -> None:
    since = time.monotonic()
    for name, receiver in people.items():
        for source in people:
            if source != name:
                reception = await receiving(receiver, ids[source], frames=15, since=since)
                assert reception.in_order, (name, source)


async def test_bad_input_gets_an_error_and_the_hearing_runs_on(courtroom: Courtroom) -> None:
    people = await start(courtroom, "party_a", "party_b")
    ids = {name: courtroom.id(name) for name in people}
    await everyone_still_receives(people, ids)
    offender = people["party_a"].signal
    for event, payload, code in BAD_INPUT:
        reply = await offender.call(event, payload)
        assert reply.get("error", {}).get("code") == code, (event, reply)
    assert offender.connected
    assert presence(people["judge"], ids["party_a"]) == "in_hearing"
    await everyone_still_receives(people, ids)
    assert people["judge"].signal.received["alert"] == []


async def test_an_oversized_message_costs_only_its_sender_the_connection(
    courtroom: Courtroom,
) -> None:
    people = await start(courtroom, "party_a", "party_b")
    judge, party_b = people["judge"], people["party_b"]
    await receiving(judge, courtroom.id("party_b"), frames=5)
    # above the engine's max_http_buffer_size (256 KB): the server ends that connection
    await party_b.signal.sio.emit("message", {"to": "bench", "text": "x" * 300_000}, "/hearing")
    await wait_until(lambda: not party_b.signal.connected, 5, "the connection to be dropped")
    alert = await judge.signal.wait_for("alert", lambda a: a["kind"] == "dropped")
    assert alert["participant_id"] == courtroom.id("party_b")
    await wait_until(
        lambda: presence(judge, courtroom.id("party_b")) == "reconnecting", 5, "reconnecting"
    )
    rest = {name: people[name] for name in ("judge", "party_a")}
    await everyone_still_receives(rest, {name: courtroom.id(name) for name in rest})


async def test_a_killed_participant_is_held_and_returns_without_admission(
    courtroom: Courtroom,
) -> None:
    people = await start(courtroom, "party_a", "detainee")
    judge, detainee = people["judge"], people["detainee"]
    detainee_id = courtroom.id("detainee")
    await receiving(judge, detainee_id, frames=5)

    detainee.kill()  # the terminal loses power: no goodbye, no DTLS close
    alert = await judge.signal.wait_for("alert", lambda a: a["kind"] == "dropped")
    assert alert["participant_id"] == detainee_id
    await wait_until(lambda: presence(judge, detainee_id) == "reconnecting", 5, "reconnecting")
    rest = {name: people[name] for name in ("judge", "party_a")}
    await everyone_still_receives(rest, {name: courtroom.id(name) for name in rest})

    back = await courtroom.join("detainee")  # within the grace window, nobody admits it again
    assert back.signal.room["you"]["presence"] == "in_hearing"
    await judge.signal.wait_for("alert", lambda a: a["kind"] == "reconnected")
    for source in ("judge", "party_a"):
        assert (await receiving(back, courtroom.id(source), frames=10)).in_order
    assert back.video is not None
    returned = time.monotonic()
    for receiver in rest.values():
        reception = await receiving(receiver, detainee_id, frames=10, since=returned)
        assert {f.tag for f in reception.video_since(returned)} == {back.video.tag}
