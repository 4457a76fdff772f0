"""One headless participant of the load generator: signaling, a peer connection, counters.

It publishes a pre-encoded clip (bench/clip.py) and receives everything the server offers.
Incoming RTP is taken away from aiortc's jitter buffer and decoder (the receiver's packet
handler is replaced), so receiving costs SRTP and parsing only: per stream it counts packets
and complete frames (marker bit), notes when the first frame arrived, and logs when each video
frame began to arrive, identified by its first bytes (bench/clip.py) and its RTP timestamp.
A full receiver (bench/limited.py's limited subscriber) counts the same and then hands the
packets on to aiortc, so that the server gets its feedback, and times its decoded frames.

`BaseParticipant` is that media part, the same whatever the server; `Participant` adds the
hearing server's socket.io signaling (bench/janus_participant.py adds Janus').
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from abc import ABC, abstractmethod
from array import array
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import socketio
from aiortc import (
    RTCConfiguration,
    RTCDtlsTransport,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtp import RtpPacket

from bench.clip import FINGERPRINT_BYTES, Clip, ClipAudioTrack, ClipVideoTrack, SendLog
from bench.simulcast import SilentVideoTrack, SimulcastSender, report_estimate, simulcast_offer
from signaling.media.vp8 import parse_descriptor
from tests.headless import skip_to_keyframe

NAMESPACE = "/hearing"
SAMPLE_PACKETS = 300
MAX_MOVES = 2
"""A join is told at most once where its hearing is; twice allows for a node dying meanwhile."""


@dataclass(frozen=True)
class Seat:
    """Who joins and how: an invitation token or a staff session cookie."""

    participant_id: int
    invitation: str | None = None
    cookie: str | None = None
    publishes: bool = True


@dataclass
class Incoming:
    """What arrived on one incoming stream since the last reset."""

    publisher_id: int
    kind: str
    packets: int = 0
    frames: int = 0
    octets: int = 0
    first_frame_at: float | None = None
    index: array[int] = field(default_factory=lambda: array("q"))
    """Per video frame: its clip index, or -1 if its first bytes are not the clip's."""
    timestamp: array[int] = field(default_factory=lambda: array("q"))
    arrived_at: array[float] = field(default_factory=lambda: array("d"))
    since_forwarded: array[float] = field(default_factory=lambda: array("d"))
    """Per video frame: seconds from the server's abs-send-time stamp to its arrival."""
    sample: list[bytes] | None = None
    """VP8 payloads of the first frames from a keyframe on, when this stream is sampled."""
    decoded_at: array[float] = field(default_factory=lambda: array("d"))
    """When each frame came out of aiortc's decoder (a full receiver's streams only)."""

    def reset(self) -> None:
        self.packets = self.frames = self.octets = 0
        self.index, self.timestamp = array("q"), array("q")
        self.arrived_at, self.since_forwarded = array("d"), array("d")
        self.decoded_at = array("d")


class BaseParticipant(ABC):
    """What a participant does whatever the server: send the clip, count what arrives.

    Subclasses do the signaling: they set `connected_at` as they start joining, add the clip
    to the connection they publish on (`_add_clip`), fill `_owners` before an offer adds
    incoming streams, and pass the connection they receive on to `_receive`."""

    def __init__(self, seat: Seat, clip: Clip, fingerprints: dict[bytes, int]) -> None:
        self.seat = seat
        self.clip = clip
        self.fingerprints = fingerprints
        self.sent = SendLog()
        self.incoming: dict[str, Incoming] = {}
        self.sample_next = False
        """Keep the payloads of the next incoming video stream's first frames."""
        self.connected_at = 0.0
        self.first_frame = asyncio.Event()
        """Set when an incoming stream delivers its first frame."""
        self._owners: dict[str, int] = {}
        """Incoming stream (mid) -> the participant id of its publisher."""
        self.full_receiver = False
        """Receive as a real client does (set before joining): aiortc's own receive path
        (jitter buffer, NACKs, receiver reports, REMB) and decoder run after the counting,
        and the decoded frames are timed. Otherwise incoming RTP is only counted, and the
        server gets no receiver feedback from this participant."""
        self.impairment = Impairment()
        """Applied to what arrives, before anything else (a full receiver only)."""
        self._readers: list[asyncio.Task[None]] = []
        self._simulcast = SimulcastSender(clip, self.sent) if clip.lower else None
        """Sends the clip's layers itself when it has several (bench/simulcast.py)."""
        self._ssrc_of: dict[str, int] = {}
        """Incoming video stream (mid) -> its SSRC, for the estimates a simulcast run's
        counting subscribers report."""
        self._estimates: list[asyncio.Task[None]] = []

    @abstractmethod
    async def join(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    def video_streams_flowing(self) -> int:
        return sum(1 for s in self.incoming.values() if s.kind == "video" and s.frames > 0)

    async def wait_first_frames(self, publishers: int, deadline: float) -> list[float]:
        """Wait until video from `publishers` publishers arrives, or until `deadline` (a
        monotonic time); then the seconds from connecting to each incoming video stream's first
        frame, in order."""
        with contextlib.suppress(TimeoutError):
            while self.video_streams_flowing() < publishers:
                self.first_frame.clear()
                await asyncio.wait_for(self.first_frame.wait(), deadline - time.monotonic())
        return sorted(
            s.first_frame_at - self.connected_at
            for s in self.incoming.values()
            if s.kind == "video" and s.first_frame_at is not None
        )

    def _add_clip(self, pc: RTCPeerConnection) -> None:
        if self._simulcast is not None:
            pc.addTrack(SilentVideoTrack())  # the section the layers are sent on
        else:
            video = ClipVideoTrack(self.clip, self.sent)
            sender = pc.addTrack(video)
            setattr(sender, "_send_keyframe", video.restart)  # noqa: B010 (PLI: restart)
        pc.addTrack(ClipAudioTrack(self.clip))

    def _offer(self, pc: RTCPeerConnection) -> str:
        """The publishing offer to send: `pc`'s, its video section made simulcast if the clip
        has layers."""
        sdp: str = pc.localDescription.sdp
        return simulcast_offer(sdp) if self._simulcast is not None else sdp

    def _published(self, pc: RTCPeerConnection, answer: str) -> None:
        """The server answered the publishing offer: send the layers, if the clip has some."""
        if self._simulcast is not None:
            sender = next(t.sender for t in pc.getTransceivers() if t.kind == "video")
            self._simulcast.start(sender.transport, answer)

    def _receive(self, pc: RTCPeerConnection) -> None:
        """Count every track that arrives on `pc`."""
        pc.on("track", lambda track: self._on_track(pc, track))

    def _on_track(self, pc: RTCPeerConnection, track: MediaStreamTrack) -> None:
        transceiver = next(t for t in pc.getTransceivers() if t.receiver.track is track)
        mid = transceiver.mid or ""
        stream = Incoming(publisher_id=self._owners.get(mid, -1), kind=track.kind)
        if track.kind == "video" and self.sample_next:
            self.sample_next, stream.sample = False, []
        self.incoming[mid] = stream
        count = self._counter(stream, mid)
        receiver = transceiver.receiver
        if not self.full_receiver:
            setattr(receiver, "_handle_rtp_packet", count)  # noqa: B010
            if self.clip.lower and track.kind == "video":
                self._report_estimates(receiver.transport)
            return
        original = receiver._handle_rtp_packet
        impairment = self.impairment

        async def deliver(packet: RtpPacket, arrival_time_ms: int) -> None:
            await count(packet, arrival_time_ms)
            if track.kind == "video":
                skip_to_keyframe(receiver, packet)
            await original(packet, arrival_time_ms)

        loop = asyncio.get_running_loop()
        delayed: asyncio.Queue[tuple[float, RtpPacket, int]] = asyncio.Queue()

        async def handle(packet: RtpPacket, arrival_time_ms: int) -> None:
            if impairment.loss and impairment.chance.random() < impairment.loss:
                return
            late = round(impairment.delay * 1000)
            delayed.put_nowait((loop.time() + impairment.delay, packet, arrival_time_ms + late))

        async def release() -> None:
            while True:
                due, packet, arrival_time_ms = await delayed.get()
                await asyncio.sleep(due - loop.time())
                await deliver(packet, arrival_time_ms)

        setattr(receiver, "_handle_rtp_packet", handle)  # noqa: B010
        self._readers += [asyncio.create_task(release()), asyncio.create_task(_read(track, stream))]

    def _report_estimates(self, transport: RTCDtlsTransport) -> None:
        """Start reporting a receive estimate for the incoming video (once per participant)."""
        if not any(not task.done() for task in self._estimates):
            self._estimates = [asyncio.create_task(report_estimate(transport, self._ssrc_of))]

    def _counter(
        self, stream: Incoming, mid: str
    ) -> Callable[[RtpPacket, int], Coroutine[Any, Any, None]]:
        fingerprints = self.fingerprints
        simulcast = self.clip.lower and stream.kind == "video"
        ssrc_of: dict[str, int] | None = self._ssrc_of if simulcast else None

        async def handle(packet: RtpPacket, arrival_time_ms: int) -> None:
            now = time.monotonic()
            payload = packet.payload
            stream.packets += 1
            if ssrc_of is not None:
                ssrc_of[mid] = packet.ssrc
            stream.octets += len(payload)
            if stream.kind == "video" and payload:
                descriptor = parse_descriptor(payload)
                if descriptor.begins_frame:
                    head = payload[descriptor.size : descriptor.size + FINGERPRINT_BYTES]
                    stream.index.append(fingerprints.get(head, -1))
                    stream.timestamp.append(packet.timestamp)
                    stream.arrived_at.append(now)
                    stamp = packet.extensions.abs_send_time
                    if stamp is not None:  # 6.18 fixed-point seconds; NTP and Unix agree mod 64
                        lag = (time.time() - stamp / (1 << 18)) % 64
                        stream.since_forwarded.append(lag)
                sample = stream.sample  # kept from the first keyframe on
                if sample is not None and 0 < len(sample) + descriptor.keyframe <= SAMPLE_PACKETS:
                    sample.append(payload)
            if packet.marker:
                stream.frames += 1
                if stream.first_frame_at is None:
                    stream.first_frame_at = now
                    self.first_frame.set()

        return handle


@dataclass
class Impairment:
    """A link's delay and loss applied in the receiving process, where the kernel cannot
    (no `netem`): incoming RTP packets are dropped at random with probability `loss`, and
    the others reach aiortc `delay` seconds late, in order."""

    delay: float = 0.0
    loss: float = 0.0
    chance: random.Random = field(default_factory=lambda: random.Random(1))


async def _read(track: MediaStreamTrack, stream: Incoming) -> None:
    """Take the decoded frames off a full receiver's track, timing them."""
    with contextlib.suppress(MediaStreamError):
        while True:
            await track.recv()
            stream.decoded_at.append(time.monotonic())


class Participant(BaseParticipant):
    """A participant of the hearing server (or of its MediaRelay baseline): socket.io
    signaling, one peer connection both ways."""

    def __init__(
        self, url: str, hearing_id: int, seat: Seat, clip: Clip, fingerprints: dict[bytes, int]
    ) -> None:
        super().__init__(seat, clip, fingerprints)
        self.url = url
        self.hearing_id = hearing_id
        self.moves = 0
        """How many times joining was refused with `moved` and followed to `node_url`."""
        self._refusal: dict[str, Any] = {}
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self._namespace_connected = asyncio.Event()
        """The server's offer can come before the namespace's connect is acknowledged (it is
        sent while the server still handles the connect); answering then fails."""
        self.sio = self._client()
        self._lock = asyncio.Lock()
        self._receive(self.pc)

    def _client(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        sio.on("offer", self._on_offer, namespace=NAMESPACE)
        sio.on("connect", self._namespace_connected.set, namespace=NAMESPACE)
        sio.on("connect_error", self._refused, namespace=NAMESPACE)
        return sio

    def _refused(self, error: Any) -> None:
        data = error.get("data") if isinstance(error, dict) else None
        self._refusal = data if isinstance(data, dict) else {"message": str(error)}

    async def join(self) -> None:
        """Connect; a publisher offers its tracks first, then the server offers what it gets.

        A join refused with `moved` (another process holds the hearing) goes to `node_url`."""
        seat = self.seat
        auth: dict[str, Any] = {"hearing_id": self.hearing_id, "offers_first": seat.publishes}
        if seat.invitation is not None:
            auth["invitation"] = seat.invitation
        headers = {"Cookie": f"hs_session={seat.cookie}"} if seat.cookie else {}
        self.connected_at = time.monotonic()
        await self._connect(auth, headers)
        if not seat.publishes:
            return
        async with self._lock:
            self._add_clip(self.pc)
            await self.pc.setLocalDescription(await self.pc.createOffer())
            reply = await self.call("offer", {"sdp": self._offer(self.pc)})
            if "sdp" not in reply:
                raise RuntimeError(f"participant {seat.participant_id}: offer refused: {reply}")
            await self.pc.setRemoteDescription(RTCSessionDescription(reply["sdp"], "answer"))
            self._published(self.pc, reply["sdp"])

    async def _connect(self, auth: dict[str, Any], headers: dict[str, str]) -> None:
        for _ in range(MAX_MOVES + 1):
            self._refusal = {}
            try:
                await self.sio.connect(
                    self.url,
                    namespaces=[NAMESPACE],
                    auth=auth,
                    headers=dict(headers),  # engine.io takes the Cookie header out of it
                    transports=["websocket"],
                    wait_timeout=10,
                )
                return
            except socketio.exceptions.ConnectionError:
                if self._refusal.get("code") != "moved":
                    raise
                self.url = str(self._refusal["node_url"])  # held elsewhere: go there
                self.moves += 1
                await self.sio.eio.disconnect()  # closes the refused client's HTTP session
                self.sio = self._client()
        raise RuntimeError(f"participant {self.seat.participant_id}: moved over {MAX_MOVES} times")

    async def call(self, event: str, data: Any = None) -> dict[str, Any]:
        reply: dict[str, Any] = await self.sio.call(
            event, data if data is not None else {}, namespace=NAMESPACE, timeout=20
        )
        return reply

    async def close(self) -> None:
        async with self._lock:  # not in the middle of answering an offer
            await self.sio.disconnect()
            await self.pc.close()
        for task in [*self._readers, *self._estimates]:
            task.cancel()
        if self._simulcast is not None:
            self._simulcast.stop()

    async def _on_offer(self, data: dict[str, Any]) -> None:
        async with self._lock:
            if self.pc.signalingState == "closed":  # an offer that came as we closed
                return
            for mid, owner in data.get("tracks", {}).items():
                self._owners[mid] = int(owner.get("participant_id", -1))
            await self.pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "offer"))
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            await self._namespace_connected.wait()
            await self.sio.emit("answer", {"sdp": self.pc.localDescription.sdp}, NAMESPACE)
