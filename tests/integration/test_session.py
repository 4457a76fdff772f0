"""The MediaSession API as the signaling layer uses it: callbacks, trickle ICE, glare."""

import asyncio
import re
from collections.abc import Callable

import pytest
from aiortc import RTCSessionDescription
from aiortc.exceptions import OperationError

from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from tests.integration.media_sources import CounterVideoTrack, ToneAudioTrack
from tests.integration.peers import ClientPeer, Connect, wait_until


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


def h264_renumbered_to_97(sdp: str) -> str:
    payload_type = re.search(r"a=rtpmap:(\d+) H264/90000", sdp)
    assert payload_type is not None
    return sdp.replace(f"a=rtpmap:{payload_type[1]} H264", "a=rtpmap:97 H264", 1)


def sections_repeated(sdp: str, count: int) -> str:
    header, *media = re.split(r"(?=^m=)", sdp, flags=re.MULTILINE)
    video = next(m for m in media if m.startswith("m=video"))
    return header + "".join(re.sub(r"a=mid:\S+", f"a=mid:{i}", video) for i in range(count))


HOSTILE_OFFERS: dict[str, Callable[[str], str]] = {
    "two sections with mid 0": lambda sdp: re.sub(r"a=mid:\S+", "a=mid:0", sdp),
    "300 video sections": lambda sdp: sections_repeated(sdp, 300),
    "truncated": lambda sdp: sdp[: len(sdp) // 2],
    "H264 renumbered to 97": h264_renumbered_to_97,
    "no fingerprint": lambda sdp: re.sub(r"a=fingerprint:.*\r\n", "", sdp),
    "bad fingerprint hex": lambda sdp: re.sub(r"(a=fingerprint:\S+) \S+", r"\1 ZZ:11", sdp),
}


async def refuses_every_hostile_variant(client: ClientPeer, offer: str) -> None:
    """The server refuses each of HOSTILE_OFFERS made of ``offer``, and each refusal leaves
    the session as it was: signaling "stable", the same transceivers."""
    transceivers = client.session._pc.getTransceivers()
    for name, mutate in HOSTILE_OFFERS.items():
        with pytest.raises(ValueError):
            await client.session.accept_offer(mutate(offer))
        assert client.session._pc.signalingState == "stable", name
        assert client.session._pc.getTransceivers() == transceivers, name


async def test_a_refused_offer_leaves_the_session_as_it_was(connect: Connect) -> None:
    """Each hostile offer is refused with a reason and changes nothing: the next valid offer
    on the same connection is answered (not taken for glare) and media flows; the same once
    connected, for a re-offer."""
    client = connect()
    client.pc.addTrack(CounterVideoTrack())
    client.pc.addTrack(ToneAudioTrack())
    await client.pc.setLocalDescription(await client.pc.createOffer())
    offer = client.pc.localDescription.sdp
    assert client.session._pc.getTransceivers() == []
    await refuses_every_hostile_variant(client, offer)
    await client.offer_accepted(offer)
    subscriber = connect()
    await subscriber.watch(client, "video", 5)

    await client.pc.setLocalDescription(await client.pc.createOffer())
    again = client.pc.localDescription.sdp
    await refuses_every_hostile_variant(client, again)
    await client.offer_accepted(again)
    frames = len(subscriber.track("video").frames)
    await subscriber.wait_frames("video", frames + 10)


async def test_an_offer_failing_inside_aiortc_is_rolled_back(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An offer that passes our checks but fails in aiortc after it was applied (the remote
    description set, transceivers and tracks made) is undone: no transceiver, no published
    track, signaling "stable"; the same offer then goes through and media flows."""
    client = connect()
    client.pc.addTrack(CounterVideoTrack())
    client.pc.addTrack(ToneAudioTrack())
    await client.pc.setLocalDescription(await client.pc.createOffer())
    offer = client.pc.localDescription.sdp
    pc = client.session._pc

    async def failing_answer() -> RTCSessionDescription:
        assert pc.signalingState == "have-remote-offer" and len(pc.getTransceivers()) == 2
        raise OperationError("injected")

    monkeypatch.setattr(pc, "createAnswer", failing_answer)
    with pytest.raises(ValueError, match="injected"):
        await client.session.accept_offer(offer)
    assert pc.signalingState == "stable"
    assert pc.getTransceivers() == [] and client.session.published == []
    monkeypatch.undo()
    await client.offer_accepted(offer)
    subscriber = connect()
    await subscriber.watch(client, "video", 5)
