"""`hidden_videos`: a participant's screen does not show some people's video now (tiles scrolled
away, the phone's app in the background), so the server sends them none of it, for that
participant alone and without renegotiation, until shown again; audio always goes on. Hostile
payloads get a clear refusal and cost nothing else.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from court.protocol import MAX_HIDDEN_VIDEOS
from hearing_server.keys import LIVE_HEARINGS
from signaling.live import LiveHearing
from signaling.media.subscriber import MAX_LAYER, Subscription
from tests.integration.courtroom import Courtroom, receiving, start
from tests.integration.peers import wait_until
from tests.integration.test_hostile_socket import judge_present, party, trouble
from tests.raw_socket import RawSocket
from tests.signal_client import admit_checked

NINES = "9" * 120


MALFORMED: list[Any] = [
    {},
    {"participant_ids": None},
    {"participant_ids": "1"},
    {"participant_ids": 1},
    {"participant_ids": [True]},
    {"participant_ids": [0]},
    {"participant_ids": [-3]},
    {"participant_ids": [1.5]},
    {"participant_ids": ["1"]},
    {"participant_ids": [[1]]},
    {"participant_ids": [2**31]},
    {"participant_ids": [10**30]},
    {"participant_ids": list(range(1, MAX_HIDDEN_VIDEOS + 2))},
    {"participant_ids": [], "screens": True},
    {"participant_ids": [], "shown_small": None},
    {"participant_ids": [], "shown_small": "1"},
    {"participant_ids": [], "shown_small": [0]},
    {"participant_ids": [], "shown_small": [True]},
    {"participant_ids": [], "shown_small": list(range(1, MAX_HIDDEN_VIDEOS + 2))},
    {"shown_small": [1]},
    "everyone",
    [1, 2],
    7,
]


async def test_hostile_hidden_videos_are_refused_clearly(
    courtroom: Courtroom, session: aiohttp.ClientSession, logged: pytest.LogCaptureFixture
) -> None:
    judge = await judge_present(courtroom)
    stranger = await RawSocket.open(session, courtroom.url)  # never joined
    judge_id = courtroom.id("judge")
    await stranger.send(f'42/hearing,1["hidden_videos",{{"participant_ids":[{judge_id}]}}]')
    member = await party(courtroom, session, "party_a")  # in the waiting room
    ack = 1
    for payload in MALFORMED:
        ack += 1
        reply = await member.call(ack, "hidden_videos", payload)
        assert reply["error"]["code"] == "invalid_payload", (payload, reply)
    await member.send(f'42/hearing,999["hidden_videos",{{"participant_ids":[{NINES}]}}]')
    # ids of no one here, or of people whose video is not sent: nothing to hold back, no error
    for ids in ([], [2**31 - 1], [courtroom.id("judge"), courtroom.id("party_a")], [5] * 500):
        ack += 1
        assert await member.call(ack, "hidden_videos", {"participant_ids": ids}) == {"ok": True}
    await asyncio.sleep(0.3)
    assert not member.closed and not stranger.closed and judge.connected
    assert trouble(logged) == []
    await judge.sio.disconnect()


def live_hearing_of(server: TestServer, hearing_id: int) -> LiveHearing:
    live: LiveHearing = server.app[LIVE_HEARINGS].hearings[hearing_id]
    return live


def sent_to(live: LiveHearing, subscriber_id: int, owner_id: int, kind: str) -> Subscription:
    """The subscription forwarding ``owner_id``'s track of ``kind`` to ``subscriber_id``."""
    tracks = live.router.tracks[owner_id]
    return next(
        s
        for s in live.router.sessions[subscriber_id].subscriptions
        if s.kind == kind and s.publisher in tracks
    )


async def stays(count: Any, seconds: float) -> bool:
    before = count()
    await asyncio.sleep(seconds)
    return bool(count() == before)


async def test_a_thumbnail_is_sent_the_lowest_layer_until_it_grows(
    server: TestServer, courtroom: Courtroom
) -> None:
    people = await start(courtroom, "party_a")
    judge_id, party_b_id = courtroom.id("judge"), courtroom.id("party_b")
    party_a = people["party_a"]
    await receiving(party_a, judge_id)
    live = live_hearing_of(server, courtroom.hearing_id)
    video = sent_to(live, party_a.id, judge_id, "video")
    assert video.max_layer == MAX_LAYER

    # party B has not joined yet: remembered for their camera when it comes
    small = {"participant_ids": [], "shown_small": [judge_id, party_b_id]}
    assert await party_a.signal.call("hidden_videos", small) == {"ok": True}
    assert video.max_layer == 0 and not video.hidden
    await courtroom.join("party_b")
    assert await admit_checked(people["judge"].signal, party_b_id) == {"ok": True}
    await receiving(party_a, party_b_id, frames=5, limit=15)
    assert sent_to(live, party_a.id, party_b_id, "video").max_layer == 0

    # a tile hidden is hidden, whatever its size; a list without them sends them in full
    both = {"participant_ids": [party_b_id], "shown_small": [judge_id]}
    assert await party_a.signal.call("hidden_videos", both) == {"ok": True}
    assert sent_to(live, party_a.id, party_b_id, "video").hidden
    assert await party_a.signal.call("hidden_videos", {"participant_ids": []}) == {"ok": True}
    assert video.max_layer == MAX_LAYER
    assert sent_to(live, party_a.id, party_b_id, "video").max_layer == MAX_LAYER


async def test_a_hidden_video_stops_for_that_person_only_and_comes_back_without_an_offer(
    server: TestServer, courtroom: Courtroom
) -> None:
    people = await start(courtroom, "party_a", "observer")
    judge_id, party_b_id = courtroom.id("judge"), courtroom.id("party_b")
    party_a, observer = people["party_a"], people["observer"]
    await receiving(party_a, judge_id)
    await receiving(observer, judge_id)
    live = live_hearing_of(server, courtroom.hearing_id)
    video = sent_to(live, party_a.id, judge_id, "video")
    audio = sent_to(live, party_a.id, judge_id, "audio")

    # party B has not joined yet: remembered, and their camera starts hidden
    hidden = {"participant_ids": [judge_id, party_b_id]}
    assert await party_a.signal.call("hidden_videos", hidden) == {"ok": True}
    await asyncio.sleep(0.2)  # packets already on the wire
    assert await stays(lambda: video.sent_bytes, 1.5), "the hidden video is still sent"
    hidden_at = time.monotonic()
    judge_heard = party_a.reception(judge_id)
    await wait_until(lambda: len(judge_heard.audio_since(hidden_at)) >= 25, 3, "the judge")
    assert not audio.hidden
    watched = observer.reception(judge_id)
    await wait_until(lambda: len(watched.video_since(hidden_at)) >= 10, 3, "the observer's video")

    await courtroom.join("party_b")
    assert await admit_checked(people["judge"].signal, party_b_id) == {"ok": True}
    await receiving(observer, party_b_id, frames=5, limit=15)
    party_b_video = sent_to(live, party_a.id, party_b_id, "video")
    assert party_b_video.hidden and party_b_video.sent_bytes == 0
    heard = party_a.reception(party_b_id)
    await wait_until(lambda: len(heard.audio) >= 10, 5, "party B's audio")
    assert await stays(lambda: video.sent_bytes, 0.5)
    offers = len(party_a.signal.received["offer"])  # party B's arrival was negotiated

    shown_at = time.monotonic()
    assert await party_a.signal.call("hidden_videos", {"participant_ids": []}) == {"ok": True}
    await receiving(party_a, judge_id, frames=10, since=shown_at, limit=5)
    await receiving(party_a, party_b_id, frames=10, since=shown_at, limit=5)
    assert len(party_a.signal.received["offer"]) == offers  # no renegotiation
    assert party_a.peer.failures == []
