from typing import TypeVar

T = TypeVar("T")

def rtp(
    packet_class: type[T],
    data: bytes,
    audio_level_id: int,
    abs_send_time_id: int,
    rid_id: int,
    repaired_rid_id: int,
    /,
) -> T:
    """An RTP packet read into `packet_class(payload_type, marker, sequence_number, timestamp,
    ssrc, payload)`, its csrc, padding_size and wanted extensions set (see _parse.c)."""

def mid(data: bytes, mid_id: int, /) -> str | None: ...
def vp8_descriptor(descriptor_class: type[T], payload: bytes, /) -> T: ...
