"""RTP parsing on the receive path: aiortc's `RtpPacket.parse` without decoding the header
extensions nobody reads.

aiortc decodes every header extension a packet carries (mid, stream ids, abs-send-time,
transport sequence number, ...) into a new `HeaderExtensions` per packet. The forwarder reads
four of them, the audio level (RFC 6464, for active speakers), abs-send-time (for the
publisher's uplink estimate) and the rid and repaired rid of a simulcast layer (sent only in a
stream's first packets), so this finds those and steps over the others. `header_mid` reads the
mid of a packet whose stream is not known yet, from the clear header of an SRTP packet.
Malformed packets raise ValueError, as aiortc's parser does.
"""

import struct

from aiortc.rtp import RtpPacket

_FIXED_HEADER = struct.Struct("!BBHLL")
_EXTENSION_HEADER = struct.Struct("!HH")
ONE_BYTE_PROFILE = 0xBEDE
TWO_BYTE_PROFILE = 0x1000


def parse_rtp(
    data: bytes,
    audio_level_id: int,
    abs_send_time_id: int = 0,
    rid_id: int = 0,
    repaired_rid_id: int = 0,
) -> RtpPacket:
    """Parse `data`; the ids are the negotiated ids of the audio level, abs-send-time, rid and
    repaired rid extensions (0: not negotiated, or not wanted)."""
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
        if audio_level_id or abs_send_time_id or rid_id or repaired_rid_id:
            wanted = (audio_level_id, abs_send_time_id, rid_id, repaired_rid_id)
            level, sent, rid, repaired = _extension_values(data, start, pos, profile, wanted)
            if level is not None:
                packet.extensions.audio_level = (level[0] & 0x80 == 0x80, level[0] & 0x7F)
            if sent is not None and len(sent) == 3:
                packet.extensions.abs_send_time = int.from_bytes(sent, "big")
            if rid is not None:
                packet.extensions.rtp_stream_id = rid.decode("ascii", "replace")
            if repaired is not None:
                packet.extensions.repaired_rtp_stream_id = repaired.decode("ascii", "replace")
    if first & 0x20:
        padding = data[-1]
        if not padding or padding > size - pos:
            raise ValueError("RTP packet padding length is invalid")
        packet.padding_size = padding
        packet.payload = data[pos:-padding]
    else:
        packet.payload = data[pos:]
    return packet


def header_mid(data: bytes, mid_id: int) -> str | None:
    """The mid (RFC 8843) an RTP or SRTP packet carries, None if none or malformed: SRTP leaves
    the header and its extensions in the clear."""
    size = len(data)
    if not mid_id or size < _FIXED_HEADER.size or not data[0] & 0x10:
        return None
    pos = _FIXED_HEADER.size + 4 * (data[0] & 0x0F)
    if size < pos + 4:
        return None
    profile, words = _EXTENSION_HEADER.unpack_from(data, pos)
    end = pos + 4 + 4 * words
    if size < end:
        return None
    try:
        mid = _extension_values(data, pos + 4, end, profile, (mid_id, 0, 0, 0))[0]
    except ValueError:
        return None
    return None if not mid else mid.decode("ascii", "replace")


Values = tuple[bytes | None, bytes | None, bytes | None, bytes | None]


def _extension_values(
    data: bytes, pos: int, end: int, profile: int, ids: tuple[int, int, int, int]
) -> Values:
    """The values of the extensions `ids` in data[pos:end] (RFC 8285), each None if absent (or
    its id is 0)."""
    found: list[bytes | None] = [None, None, None, None]
    wanted = [ext_id or -1 for ext_id in ids]  # 0 is never an extension's id
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
            if ext_id in wanted:
                found[wanted.index(ext_id)] = data[pos + 1 : pos + 1 + length]
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
            if length and element in wanted:
                found[wanted.index(element)] = data[pos + 2 : pos + 2 + length]
            pos += 2 + length
    return found[0], found[1], found[2], found[3]
