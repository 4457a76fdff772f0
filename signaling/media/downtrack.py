"""Per-subscriber rewrite of forwarded RTP packets: pure logic, no I/O.

A subscriber sees one continuous stream whatever happens upstream: its own SSRC and payload
type, sequence numbers without holes where packets were skipped (waiting for a keyframe,
switching source), timestamps that advance by wall-clock time across a switch, VP8 picture ids
that continue across a switch, and header extensions under the ids *it* negotiated.

Within one segment (from the keyframe where the subscriber started on a source to the next
switch) the mapping is a constant offset, so upstream loss shows through as the same gap and
the subscriber's NACK for an output sequence number maps back to the source packet.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from struct import pack

from aiortc.rtp import pack_header_extensions

from ._rewrite import HeaderWriter, Rewriter
from .nack import seq_delta
from .packet import SourcePacket
from .vp8 import rewrite_descriptor


@dataclass(frozen=True, slots=True)
class ExtensionIds:
    """Header extension ids negotiated with the subscriber (0: not negotiated)."""

    mid: int = 0
    abs_send_time: int = 0
    audio_level: int = 0


MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"


def extension_ids(negotiated: Iterable[tuple[str, int | None]]) -> ExtensionIds:
    """The ids of the extensions a downtrack writes, from negotiated (uri, id) pairs."""
    ids = {uri: ext_id or 0 for uri, ext_id in negotiated}
    return ExtensionIds(
        mid=ids.get(MID_URI, 0),
        abs_send_time=ids.get(ABS_SEND_TIME_URI, 0),
        audio_level=ids.get(AUDIO_LEVEL_URI, 0),
    )


FIXED_HEADER_SIZE = 12
_ABS_SEND_TIME_PLACEHOLDERS = (b"\x00\x00\x00", b"\xff\xff\xff")
_AUDIO_LEVEL_PLACEHOLDERS = (b"\x00", b"\xff")


def header_writer(
    mid: list[tuple[int, bytes]], abs_send_time_id: int, audio_level_id: int
) -> HeaderWriter:
    """The writer of a downtrack's RTP packets (C: `_rewrite.HeaderWriter`), its header
    (fixed part and extension block) packed once here.

    Per packet only the fixed fields and the abs-send-time and audio-level values are written,
    into one new object holding header, payload and padding. Where those values sit is found
    by packing the block twice with different placeholder values (so it holds for aiortc's
    one-byte and two-byte extension forms alike).
    """

    def block(abs_value: bytes, level_value: bytes) -> bytes:
        elements = list(mid)
        if abs_send_time_id:
            elements.append((abs_send_time_id, abs_value))
        if audio_level_id:
            elements.append((audio_level_id, level_value))
        if not elements:
            return b""
        profile, value = pack_header_extensions(elements)
        return pack("!HH", profile, len(value) // 4) + value

    low = block(_ABS_SEND_TIME_PLACEHOLDERS[0], _AUDIO_LEVEL_PLACEHOLDERS[0])
    high_abs = block(_ABS_SEND_TIME_PLACEHOLDERS[1], _AUDIO_LEVEL_PLACEHOLDERS[0])
    high_level = block(_ABS_SEND_TIME_PLACEHOLDERS[0], _AUDIO_LEVEL_PLACEHOLDERS[1])
    first_byte = 0x90 if low else 0x80  # version 2, and X when there is a block
    return HeaderWriter(
        bytes([first_byte]) + bytes(FIXED_HEADER_SIZE - 1) + low,
        # the offsets below are in the whole header (fixed part first)
        _changed(low, high_abs, 3, FIXED_HEADER_SIZE),
        _changed(low, high_level, 1, FIXED_HEADER_SIZE),
    )


def _changed(low: bytes, high: bytes, size: int, base: int) -> int:
    """Offset (plus `base`) of the `size` bytes in which `low` and `high` differ, 0 if none."""
    if low == high:
        return 0
    start = next(i for i in range(len(low)) if low[i] != high[i])
    if low[start + size :] != high[start + size :] or len(low) != len(high):
        raise ValueError("header extension value moved between packings")
    return base + start


@dataclass(frozen=True, slots=True)
class DownTrackParams:
    ssrc: int
    payload_type: int
    clock_rate: int
    wait_for_keyframe: bool
    """Video: start (and restart after a switch) only at the first packet of a keyframe."""
    mid: str | None = None
    extension_ids: ExtensionIds = ExtensionIds()
    rtx_ssrc: int | None = None
    rtx_payload_type: int | None = None
    """None when the subscriber did not negotiate RTX: retransmit on the media SSRC."""


class DownTrack:
    """The rewrite of one subscriber's stream. The per-packet part (`forward`) and the state
    are C (`_rewrite.Rewriter`): the segment's offsets and the newest packet sent; the rest
    reads and sets that state here."""

    def __init__(
        self,
        params: DownTrackParams,
        initial_sequence: int,
        initial_timestamp: int,
        initial_rtx_sequence: int = 0,
    ) -> None:
        self.params = params
        mid: list[tuple[int, bytes]] = []
        if params.mid is not None and params.extension_ids.mid:
            mid = [(params.extension_ids.mid, params.mid.encode("utf8"))]
        ids = params.extension_ids
        header = header_writer(mid, ids.abs_send_time, 0)  # no audio level (all video)
        header_with_level = (
            header_writer(mid, ids.abs_send_time, ids.audio_level) if ids.audio_level else header
        )
        self._state = Rewriter(
            header,
            header_with_level,
            params.ssrc,
            params.payload_type,
            params.clock_rate,
            params.wait_for_keyframe,
            initial_sequence,
            initial_timestamp,
        )
        self.forward: Callable[[SourcePacket, float, int], bytes | None] = self._state.forward
        """forward(packet, now, abs_send_time): the packet as this subscriber must receive it,
        or None to skip it. `now` is a monotonic time in seconds, `abs_send_time` the 24-bit
        abs-send-time value.

        A packet of another source than the segment's, or any packet while waiting, starts a
        new segment (video: only at the first packet of a keyframe): its sequence number
        follows the newest sent, its timestamp advances by the wall-clock time since, and its
        VP8 picture id and TL0PICIDX follow the newest sent. Within a segment, a packet older
        than its start is skipped."""
        self._rtx_sequence = initial_rtx_sequence

    @property
    def waiting(self) -> bool:
        """Whether packets are being skipped until one the subscriber can start at."""
        return self._state.waiting

    @property
    def last_timestamp(self) -> int:
        """RTP timestamp of the newest packet sent, for sender reports."""
        return self._state.last_timestamp

    def switch_source(self) -> None:
        """Drop packets until the next one a new source can start at (a keyframe for video)."""
        self._state.waiting = True

    def retransmit(
        self,
        sequence: int,
        lookup: Callable[[int], SourcePacket | None],
        abs_send_time: int,
    ) -> bytes | None:
        """Answer a NACK for output `sequence` from the source history `lookup`, as RTX if any."""
        state = self._state
        if state.waiting or state.source_ssrc < 0:
            return None
        back = seq_delta(state.last_sequence, sequence)
        if back < 0 or back >= state.segment_length:
            return None
        packet = lookup((sequence - state.sequence_offset) & 0xFFFF)
        if packet is None or packet.ssrc != state.source_ssrc:
            return None
        timestamp = (packet.timestamp + state.timestamp_offset) & 0xFFFFFFFF
        payload = self._payload(packet)
        params = self.params
        if params.rtx_ssrc is None or params.rtx_payload_type is None:
            ssrc, payload_type = params.ssrc, params.payload_type
        else:
            ssrc, payload_type = params.rtx_ssrc, params.rtx_payload_type
            payload = pack("!H", sequence) + payload
            sequence = self._rtx_sequence
            self._rtx_sequence = (self._rtx_sequence + 1) & 0xFFFF
        level = packet.audio_level
        writer = state.header if level is None else state.header_with_level
        return writer.packet(
            (0x80 if packet.marker else 0) | payload_type,
            sequence,
            timestamp,
            ssrc,
            abs_send_time,
            None if level is None else (0x80 if level[0] else 0) | (level[1] & 0x7F),
            payload,
            0,
        )

    def padding(self, size: int, abs_send_time: int) -> bytes | None:
        """A packet of `size` (1-255) bytes of padding and no payload on the RTX stream, which
        the subscriber counts in its receive estimate and then discards; None without RTX or
        before the first packet (its timestamp is the newest sent)."""
        params = self.params
        state = self._state
        if params.rtx_ssrc is None or params.rtx_payload_type is None or not state.started:
            return None
        sequence = self._rtx_sequence
        self._rtx_sequence = (sequence + 1) & 0xFFFF
        return state.header.packet(
            params.rtx_payload_type,
            sequence,
            state.last_timestamp,
            params.rtx_ssrc,
            abs_send_time,
            None,
            b"",
            size,
        )

    def _payload(self, packet: SourcePacket) -> bytes:
        """The packet's payload with the VP8 picture id / TL0PICIDX moved by the segment offset."""
        vp8 = packet.vp8
        state = self._state
        if vp8 is None or (state.picture_id_offset == 0 and state.tl0picidx_offset == 0):
            return packet.payload
        picture_id = None
        tl0picidx = None
        if vp8.picture_id is not None:
            picture_id = (vp8.picture_id + state.picture_id_offset) & 0x7FFF
        if vp8.tl0picidx is not None:
            tl0picidx = (vp8.tl0picidx + state.tl0picidx_offset) & 0xFF
        return rewrite_descriptor(packet.payload, vp8, picture_id, tl0picidx)
