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

from ._fastpath import HeaderWriter
from .nack import seq_delta
from .packet import SourcePacket
from .vp8 import rewrite_descriptor

MAX_SEGMENT = 0x4000
"""Past this many sequence numbers a segment is old enough that late packets cannot precede it."""


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
    """The writer of a downtrack's RTP packets (C: `_fastpath.HeaderWriter`), its header
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
        self._header = header_writer(mid, ids.abs_send_time, 0)
        """For packets without an audio level (all video)."""
        self._header_with_level = (
            header_writer(mid, ids.abs_send_time, ids.audio_level)
            if ids.audio_level
            else self._header
        )
        self._waiting = True
        self._started = False
        self._source_ssrc: int | None = None
        # output state of the newest forwarded packet
        self._last_sequence = (initial_sequence - 1) & 0xFFFF
        self._last_timestamp = initial_timestamp
        self._last_time = 0.0
        self._last_picture_id: int | None = None
        self._last_tl0picidx: int | None = None
        # current segment: source -> output offsets
        self._source_highest = 0
        self._segment_length = 0
        self._sequence_offset = 0
        self._timestamp_offset = 0
        self._picture_id_offset = 0
        self._tl0picidx_offset = 0
        self._rtx_sequence = initial_rtx_sequence

    @property
    def waiting(self) -> bool:
        """Whether packets are being skipped until one the subscriber can start at."""
        return self._waiting

    @property
    def last_timestamp(self) -> int:
        """RTP timestamp of the newest packet sent, for sender reports."""
        return self._last_timestamp

    def switch_source(self) -> None:
        """Drop packets until the next one a new source can start at (a keyframe for video)."""
        self._waiting = True

    def forward(self, packet: SourcePacket, now: float, abs_send_time: int) -> bytes | None:
        """Return the packet as this subscriber must receive it, or None to skip it.

        `now` is a monotonic time in seconds, `abs_send_time` the 24-bit abs-send-time value.
        """
        if packet.ssrc != self._source_ssrc:
            self._waiting = True
        newest = True
        if self._waiting:
            if self.params.wait_for_keyframe and not packet.keyframe:
                return None
            self._start_segment(packet, now)
        else:
            # seq_delta(packet.sequence_number, self._source_highest), inline: per packet
            delta = ((packet.sequence_number - self._source_highest + 0x8000) & 0xFFFF) - 0x8000
            if delta > 0:
                self._source_highest = packet.sequence_number
                self._segment_length = min(self._segment_length + delta, MAX_SEGMENT)
            elif -delta >= self._segment_length:
                return None
            else:
                newest = False
        sequence = (packet.sequence_number + self._sequence_offset) & 0xFFFF
        timestamp = (packet.timestamp + self._timestamp_offset) & 0xFFFFFFFF
        payload = packet.payload if packet.vp8 is None else self._payload(packet, newest)
        if newest:
            self._last_sequence = sequence
            self._last_timestamp = timestamp
            self._last_time = now
        params = self.params
        return self._serialize(
            params.ssrc,
            params.payload_type,
            sequence,
            timestamp,
            packet,
            payload,
            packet.padding_size,
            abs_send_time,
        )

    def retransmit(
        self,
        sequence: int,
        lookup: Callable[[int], SourcePacket | None],
        abs_send_time: int,
    ) -> bytes | None:
        """Answer a NACK for output `sequence` from the source history `lookup`, as RTX if any."""
        if self._waiting or self._source_ssrc is None:
            return None
        back = seq_delta(self._last_sequence, sequence)
        if back < 0 or back >= self._segment_length:
            return None
        packet = lookup((sequence - self._sequence_offset) & 0xFFFF)
        if packet is None or packet.ssrc != self._source_ssrc:
            return None
        timestamp = (packet.timestamp + self._timestamp_offset) & 0xFFFFFFFF
        payload = self._payload(packet, remember=False)
        params = self.params
        if params.rtx_ssrc is None or params.rtx_payload_type is None:
            ssrc, payload_type = params.ssrc, params.payload_type
        else:
            ssrc, payload_type = params.rtx_ssrc, params.rtx_payload_type
            payload = pack("!H", sequence) + payload
            sequence = self._rtx_sequence
            self._rtx_sequence = (self._rtx_sequence + 1) & 0xFFFF
        return self._serialize(
            ssrc, payload_type, sequence, timestamp, packet, payload, 0, abs_send_time
        )

    def padding(self, size: int, abs_send_time: int) -> bytes | None:
        """A packet of `size` (1-255) bytes of padding and no payload on the RTX stream, which
        the subscriber counts in its receive estimate and then discards; None without RTX or
        before the first packet (its timestamp is the newest sent)."""
        params = self.params
        if params.rtx_ssrc is None or params.rtx_payload_type is None or not self._started:
            return None
        sequence = self._rtx_sequence
        self._rtx_sequence = (sequence + 1) & 0xFFFF
        return self._header.packet(
            params.rtx_payload_type,
            sequence,
            self._last_timestamp,
            params.rtx_ssrc,
            abs_send_time,
            None,
            b"",
            size,
        )

    def _start_segment(self, packet: SourcePacket, now: float) -> None:
        sequence = (self._last_sequence + 1) & 0xFFFF
        timestamp = self._last_timestamp
        picture_id_offset = 0
        tl0picidx_offset = 0
        if self._started:
            ticks = max(1, round((now - self._last_time) * self.params.clock_rate))
            timestamp = (timestamp + ticks) & 0xFFFFFFFF
            vp8 = packet.vp8
            if vp8 is not None and vp8.picture_id is not None and self._last_picture_id is not None:
                picture_id_offset = (self._last_picture_id + 1 - vp8.picture_id) & 0x7FFF
            if vp8 is not None and vp8.tl0picidx is not None and self._last_tl0picidx is not None:
                tl0picidx_offset = (self._last_tl0picidx + 1 - vp8.tl0picidx) & 0xFF
        self._sequence_offset = (sequence - packet.sequence_number) & 0xFFFF
        self._timestamp_offset = (timestamp - packet.timestamp) & 0xFFFFFFFF
        self._picture_id_offset = picture_id_offset
        self._tl0picidx_offset = tl0picidx_offset
        self._source_ssrc = packet.ssrc
        self._source_highest = packet.sequence_number
        self._segment_length = 1
        self._waiting = False
        self._started = True

    def _payload(self, packet: SourcePacket, remember: bool) -> bytes:
        """The packet's payload with the VP8 picture id / TL0PICIDX moved by the segment offset."""
        vp8 = packet.vp8
        if vp8 is None:
            return packet.payload
        picture_id = None
        tl0picidx = None
        if vp8.picture_id is not None:
            picture_id = (vp8.picture_id + self._picture_id_offset) & 0x7FFF
            if remember:
                self._last_picture_id = picture_id
        if vp8.tl0picidx is not None:
            tl0picidx = (vp8.tl0picidx + self._tl0picidx_offset) & 0xFF
            if remember:
                self._last_tl0picidx = tl0picidx
        if self._picture_id_offset == 0 and self._tl0picidx_offset == 0:
            return packet.payload
        return rewrite_descriptor(packet.payload, vp8, picture_id, tl0picidx)

    def _serialize(
        self,
        ssrc: int,
        payload_type: int,
        sequence: int,
        timestamp: int,
        packet: SourcePacket,
        payload: bytes,
        padding_size: int,
        abs_send_time: int,
    ) -> bytes:
        second = (0x80 if packet.marker else 0) | payload_type
        level = packet.audio_level
        if level is None:
            writer, level_byte = self._header, None
        else:
            writer, level_byte = (
                self._header_with_level,
                (0x80 if level[0] else 0) | (level[1] & 0x7F),
            )
        return writer.packet(
            second, sequence, timestamp, ssrc, abs_send_time, level_byte, payload, padding_size
        )
