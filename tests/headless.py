"""Headless participants: aiortc clients that join a live hearing the way a browser does.

Two layers, so that a load generator can reuse the first with media of its own:

- :class:`HearingPeer` is signaling and one peer connection, media-agnostic. It connects to
  the ``/hearing`` namespace, publishes the tracks it is given (offering first, as a client
  that cannot roll back must), answers the server's renegotiation offers, and keeps which
  participant each incoming transceiver carries (the offer's ``tracks`` map).
- :class:`HeadlessParticipant` publishes synthetic media (pictures carrying a frame counter
  and a source tag, a tone) and reports what it receives from each participant: frames,
  counter gaps and latency, measured against the send times all publishers of the process
  keep in one :class:`SendTimes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.jitterbuffer import JitterBuffer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcconfiguration import RTCBundlePolicy
from aiortc.rtcrtpreceiver import NackGenerator
from aiortc.rtp import (
    RTCP_PSFB_APP,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtpPacket,
    pack_remb_fci,
    unpack_remb_fci,
)
from av import AudioFrame, VideoFrame

from signaling.media.vp8 import parse_descriptor
from tests.integration.media_sources import (
    CounterVideoTrack,
    ToneAudioTrack,
    dominant_hz,
    read_marks,
    tone_hz,
)
from tests.signal_client import SignalClient

# A synthetic camera sends at most 300 kbit/s, 15 frames a second, with a little noise. Every
# participant of a test shares one process (and the machine's two cores) with the server; at a
# real camera's 30 fps and aiortc's 1.5 Mbit/s ceiling the process falls behind, loopback
# sockets overflow, and aiortc's receivers freeze for seconds on a lost packet.
MAX_VIDEO_BITRATE = 300_000
FPS = 15
NOISE_ROWS = 16
RECEIVE_BUFFER = 2 * 1024 * 1024
REJOIN_PAUSE_SECONDS = 0.3

OnTrack = Callable[[str, MediaStreamTrack], None]
"""Called with the mid and the track of each new incoming transceiver."""


@dataclass(frozen=True)
class Source:
    """Whose media an incoming transceiver carries, as the server's last offer said."""

    participant_id: int
    kind: str
    source: str = "camera"
    """"camera" (and microphone) or "screen"."""


class HearingPeer:
    """One participant's socket.io connection and peer connection to the server.

    Identify with an ``invitation`` token or a staff or terminal session ``cookie``.
    """

    def __init__(
        self,
        url: str,
        *,
        invitation: str | None = None,
        cookie: str | None = None,
        on_track: OnTrack | None = None,
    ) -> None:
        self.signal = SignalClient(url)
        # max-bundle: with aiortc's default (balanced), an answerer given several audio sections
        # in one offer leaves all but the first on a transport that never connects
        self.pc = RTCPeerConnection(
            RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        self.sources: dict[str, Source] = {}
        """Incoming transceivers by mid: whom each carries now (absent: parked, carries nobody)."""
        self.retired: dict[str, Source] = {}
        """Mids the server stopped using, with their last source: a frame already on its way
        when the offer that retired the mid arrived is still that source's."""
        self.failures: list[str] = []
        """Server offers this peer could not answer (a test should find none)."""
        self.connected_at: float | None = None
        """When the peer connection first came up (monotonic)."""
        self._invitation = invitation
        self._cookie = cookie
        self._on_track = on_track
        self._offers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._negotiating = asyncio.Lock()
        self._answering: asyncio.Task[None] | None = None
        self.pc.on("track", self._track)
        self.pc.on("connectionstatechange", self._connection_state)
        self.signal.on("offer", self._offers.put_nowait)

    @property
    def participant_id(self) -> int:
        """Our participant id, known once connected."""
        participant_id: int = self.signal.room["you"]["id"]
        return participant_id

    async def join(self, hearing_id: int, tracks: Sequence[MediaStreamTrack] = ()) -> None:
        """Connect and publish ``tracks``; with none, only receive.

        A peer that publishes offers first and the server holds its own offers until then;
        one that does not never offers, so it only ever answers.
        """
        for track in tracks:
            self.pc.addTrack(track)
        self._answering = asyncio.create_task(self._answer_offers())
        async with self._negotiating:
            await self.signal.connect(
                hearing_id, self._invitation, self._cookie, offers_first=bool(tracks)
            )
            if tracks:
                await self.pc.setLocalDescription(await self.pc.createOffer())
                self._enlarge_receive_buffers()
                reply = await self.signal.call("offer", {"sdp": self.pc.localDescription.sdp})
                if "sdp" not in reply:
                    raise RuntimeError(f"the server refused our offer: {reply}")
                await self.pc.setRemoteDescription(
                    RTCSessionDescription(sdp=reply["sdp"], type="answer")
                )

    async def add_track(self, track: MediaStreamTrack) -> None:
        """Publish one more track (a shared screen) in a new sendonly transceiver and offer it.

        The server must be done negotiating with us: an aiortc peer cannot roll back an offer
        that crosses one of the server's."""
        async with self._negotiating:
            self.pc.addTransceiver(track, direction="sendonly")
            await self.pc.setLocalDescription(await self.pc.createOffer())
            reply = await self.signal.call("offer", {"sdp": self.pc.localDescription.sdp})
            if "sdp" not in reply:
                raise RuntimeError(f"the server did not answer our offer: {reply}")
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp=reply["sdp"], type="answer")
            )

    async def _answer_offers(self) -> None:
        while True:
            offer = await self._offers.get()
            async with self._negotiating:
                try:
                    await self._answer(offer)
                except Exception as exc:  # kept for the test to report
                    self.failures.append(f"{type(exc).__name__}: {exc}")

    async def _answer(self, offer: dict[str, Any]) -> None:
        # the map first: aiortc announces new tracks while applying the offer
        before = self.sources
        self.sources = {
            mid: Source(int(source["participant_id"]), str(source["kind"]), str(source["source"]))
            for mid, source in offer.get("tracks", {}).items()
        }
        # a mid the server stopped using keeps its last source for the frames still on their way
        self.retired.update(
            {mid: source for mid, source in before.items() if mid not in self.sources}
        )
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        for transceiver in self.pc.getTransceivers():
            mid = transceiver.mid
            if mid in self.sources and before.get(mid) != self.sources[mid]:
                _restart_reception(transceiver.receiver)
        self._enlarge_receive_buffers()
        reply = await self.signal.call("answer", {"sdp": self.pc.localDescription.sdp})
        if "error" in reply:
            raise RuntimeError(f"the server refused our answer: {reply['error']}")

    def _udp_transports(self) -> list[asyncio.DatagramTransport]:
        """The sockets ICE gathered (private aioice state: the project pins aiortc's version)."""
        found: dict[int, asyncio.DatagramTransport] = {}
        for transceiver in self.pc.getTransceivers():
            for protocol in transceiver.receiver.transport.transport._connection._protocols:
                found[id(protocol.transport)] = protocol.transport
        return list(found.values())

    def _enlarge_receive_buffers(self) -> None:
        """Give the sockets room for a burst. Every participant of a test shares one busy event
        loop with the server; when it falls behind, a default-sized buffer overflows, and
        aiortc's receiver then freezes for seconds on the lost packet. A browser reads its
        socket from a process of its own."""
        for transport in self._udp_transports():
            sock = transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)

    def _track(self, track: MediaStreamTrack) -> None:
        transceiver = next(t for t in self.pc.getTransceivers() if t.receiver.track is track)
        if self._on_track is not None and transceiver.mid is not None:
            self._on_track(transceiver.mid, track)

    def _connection_state(self) -> None:
        if self.pc.connectionState == "connected" and self.connected_at is None:
            self.connected_at = time.monotonic()

    async def leave(self) -> None:
        """Say goodbye (the ``leave`` event), then hang up."""
        reply = await self.signal.call("leave")
        if reply != {"ok": True}:
            raise RuntimeError(f"the server refused our leaving: {reply}")
        await self.close()

    def kill(self) -> None:
        """Vanish as a crashed phone would: the socket and the media sockets just close."""
        self.signal.abort()
        for transport in self._udp_transports():
            transport.close()

    async def close(self) -> None:
        if self._answering is not None:
            self._answering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._answering
        if self.signal.connected:
            await self.signal.close()
        await self.pc.close()


class SendTimes:
    """When each synthetic video frame of this process left its publisher.

    Every publisher of a test runs in one process and marks its pictures with its own tag,
    so a receiver finds a frame's send time from the picture alone: tag → counter → time.
    """

    def __init__(self) -> None:
        self._by_tag: dict[int, dict[int, float]] = {}

    def video_track(self) -> CounterVideoTrack:
        """A new publisher's camera, with a tag of its own."""
        tag = len(self._by_tag) + 1
        sent = self._by_tag[tag] = {}
        return CounterVideoTrack(tag=tag, sent=sent, fps=FPS, noise_rows=NOISE_ROWS)

    def sent_at(self, tag: int, counter: int) -> float | None:
        return self._by_tag.get(tag, {}).get(counter)


@dataclass(frozen=True)
class Frame:
    """One decoded video frame as it arrived."""

    at: float
    """Monotonic arrival time."""
    counter: int
    tag: int
    latency: float | None
    """Seconds since its publisher sent it (None if it was sent by no publisher we know)."""


@dataclass
class Reception:
    """What one participant received from one other participant."""

    video: list[Frame] = field(default_factory=list)
    audio: list[float] = field(default_factory=list)
    """Arrival time of each decoded audio frame."""

    @property
    def counters(self) -> list[int]:
        return [frame.counter for frame in self.video]

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """(counter, next counter) wherever the next is not one more (modulo 16 bits)."""
        counters = self.counters
        return [(a, b) for a, b in itertools.pairwise(counters) if b != (a + 1) & 0xFFFF]

    @property
    def in_order(self) -> bool:
        """Every counter is later than the one before (a jump forward is a gap, not disorder)."""
        counters = self.counters
        return all(0 < (b - a) & 0xFFFF < 0x8000 for a, b in itertools.pairwise(counters))

    @property
    def latencies(self) -> list[float]:
        return [frame.latency for frame in self.video if frame.latency is not None]

    def video_since(self, moment: float) -> list[Frame]:
        return [frame for frame in self.video if frame.at >= moment]

    def audio_since(self, moment: float) -> list[float]:
        return [at for at in self.audio if at >= moment]


class HeadlessParticipant:
    """A participant with a synthetic camera and microphone, or an observer with none."""

    def __init__(
        self,
        url: str,
        send_times: SendTimes,
        *,
        invitation: str | None = None,
        cookie: str | None = None,
    ) -> None:
        self.peer = HearingPeer(url, invitation=invitation, cookie=cookie, on_track=self._track)
        self._invitation, self._cookie = invitation, cookie
        self._joined: tuple[int, bool] | None = None
        """The hearing and whether we publish, once joined (to join again)."""
        self._rejoining: asyncio.Task[None] | None = None
        self.rejoins = 0
        self.send_times = send_times
        self.video: CounterVideoTrack | None = None
        self.tone: ToneAudioTrack | None = None
        self.received: dict[int, Reception] = {}
        """By source participant id (cameras and microphones)."""
        self.screens: dict[int, Reception] = {}
        """The screens received, by the participant who shares."""
        self.screen: CounterVideoTrack | None = None
        """The screen we share (the last one)."""
        self.unattributed = 0
        """Frames that arrived on a transceiver the last offer said carried nobody."""
        self.seen: list[Frame] = []
        """Every decoded picture, whatever transceiver it came on: what
        reached this participant by content, not by the server's word."""
        self.heard: list[tuple[float, float]] = []
        """(arrival, dominant Hz) of every decoded audio frame, likewise."""
        self._readers: list[asyncio.Task[None]] = []

    @property
    def signal(self) -> SignalClient:
        return self.peer.signal

    @property
    def id(self) -> int:
        return self.peer.participant_id

    async def join(self, hearing_id: int, publish: bool = True) -> None:
        self._joined = (hearing_id, publish)
        tracks: list[MediaStreamTrack] = []
        if publish:
            self.video = self.send_times.video_track()
            self.tone = ToneAudioTrack(tone_hz(self.video.tag))
            tracks = [self.video, self.tone]
        await self.peer.join(hearing_id, tracks)
        if self.video is not None:
            sender = next(s for s in self.peer.pc.getSenders() if s.track is self.video)
            cap_bitrate(sender, MAX_VIDEO_BITRATE)

    async def share_screen(self) -> dict[str, Any]:
        """Ask to share a screen (synthetic pictures with a tag of their own) and, if the court
        agrees, publish it; the server's reply to ``share``."""
        screen = self.send_times.video_track()
        reply = await self.signal.call("share", {"on": True, "track_id": screen.id})
        if reply == {"ok": True}:
            self.screen = screen
            await self.peer.add_track(screen)
            sender = next(s for s in self.peer.pc.getSenders() if s.track is screen)
            cap_bitrate(sender, MAX_VIDEO_BITRATE)
        return reply

    def reception(self, participant_id: int) -> Reception:
        return self.received.setdefault(participant_id, Reception())

    async def rejoin(self, url: str) -> None:
        """Join again through ``url`` with a new peer connection, as a browser does after its
        server went away (the entry server places the hearing again, or says where it is)."""
        assert self._joined is not None, "join first"
        await self.peer.close()
        self.peer = HearingPeer(
            url, invitation=self._invitation, cookie=self._cookie, on_track=self._track
        )
        await self.join(*self._joined)
        self.rejoins += 1

    def rejoin_when_dropped(self, entries: Sequence[str]) -> None:
        """From now on, join again by itself whenever the connection drops, trying the
        ``entries`` (the front doors of a deployment) in turn until one takes us back."""

        async def keep_joined() -> None:
            attempt = 0
            while True:
                await self.signal.dropped.wait()
                while True:
                    try:
                        await self.rejoin(entries[attempt % len(entries)])
                        break
                    except Exception:  # the server is away or refuses for now: try the next
                        attempt += 1
                        await asyncio.sleep(REJOIN_PAUSE_SECONDS)

        self._rejoining = asyncio.create_task(keep_joined())

    def _track(self, mid: str, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            receiver = next(
                (t.receiver for t in self.peer.pc.getTransceivers() if t.receiver.track is track),
                None,
            )
            if receiver is not None:
                _decode_from_keyframes(receiver)
        self._readers.append(asyncio.create_task(self._read(mid, track)))

    async def _read(self, mid: str, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                at = time.monotonic()
                source = self.peer.sources.get(mid) or self.peer.retired.get(mid)
                received = self.screens if source and source.source == "screen" else self.received
                reception = (
                    None
                    if source is None
                    else received.setdefault(source.participant_id, Reception())
                )
                if reception is None:
                    self.unattributed += 1
                if isinstance(frame, VideoFrame):
                    counter, tag = read_marks(frame)
                    sent = self.send_times.sent_at(tag, counter)
                    picture = Frame(at, counter, tag, None if sent is None else at - sent)
                    self.seen.append(picture)
                    if reception is not None:
                        reception.video.append(picture)
                elif isinstance(frame, AudioFrame):
                    self.heard.append((at, dominant_hz(frame)))
                    if reception is not None:
                        reception.audio.append(at)

    async def leave(self) -> None:
        await self.peer.leave()
        await self._stop_reading()

    def kill(self) -> None:
        self.peer.kill()

    async def close(self) -> None:
        if self._rejoining is not None:
            self._rejoining.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._rejoining
        await self.peer.close()
        await self._stop_reading()

    async def _stop_reading(self) -> None:
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)


def skip_to_keyframe(receiver: RTCRtpReceiver, packet: RtpPacket) -> None:
    """Let a full receiver decode from a keyframe whatever came before it, as a browser does.

    aiortc's video jitter buffer hands frames on in sequence order and passes a gap (packets
    lost for good) only once 512 packets have come after it: ~17 s of a 100 kbps stream, all
    undecoded although keyframes arrived. When the first packet of a VP8 keyframe comes and
    the buffer holds a gap before it, everything before it is dropped."""
    codec = getattr(receiver, "_RTCRtpReceiver__codecs", {}).get(packet.payload_type)
    if codec is None or codec.mimeType.lower() != "video/vp8" or not packet.payload:
        return  # retransmissions (RTX) are unwrapped later, by aiortc
    descriptor = parse_descriptor(packet.payload)
    if not (descriptor.keyframe and descriptor.begins_frame):
        return
    buffer: JitterBuffer = getattr(receiver, "_RTCRtpReceiver__jitter_buffer")  # noqa: B009
    origin = buffer._origin
    if origin is None:
        return
    ahead = (packet.sequence_number - origin) & 0xFFFF
    if 0 < ahead < buffer.capacity:
        slots = buffer._packets
        if any(slots[(origin + i) % buffer.capacity] is None for i in range(ahead)):
            buffer.remove(ahead)


def _decode_from_keyframes(receiver: RTCRtpReceiver) -> None:
    """Every packet to `receiver` first passes `skip_to_keyframe` (a test process that runs
    the server and every participant can fall behind reading its sockets and lose the first
    packets of a stream: a CI run's party then decoded nothing of the judge for 20 s)."""
    original = receiver._handle_rtp_packet

    async def handle(packet: RtpPacket, arrival_time_ms: int) -> None:
        skip_to_keyframe(receiver, packet)
        await original(packet, arrival_time_ms)

    setattr(receiver, "_handle_rtp_packet", handle)  # noqa: B010


def _restart_reception(receiver: RTCRtpReceiver) -> None:
    """Start a resumed or switched incoming video stream afresh, as a browser does.

    aiortc keeps the transceiver's jitter buffer, and stalls on any hole in it for up to 512
    packets (it asks for a lost packet once, then waits). Such a hole appears when a stream resumes on a parked transceiver: a test
    process that runs the server and every participant falls seconds behind reading its
    sockets, and the packets still queued when the transceiver went inactive are dropped on
    arrival. (Private aiortc state: the project pins aiortc's version.)
    """
    if receiver.track is not None and receiver.track.kind == "video":
        buffer = JitterBuffer(capacity=512, is_video=True)
        setattr(receiver, "_RTCRtpReceiver__jitter_buffer", buffer)  # noqa: B010
        setattr(receiver, "_RTCRtpReceiver__nack_generator", NackGenerator())  # noqa: B010


def cap_bitrate(sender: RTCRtpSender, ceiling: int) -> None:
    """Hold ``sender``'s encoder at or below ``ceiling`` bit/s, as a browser's ``maxBitrate``.

    aiortc has no such setting: the estimates the server sends (REMB) are clipped instead.
    """
    handle = sender._handle_rtcp_packet

    async def clipped(packet: AnyRtcpPacket) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            with contextlib.suppress(ValueError):
                bitrate, ssrcs = unpack_remb_fci(packet.fci)
                packet.fci = pack_remb_fci(min(bitrate, ceiling), ssrcs)
        await handle(packet)

    setattr(sender, "_handle_rtcp_packet", clipped)  # noqa: B010
