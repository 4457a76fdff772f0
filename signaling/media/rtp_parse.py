"""RTP parsing on the receive path: aiortc's `RtpPacket.parse` without decoding the header
extensions nobody reads.

aiortc decodes every header extension a packet carries (mid, stream ids, abs-send-time,
transport sequence number, ...) into a new `HeaderExtensions` per packet. The forwarder reads
one of them, the audio level (RFC 6464), so this finds that one and steps over the others.
Malformed packets raise ValueError, as aiortc's parser does.
"""

import struct

from aiortc.rtp import RtpPacket

_FIXED_HEADER = struct.Struct("!BBHLL")
_EXTENSION_HEADER = struct.Struct("!HH")
ONE_BYTE_PROFILE = 0xBEDE
TWO_BYTE_PROFILE = 0x1000


def parse_rtp(data: bytes, audio_level_id: int) -> RtpPacket:
    """Parse `data`; `audio_level_id` is the negotiated id of the audio level (0: none)."""
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
        if audio_level_id:
            level = _extension_byte(data, start, pos, profile, audio_level_id)
            if level is not None:
                packet.extensions.audio_level = (level & 0x80 == 0x80, level & 0x7F)
    if first & 0x20:
        padding = data[-1]
        if not padding or padding > size - pos:
            raise ValueError("RTP packet padding length is invalid")
        packet.padding_size = padding
        packet.payload = data[pos:-padding]
    else:
        packet.payload = data[pos:]
    return packet


def _extension_byte(data: bytes, pos: int, end: int, profile: int, wanted: int) -> int | None:
    """The first byte of extension `wanted` in data[pos:end] (RFC 8285), or None."""
    if profile == ONE_BYTE_PROFILE:
        while pos < end:
            element = data[pos]
            if element == 0:  # padding
                pos += 1
                continue
            length = (element & 0x0F) + 1
            if pos + 1 + length > end:
                raise ValueError("RTP one-byte header extension value is truncated")
            if element >> 4 == wanted:
                return data[pos + 1]
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
            if element == wanted and length:
                return data[pos + 2]
            pos += 2 + length
    return None
