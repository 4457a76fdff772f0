"""A simulcast publisher for the load generator: three pre-encoded VP8 layers on one transceiver.

aiortc sends one stream per track and knows no simulcast, so a simulcast publisher adds a
video track that never yields a frame (its transceiver only negotiates the media section),
offers that section as a browser offers simulcast (`simulcast_offer`: ``a=rid:<id> send`` per
layer, ``a=simulcast:send q;h;f``, the rid and repaired-rid extmaps, no ``a=ssrc`` lines) and,
once answered, sends the layers' RTP itself on the section's DTLS transport
(`SimulcastSender`, through signaling/media/transport.py's `RtpSendPath`): each layer with an
SSRC of its own, announced nowhere, and the mid, rid and (where negotiated: Janus leaves it
out) abs-send-time header extensions with the ids the answer gives them. As libwebrtc does, a layer's packets carry mid and rid until a
receiver report names its SSRC. All three layers of a frame share one RTP timestamp.

The layers (`encode_simulcast_clip`): the single-layer clip itself (640x360, ~800 kbps) on top,
so that the streams forwarded to subscribers are the same as in the single-layer run, and the
same pictures scaled to 320x180 (~300 kbps) and 160x90 (~100 kbps) below it. Each layer's clip
has one keyframe, its first frame; a PLI naming a layer's SSRC restarts that layer's clip there,
as an encoder answers with a keyframe. NACKs are not answered (no RTX; nothing is lost on
loopback). The top layer's frames are logged (`SendLog`) for the latency figures.

A subscriber that only counts what it receives sends the server no feedback, and our server
moves a subscriber up from the lowest layer only on a receive estimate; in a simulcast run each
such subscriber therefore reports one (`report_estimate`: a REMB of ESTIMATE per video stream,
every second), as a real client on a good link does.
"""

from __future__ import annotations

import asyncio
import fractions
import random
import re
import time
from dataclasses import dataclass, field

import av
from aiortc import RTCDtlsTransport, RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.clock import current_ntp_time
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_PLI,
    HeaderExtensionsMap,
    RtcpPacket,
    RtcpPsfbPacket,
    RtcpRrPacket,
    RtcpSrPacket,
    RtpPacket,
    pack_remb_fci,
)

from bench.clip import FPS, VIDEO_CLOCK, Clip, SendLog, encode_clip, pictures
from signaling.media.internals import rtp_router
from signaling.media.transport import RtpSendPath

RIDS = ("q", "h", "f")
"""Lowest layer first, as our web client names them."""
LOWER_LAYERS = ((160, 90, 100_000), (320, 180, 300_000))
"""Width, height and bitrate of the layers below the single-layer clip (640x360, 800 kbps)."""
MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
REPAIRED_RID_URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
MAX_BACKLOG = 256 * 1024
"""Bytes waiting in user space past which a packet is dropped (as the server's downtracks do)."""
ESTIMATE = 5_000_000
"""Bits per second a counting subscriber reports per video stream in a simulcast run."""

_SECTION = re.compile(r"(?=^m=)", re.MULTILINE)


def encode_simulcast_clip(seconds: float = 3.0, seed: int = 1) -> Clip:
    """The single-layer clip, with the same pictures encoded at LOWER_LAYERS below it."""
    clip = encode_clip(seconds, seed=seed)
    lower = [_encode_layer(seconds, seed, *layer) for layer in LOWER_LAYERS]
    return Clip(video=clip.video, audio=clip.audio, lower=lower)


def _encode_layer(seconds: float, seed: int, width: int, height: int, bitrate: int) -> list[bytes]:
    """The clip's pictures scaled down and encoded as aiortc's `Vp8Encoder` does (CBR,
    realtime), at a bitrate it would not go down to (it keeps to 250 kbps or more)."""
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height = width, height
    codec.pix_fmt = "yuv420p"
    codec.bit_rate = bitrate
    codec.time_base = fractions.Fraction(1, VIDEO_CLOCK)
    codec.gop_size = 3000  # one keyframe: the first frame
    codec.options = {
        "bufsize": str(bitrate),
        "cpu-used": "-6",
        "deadline": "realtime",
        "lag-in-frames": "0",
        "minrate": str(bitrate),
        "maxrate": str(bitrate),
        "partitions": "0",
        "static-thresh": "1",
        "undershoot-pct": "100",
        "overshoot-pct": "15",
    }
    frames = []
    for picture in pictures(seconds, seed):
        small = picture.reformat(width=width, height=height)
        small.pts, small.time_base = picture.pts, picture.time_base
        frames.append(b"".join(bytes(packet) for packet in codec.encode(small)))
    if not all(frames):
        raise RuntimeError("the VP8 encoder held back a frame")
    return frames


class SilentVideoTrack(MediaStreamTrack):
    """A video track that never yields a frame: its sender negotiates the section, sends nothing."""

    kind = "video"

    async def recv(self) -> av.VideoFrame:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def simulcast_offer(sdp: str) -> str:
    """aiortc's offer with its (one) video section offered as simulcast in RIDS."""
    sections = _SECTION.split(sdp)
    newline = "\r\n" if "\r\n" in sdp else "\n"
    stream_ids = (RID_URI, REPAIRED_RID_URI)
    # one id means one extension across the bundle; aiortc, taught the rid extensions by
    # signaling.media (imported here), gives them ids that the audio section already uses
    kept = [line for line in sdp.split(newline) if not any(uri in line for uri in stream_ids)]
    used = {int(m.group(1)) for line in kept if (m := re.match(r"a=extmap:(\d+)", line))}
    free = iter(sorted(set(range(1, 15)) - used))
    added = [f"a=extmap:{next(free)} {uri}" for uri in stream_ids]
    for index, section in enumerate(sections):
        if not section.startswith("m=video"):
            continue
        lines = [
            line
            for line in section.split(newline)
            if not line.startswith("a=ssrc") and not any(uri in line for uri in stream_ids)
        ]
        last_extmap = max(i for i, line in enumerate(lines) if line.startswith("a=extmap:"))
        lines[last_extmap + 1 : last_extmap + 1] = added
        blank = lines.pop() if lines[-1] == "" else None
        lines += [f"a=rid:{rid} send" for rid in RIDS]
        lines.append(f"a=simulcast:send {';'.join(RIDS)}")
        if blank is not None:
            lines.append(blank)
        sections[index] = newline.join(lines)
        break
    else:
        raise ValueError("the offer has no video section")
    return "".join(sections)


@dataclass(frozen=True)
class Negotiated:
    mid: str
    payload_type: int
    extensions: dict[str, int]
    """Header extension URI -> id."""


def negotiated(answer: str) -> Negotiated:
    """The mid, VP8 payload type and header extension ids of the answer's video section."""
    section = next(s for s in _SECTION.split(answer) if s.startswith("m=video"))
    mid = re.search(r"^a=mid:(\S+)", section, re.MULTILINE)
    vp8 = re.search(r"^a=rtpmap:(\d+) VP8/90000", section, re.MULTILINE | re.IGNORECASE)
    extensions = {
        uri: int(number)
        for number, uri in re.findall(r"^a=extmap:(\d+)(?:/\S+)? (\S+)", section, re.MULTILINE)
    }
    if mid is None or vp8 is None:
        raise ValueError("the answer's video section has no mid or no VP8")
    missing = [uri for uri in (MID_URI, RID_URI) if uri not in extensions]
    if missing:
        raise ValueError(f"the answer's video section leaves out {missing}")
    return Negotiated(mid.group(1), int(vp8.group(1)), extensions)


@dataclass
class _Layer:
    rid: str
    frames: list[bytes]
    ssrc: int = field(default_factory=lambda: random.getrandbits(32))
    sequence: int = field(default_factory=lambda: random.getrandbits(16))
    picture_id: int = field(default_factory=lambda: random.getrandbits(15))
    next: int = 0
    """The index of the clip's next frame (0 after a keyframe request)."""
    announce: bool = True
    """Send mid and rid (until a receiver report names the SSRC)."""
    keyframe_requests: int = 0


class SimulcastSender:
    """Sends a simulcast clip's layers at FPS on a DTLS transport (see the module docstring)."""

    def __init__(self, clip: Clip, log: SendLog) -> None:
        self.layers = [
            _Layer(rid, frames) for rid, frames in zip(RIDS, [*clip.lower, clip.video], strict=True)
        ]
        self.log = log
        self._by_ssrc = {layer.ssrc: layer for layer in self.layers}
        self._task: asyncio.Task[None] | None = None

    def start(self, transport: RTCDtlsTransport, answer: str) -> None:
        self._task = asyncio.create_task(self._run(transport, negotiated(answer)))

    async def _run(self, transport: RTCDtlsTransport, negotiation: Negotiated) -> None:
        await _connected(transport)
        router = rtp_router(transport)
        for layer in self.layers:
            router.register_sender(self, layer.ssrc)  # type: ignore[arg-type]  # PLIs, reports
        extensions = HeaderExtensionsMap()
        extensions.configure(
            RTCRtpParameters(
                codecs=[RTCRtpCodecParameters("video/VP8", 90000, negotiation.payload_type)],
                headerExtensions=[
                    RTCRtpHeaderExtensionParameters(id=number, uri=uri)
                    for uri, number in negotiation.extensions.items()
                ],
            )
        )
        path = RtpSendPath(transport)
        interval = 1 / FPS
        origin = random.getrandbits(32)
        start, sent = time.monotonic(), 0
        while transport.state == "connected":
            now = time.monotonic()
            due = start + sent * interval
            if due > now:
                await asyncio.sleep(due - now)
            elif now - due > 5 * interval:  # fell behind: do not burst to catch up
                start = now - sent * interval
            ticks = sent * VIDEO_CLOCK // FPS
            abs_send_time = (current_ntp_time() >> 14) & 0x00FFFFFF
            for layer in self.layers:
                index = layer.next
                payloads = _payloads(layer.frames[index], layer.picture_id)
                for number, payload in enumerate(payloads, 1):
                    packet = RtpPacket(
                        payload_type=negotiation.payload_type,
                        marker=int(number == len(payloads)),
                        sequence_number=layer.sequence,
                        timestamp=(origin + ticks) & 0xFFFFFFFF,
                        ssrc=layer.ssrc,
                        payload=payload,
                    )
                    packet.extensions.abs_send_time = abs_send_time
                    if layer.announce:
                        packet.extensions.mid = negotiation.mid
                        packet.extensions.rtp_stream_id = layer.rid
                    path.send(packet.serialize(extensions), MAX_BACKLOG)
                    layer.sequence = (layer.sequence + 1) & 0xFFFF
                layer.picture_id = (layer.picture_id + 1) & 0x7FFF
                layer.next = (index + 1) % len(layer.frames)
            top = self.layers[-1]
            self.log.index.append((top.next - 1) % len(top.frames))
            self.log.timestamp.append(ticks & 0xFFFFFFFF)
            self.log.sent_at.append(time.monotonic())
            sent += 1

    async def _handle_rtcp_packet(self, packet: RtcpPacket) -> None:
        """Called by aiortc's DTLS transport for RTCP about one of the layers' SSRCs."""
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_PLI:
            layer = self._by_ssrc.get(packet.media_ssrc)
            if layer is not None:
                layer.next = 0
                layer.keyframe_requests += 1
        elif isinstance(packet, (RtcpRrPacket, RtcpSrPacket)):
            for report in packet.reports:
                if report.ssrc in self._by_ssrc:
                    self._by_ssrc[report.ssrc].announce = False

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


def _payloads(frame: bytes, picture_id: int) -> list[bytes]:
    return Vp8Encoder._packetize(frame, picture_id)


async def _connected(transport: RTCDtlsTransport) -> None:
    """Return once the transport is no longer connecting (connected, or failed or closed)."""
    changed = asyncio.Event()
    transport.on("statechange", changed.set)
    try:
        while transport.state in ("new", "connecting"):
            await changed.wait()
            changed.clear()
    finally:
        transport.remove_listener("statechange", changed.set)


async def report_estimate(transport: RTCDtlsTransport, ssrc_of: dict[str, int]) -> None:
    """Every second, a REMB of ESTIMATE for each incoming video stream (mid -> SSRC)."""
    rtcp_ssrc = random.getrandbits(32)
    await _connected(transport)
    path = RtpSendPath(transport)
    while transport.state == "connected":
        await asyncio.sleep(1.0)
        for ssrc in list(ssrc_of.values()):
            remb = RtcpPsfbPacket(
                fmt=RTCP_PSFB_APP,
                ssrc=rtcp_ssrc,
                media_ssrc=0,
                fci=pack_remb_fci(ESTIMATE, [ssrc]),
            )
            path.send_rtcp(bytes(remb), MAX_BACKLOG)
