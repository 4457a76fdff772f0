"""RTP parsing on the receive path: aiortc's `RtpPacket.parse` without decoding the header
extensions nobody reads.

aiortc decodes every header extension a packet carries (mid, stream ids, abs-send-time,
transport sequence number, ...) into a new `HeaderExtensions` per packet. The forwarder reads
four of them, the audio level (RFC 6464, for active speakers), abs-send-time (for the
publisher's uplink estimate) and the rid and repaired rid of a simulcast layer (sent only in a
stream's first packets), so this finds those and steps over the others. `header_mid` reads the
mid of a packet whose stream is not known yet, from the clear header of an SRTP packet.
Malformed packets raise ValueError, as aiortc's parser does. The bytes are read in C
(`_parse.c`): in Python this took 4-6 us a packet.
"""

from aiortc.rtp import RtpPacket

from . import _parse


def parse_rtp(
    data: bytes,
    audio_level_id: int,
    abs_send_time_id: int = 0,
    rid_id: int = 0,
    repaired_rid_id: int = 0,
) -> RtpPacket:
    """Parse `data`; the ids are the negotiated ids of the audio level, abs-send-time, rid and
    repaired rid extensions (0: not negotiated, or not wanted)."""
    return _parse.rtp(RtpPacket, data, audio_level_id, abs_send_time_id, rid_id, repaired_rid_id)


def header_mid(data: bytes, mid_id: int) -> str | None:
    """The mid (RFC 8843) an RTP or SRTP packet carries, None if none or malformed: SRTP leaves
    the header and its extensions in the clear."""
    return _parse.mid(data, mid_id)
