"""Real aiortc peers playing participants, for tests of the media layer over loopback.

A `ClientPeer` publishes synthetic media (see media_sources) to its server-side MediaSession
and records what arrives on each incoming track: RTP packets before the jitter buffer, encoded
frames handed to the decoder, and decoded frames with their counters.
"""

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpReceiver, RTCSessionDescription
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import (
    MediaStreamError,
    MediaStreamTrack,
)
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtp import (
    RTCP_PSFB_APP,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtpPacket,
    is_rtcp,
    unpack_remb_fci,
)
from av import VideoFrame

from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from signaling.media.vp8 import parse_descriptor
from tests.integration.media_sources import (
    CounterVideoTrack,
    SentFrames,
    ToneAudioTrack,
    read_counter,
)


@dataclass
class Received:
    """What a client peer got on one incoming track."""

    kind: str
    frames: list[tuple[float, int]] = field(default_factory=list)
    """(monotonic arrival, counter) per decoded frame; counter is 0 for audio."""
    packets: list[tuple[float, bool]] = field(default_factory=list)
    """(monotonic arrival, starts a keyframe) per RTP packet before the jitter buffer."""
    encoded: list[bytes] = field(default_factory=list)
    """Each encoded frame the jitter buffer handed the decoder, in order."""

    @property
    def counters(self) -> list[int]:
        return [counter for _, counter in self.frames]

    def keyframes_since(self, moment: float) -> list[float]:
        return [at for at, key in self.packets if key and at >= moment]

    def sent_counters(self, sent: SentFrames) -> list[int]:
        """The publisher-side counters of the frames that reached the decoder, in order.

        Unlike counters read back from decoded pictures, these are immune to the decoder's
        concealment (a picture decoded after an unrecovered loss can show stale blocks).
        """
        missing = [i for i, frame in enumerate(self.encoded) if frame not in sent]
        assert not missing, f"{len(missing)} of {len(self.encoded)} frames differ from any sent"
        return [sent[frame] for frame in self.encoded]


class ClientPeer:
    """A participant's side: an aiortc peer connection talking to one server MediaSession."""

    def __init__(self, session: MediaSession) -> None:
        self.session = session
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.received: dict[str, Received] = {}
        self.video: CounterVideoTrack | None = None
        self.remb: list[int] = []
        """Bitrates of the REMB packets the server sent about our video."""
        self._tasks: list[asyncio.Task[None]] = []
        self.pc.on("track", self._on_track)

    async def publish(
        self, video: bool = True, audio: bool = True, obey_remb: bool = True, first_frame: int = 0
    ) -> None:
        """Offer our tracks to the server. With `obey_remb` False the encoder ignores REMB:
        aiortc restarts its encoder (a keyframe) on each bitrate change, which would blur tests
        about when keyframes come. Video frames are numbered from `first_frame`."""
        if video:
            self.video = CounterVideoTrack(first_frame)
            self._observe_remb(self.pc.addTrack(self.video), obey_remb)
        if audio:
            self.pc.addTrack(ToneAudioTrack())
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self.offer_accepted(self.pc.localDescription.sdp)

    async def offer_accepted(self, offer: str) -> None:
        """The server accepts our ``offer`` (made with our local description); take its
        answer."""
        answer = await self.session.accept_offer(offer)
        assert answer is not None
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    async def negotiate(self) -> None:
        """Answer the server's offer for the current subscriptions."""
        offer = await self.session.create_offer()
        assert offer is not None
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await self.session.accept_answer(self.pc.localDescription.sdp)

    async def watch(self, publisher: "ClientPeer", kind: str, frames: int) -> None:
        """Subscribe to ``publisher``'s track of ``kind``, negotiate, and wait until ``frames``
        frames of it (or of any incoming track of ``kind``) were decoded."""
        self.session.subscribe(publisher.published(kind))
        await self.negotiate()
        await self.wait_frames(kind, frames)

    async def wait_frames(self, kind: str, count: int, limit: float = 10) -> float:
        """Wait until `count` frames of `kind` were decoded; return the seconds it took."""
        return await wait_until(
            lambda: any(len(r.frames) >= count for r in self.received.values() if r.kind == kind),
            limit,
            f"{count} {kind} frames",
        )

    def _observe_remb(self, sender: RTCRtpSender, obey: bool) -> None:
        original = sender._handle_rtcp_packet

        async def handle(packet: AnyRtcpPacket) -> None:
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
                self.remb.append(unpack_remb_fci(packet.fci)[0])
                if not obey:
                    return
            await original(packet)

        setattr(sender, "_handle_rtcp_packet", handle)  # noqa: B010

    async def send_pli(self, kind: str = "video") -> None:
        """Report picture loss on our incoming track of `kind`, as a browser would."""
        receiver = next(t.receiver for t in self.pc.getTransceivers() if t.kind == kind)
        sources = receiver.getSynchronizationSources()
        assert sources, "nothing received yet"
        await receiver._send_rtcp_pli(sources[0].source)

    def kill(self) -> None:
        """Vanish without a word (no DTLS close, no RTCP BYE): close our sockets."""
        for transceiver in self.pc.getTransceivers():
            for protocol in transceiver.receiver.transport.transport._connection._protocols:
                protocol.transport.close()

    def published(self, kind: str) -> PublishedTrack:
        """The server-side track of `kind` this client publishes."""
        return next(t for t in self.session.published if t.kind == kind)

    def track(self, kind: str) -> Received:
        """What arrived on the one incoming track of `kind`."""
        found = [r for r in self.received.values() if r.kind == kind]
        assert len(found) == 1, f"expected one {kind} track, got {len(found)}"
        return found[0]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.pc.close()

    def _on_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(t for t in self.pc.getTransceivers() if t.receiver.track is track)
        assert transceiver.mid is not None
        received = self.received[transceiver.mid] = Received(track.kind)
        observe_rtp(transceiver.receiver, received)
        record_decoder_input(transceiver.receiver, received.encoded)
        self._tasks.append(asyncio.create_task(self._read(track, received)))

    @staticmethod
    async def _read(track: MediaStreamTrack, received: Received) -> None:
        try:
            while True:
                frame = await track.recv()
                counter = read_counter(frame) if isinstance(frame, VideoFrame) else 0
                received.frames.append((time.monotonic(), counter))
        except MediaStreamError:
            pass


class Connect(Protocol):
    """The `connect` fixture: makes a participant, a server-side session and its client peer."""

    def __call__(self, session: MediaSession | None = None) -> ClientPeer: ...


def observe_rtp(receiver: RTCRtpReceiver, received: Received) -> None:
    """Record every RTP packet reaching `receiver` (and whether it starts a keyframe)."""
    original = receiver._handle_rtp_packet

    async def handle(packet: RtpPacket, arrival_time_ms: int) -> None:
        keyframe = False
        if received.kind == "video" and packet.payload:
            with contextlib.suppress(ValueError):
                keyframe = parse_descriptor(packet.payload).keyframe
        received.packets.append((time.monotonic(), keyframe))
        await original(packet, arrival_time_ms)

    setattr(receiver, "_handle_rtp_packet", handle)  # noqa: B010


@dataclass
class Losses:
    sent: int = 0
    received: int = 0


def lose_rtp(client: ClientPeer, rate: float, seed: int) -> Losses:
    """Drop a fraction `rate` of the RTP packets `client` sends and of those it receives
    (RTCP is spared, as the point is to exercise NACK and retransmission)."""
    transport = client.pc.getTransceivers()[0].receiver.transport
    chance = random.Random(seed)
    send, handle = transport._send_rtp, transport._handle_rtp_data
    losses = Losses()

    async def lossy_send(data: bytes) -> None:
        if is_rtcp(data) or chance.random() >= rate:
            await send(data)
        else:
            losses.sent += 1

    async def lossy_handle(data: bytes, arrival_time_ms: int) -> None:
        if chance.random() >= rate:
            await handle(data, arrival_time_ms)
        else:
            losses.received += 1

    setattr(transport, "_send_rtp", lossy_send)  # noqa: B010
    setattr(transport, "_handle_rtp_data", lossy_handle)  # noqa: B010
    return losses


def record_decoder_input(receiver: RTCRtpReceiver, frames: list[bytes]) -> None:
    """Append each encoded frame the jitter buffer of `receiver` hands its decoder."""
    decoder_queue = getattr(receiver, "_RTCRtpReceiver__decoder_queue")  # noqa: B009
    put = decoder_queue.put

    def recording_put(item: tuple[object, JitterFrame] | None) -> None:
        if item is not None:
            frames.append(item[1].data)
        put(item)

    decoder_queue.put = recording_put


async def wait_until(condition: Callable[[], bool], limit: float, what: str) -> float:
    """Poll `condition` every 10 ms; return the seconds it took, fail after `limit` seconds."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > limit:
            raise AssertionError(f"timed out after {limit} s waiting for {what}")
        await asyncio.sleep(0.01)
    return time.monotonic() - start
