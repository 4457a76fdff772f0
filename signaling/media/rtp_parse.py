"""RTP parsing on the receive path: aiortc's `RtpPacket.parse` without decoding the header
extensions nobody reads.

aiortc decodes every header extension a packet carries (mid, stream ids, abs-send-time,
transport sequence number, ...) into a new `HeaderExtensions` per packet. The forwarder reads
two of them, the audio level (RFC 6464, for active speakers) and abs-send-time (for the
publisher's uplink estimate), so this finds those and steps over the others.
Malformed packets raise ValueError, as aiortc's parser does.
"""

import struct

from aiortc.rtp import RtpPacket

_FIXED_HEADER = struct.Struct("!BBHLL")
_EXTENSION_HEADER = struct.Struct("!HH")
ONE_BYTE_PROFILE = 0xBEDE
TWO_BYTE_PROFILE = 0x1000


def parse_rtp(data: bytes, audio_level_id: int, abs_send_time_id: int = 0) -> RtpPacket:
    """Parse `data`; `audio_level_id` and `abs_send_time_id` are the negotiated ids of the
    audio level and abs-send-time extensions (0: not negotiated)."""
    size = len(data)
    if size < _FIXED_HEADER.size:
        raise ValueError("RTP packet length is less than 12 bytes")
    first, marker_type, sequence_number, timestamp, ssrc = _FIXED_HEADER.unpack_from(data)
    if first >> 6 != 2:
        raise ValueError("RTP packet has invalid version")
    csrc_count = first & 0x0F
    pos = _FIXED_HEADER.size + 4 * csrc_count
    if size < pos:
        raise ValueError("RTP packet has truncated CSRC")
    packet = RtpPacket(
        payload_type=marker_type & 0x7F,
        marker=marker_type >> 7,
        sequence_number=sequence_number,
        timestamp=timestamp,
        ssrc=ssrc,
    )
    if csrc_count:
        packet.csrc = list(struct.unpack_from(f"!{csrc_count}L", data, _FIXED_HEADER.size))
    if first & 0x10:
        if size < pos + 4:
            raise ValueError("RTP packet has truncated extension profile / length")
        profile, words = _EXTENSION_HEADER.unpack_from(data, pos)
        start, pos = pos + 4, pos + 4 + 4 * words
        if size < pos:
            raise ValueError("RTP packet has truncated extension value")
        if audio_level_id or abs_send_time_id:
            level, sent = _extension_values(
                data, start, pos, profile, audio_level_id, abs_send_time_id
            )
            if level is not None:
                packet.extensions.audio_level = (level & 0x80 == 0x80, level & 0x7F)
            packet.extensions.abs_send_time = sent
    if first & 0x20:
        padding = data[-1]
        if not padding or padding > size - pos:
            raise ValueError("RTP packet padding length is invalid")
        packet.padding_size = padding
        packet.payload = data[pos:-padding]
    else:
        packet.payload = data[pos:]
    return packet


def _extension_values(
    data: bytes, pos: int, end: int, profile: int, level_id: int, abs_id: int
) -> tuple[int | None, int | None]:
    """The audio level's first byte and the 24-bit abs-send-time in data[pos:end] (RFC 8285),
    each None if absent (or its id is 0)."""
    level: int | None = None
    sent: int | None = None
    level_id = level_id or -1  # 0 is never an extension's id
    abs_id = abs_id or -1
    if profile == ONE_BYTE_PROFILE:
        while pos < end:
            element = data[pos]
            if element == 0:  # padding
                pos += 1
                continue
            length = (element & 0x0F) + 1
            if pos + 1 + length > end:
                raise ValueError("RTP one-byte header extension value is truncated")
            ext_id = element >> 4
            if ext_id == level_id:
                level = data[pos + 1]
            elif ext_id == abs_id and length == 3:
                sent = int.from_bytes(data[pos + 1 : pos + 4], "big")
            pos += 1 + length
    elif profile == TWO_BYTE_PROFILE:
        while pos < end:
            if data[pos] == 0:
                pos += 1
                continue
            if pos + 2 > end:
                raise ValueError("RTP two-byte header extension is truncated")
            element, length = data[pos], data[pos + 1]
            if pos + 2 + length > end:
                raise ValueError("RTP two-byte header extension value is truncated")
            if element == level_id and length:
                level = data[pos + 2]
            elif element == abs_id and length == 3:
                sent = int.from_bytes(data[pos + 2 : pos + 5], "big")
            pos += 2 + length
    return level, sent
