"""The MediaSession API as the signaling layer uses it: callbacks, trickle ICE, glare."""

import asyncio
import re

import pytest
from aiortc import RTCSessionDescription

from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from tests.integration.media_sources import CounterVideoTrack
from tests.integration.peers import Connect, wait_until


async def test_callbacks_and_trickled_candidates(connect: Connect) -> None:
    """A browser trickles its candidates after the offer; the server never uses public STUN."""
    published: list[PublishedTrack] = []
    needed: list[bool] = []
    states: list[str] = []
    publisher = connect(
        MediaSession(
            on_track=published.append,
            on_negotiation_needed=lambda: needed.append(True),
            on_connection_state=states.append,
        )
    )
    publisher.pc.addTrack(CounterVideoTrack())
    await publisher.pc.setLocalDescription(await publisher.pc.createOffer())
    offer = publisher.pc.localDescription.sdp
    candidates = re.findall(r"^a=candidate:(.*?)\r?$", offer, re.MULTILINE)
    assert candidates
    bare_offer = re.sub(r"^a=(candidate:.*|end-of-candidates)\r?\n", "", offer, flags=re.MULTILINE)

    answer = await publisher.session.accept_offer(bare_offer)
    assert answer is not None
    assert [t.kind for t in published] == ["video"]
    ice = publisher.session._pc.getTransceivers()[0].receiver.transport.transport
    assert ice.iceGatherer._connection.stun_server is None
    await publisher.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    for candidate in candidates:
        await publisher.session.add_ice_candidate("candidate:" + candidate, sdp_mid="0")
    await publisher.session.add_ice_candidate(None)
    await wait_until(lambda: "connected" in states, 5, "connection over trickled candidates")
    assert publisher.session.connection_state == "connected"

    subscriber = connect()
    subscriber.session.subscribe(published[0])
    await subscriber.negotiate()
    await subscriber.wait_frames("video", 5)
    assert needed == []  # nothing for the publisher's own session to renegotiate


async def test_negotiation_needed_and_glare(connect: Connect) -> None:
    publisher = connect()
    await publisher.publish(audio=False)
    needed: list[bool] = []
    subscriber = connect(MediaSession(on_negotiation_needed=lambda: needed.append(True)))
    await subscriber.publish(video=False)  # the subscriber's own microphone first
    subscriber.session.subscribe(publisher.published("video"))
    assert needed == [True]
    offer = await subscriber.session.create_offer()
    assert offer is not None
    assert await subscriber.session.create_offer() is None  # one offer at a time
    # the browser's offer crosses ours: ignored, the browser rolls back and answers ours
    await subscriber.pc.setLocalDescription(await subscriber.pc.createOffer())
    assert await subscriber.session.accept_offer(subscriber.pc.localDescription.sdp) is None


async def test_changes_during_a_negotiation_are_announced_after_it(connect: Connect) -> None:
    publisher = connect()
    await publisher.publish()
    needed: list[bool] = []
    subscriber = connect(MediaSession(on_negotiation_needed=lambda: needed.append(True)))
    subscriber.session.subscribe(publisher.published("video"))
    offer = await subscriber.session.create_offer()
    assert offer is not None and needed == [True]
    subscriber.session.subscribe(publisher.published("audio"))
    assert needed == [True]  # not while our offer is out
    await subscriber.pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
    await subscriber.pc.setLocalDescription(await subscriber.pc.createAnswer())
    await subscriber.session.accept_answer(subscriber.pc.localDescription.sdp)
    assert needed == [True, True]
    await subscriber.negotiate()
    await subscriber.wait_frames("audio", 5)
    await subscriber.wait_frames("video", 5)


async def test_malformed_input_is_a_value_error(connect: Connect) -> None:
    client = connect()
    with pytest.raises(ValueError):
        await client.session.accept_offer("v=0\r\nnonsense")
    av1_only = (
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 120\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=rtcp-mux\r\n"
        "a=rtpmap:120 AV1/90000\r\na=sendonly\r\na=ice-ufrag:abcd\r\n"
        "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 00:11\r\na=setup:actpass\r\n"
    )
    with pytest.raises(ValueError):
        await client.session.accept_offer(av1_only)
    await client.publish(audio=False)
    with pytest.raises(ValueError):
        await client.session.add_ice_candidate("candidate:1 1 udp", sdp_mid="0")
    with pytest.raises(ValueError):
        await client.session.accept_answer("v=0\r\n")  # no offer of ours is pending


async def test_participant_stopping_a_track_ends_it(connect: Connect) -> None:
    publisher = connect()
    await publisher.publish()
    video = publisher.published("video")
    ended: list[bool] = []
    video.on_ended(lambda: ended.append(True))
    for transceiver in publisher.pc.getTransceivers():
        if transceiver.kind == "video":
            transceiver.direction = "inactive"
    await publisher.pc.setLocalDescription(await publisher.pc.createOffer())
    answer = await publisher.session.accept_offer(publisher.pc.localDescription.sdp)
    assert answer is not None
    assert ended == [True]
    assert [t.kind for t in publisher.session.published] == ["audio"]


async def test_closed_session_refuses_calls() -> None:
    session = MediaSession()
    await session.close()
    await session.close()
    with pytest.raises(RuntimeError):
        await session.create_offer()


async def test_offer_waiting_when_the_session_closes_is_dropped(connect: Connect) -> None:
    """A renegotiation queued behind another one while the participant leaves gets None,
    not an error: nothing is left to negotiate."""
    client = connect()
    await client.publish(audio=True, video=False)
    other = connect()
    other.session.subscribe(client.published("audio"))
    async with other.session._lock:  # a negotiation in progress
        waiting = asyncio.create_task(other.session.create_offer())
        await asyncio.sleep(0)
        await other.session.close()
    assert await waiting is None
