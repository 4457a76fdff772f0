import fractions
import random

import pytest
from aiortc.codecs.vpx import Vp8Encoder
from av import VideoFrame

from signaling.media import _parse
from signaling.media.vp8 import Vp8Descriptor, parse_descriptor, rewrite_descriptor


def descriptor(
    *,
    start: bool = True,
    partition: int = 0,
    picture_id: int | None = None,
    long_picture_id: bool = True,
    tl0picidx: int | None = None,
    tid: bool = False,
) -> bytes:
    ext = 0
    tail = b""
    if picture_id is not None:
        ext |= 0x80
        if long_picture_id:
            tail += bytes([0x80 | (picture_id >> 8), picture_id & 0xFF])
        else:
            tail += bytes([picture_id & 0x7F])
    if tl0picidx is not None:
        ext |= 0x40
        tail += bytes([tl0picidx])
    if tid:
        ext |= 0x20
        tail += bytes([0x40])
    first = (0x10 if start else 0) | partition
    if ext:
        return bytes([0x80 | first, ext]) + tail
    return bytes([first])


KEY_HEADER = bytes([0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A])  # frame tag with P bit clear
DELTA_HEADER = bytes([0x31, 0x02, 0x00])  # frame tag with P bit set


def test_minimal_descriptor_keyframe() -> None:
    parsed = parse_descriptor(descriptor() + KEY_HEADER)
    assert parsed.keyframe
    assert parsed.begins_frame
    assert parsed.size == 1
    assert parsed.picture_id is None
    assert parsed.tl0picidx is None


def test_delta_frame_is_not_keyframe() -> None:
    assert not parse_descriptor(descriptor(picture_id=5) + DELTA_HEADER).keyframe


def test_continuation_packet_is_not_keyframe() -> None:
    # Same bytes as a keyframe start, but the S bit is clear: a middle packet of some frame.
    parsed = parse_descriptor(descriptor(start=False, picture_id=5) + KEY_HEADER)
    assert not parsed.keyframe
    assert not parsed.begins_frame


def test_other_partition_is_not_keyframe() -> None:
    assert not parse_descriptor(descriptor(partition=1) + KEY_HEADER).keyframe


def test_long_picture_id_and_tl0picidx() -> None:
    parsed = parse_descriptor(descriptor(picture_id=0x1234, tl0picidx=200, tid=True) + KEY_HEADER)
    assert parsed.picture_id == 0x1234
    assert parsed.picture_id_bits == 15
    assert parsed.picture_id_offset == 2
    assert parsed.tl0picidx == 200
    assert parsed.tl0picidx_offset == 4
    assert parsed.size == 6
    assert parsed.keyframe


def test_short_picture_id() -> None:
    parsed = parse_descriptor(descriptor(picture_id=0x55, long_picture_id=False) + DELTA_HEADER)
    assert parsed.picture_id == 0x55
    assert parsed.picture_id_bits == 7
    assert parsed.size == 3


@pytest.mark.parametrize(
    "payload",
    [b"", bytes([0x80]), bytes([0x90, 0x80]), bytes([0x90, 0x80, 0x80]), bytes([0x90, 0x40])],
)
def test_truncated_descriptor_raises(payload: bytes) -> None:
    with pytest.raises(ValueError):
        parse_descriptor(payload)


def test_rewrite_keeps_width_and_payload() -> None:
    payload = descriptor(picture_id=0x7FFE, tl0picidx=255) + KEY_HEADER + b"frame"
    parsed = parse_descriptor(payload)
    out = rewrite_descriptor(payload, parsed, picture_id=0x8001, tl0picidx=256)
    again = parse_descriptor(out)
    assert again.picture_id == 0x0001
    assert again.tl0picidx == 0
    assert out[again.size :] == payload[parsed.size :]
    assert len(out) == len(payload)


def test_rewrite_short_picture_id_wraps_at_7_bits() -> None:
    payload = descriptor(picture_id=3, long_picture_id=False) + DELTA_HEADER
    out = rewrite_descriptor(payload, parse_descriptor(payload), picture_id=130, tl0picidx=None)
    assert parse_descriptor(out).picture_id == 2


def test_real_encoder_output() -> None:
    encoder = Vp8Encoder()
    frame = VideoFrame(width=160, height=120)
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    frame.time_base = fractions.Fraction(1, 90000)
    kinds = []
    for i in range(3):
        frame.pts = i * 3000
        payloads, _ = encoder.encode(frame, force_keyframe=(i == 2))
        parsed = [parse_descriptor(p) for p in payloads]
        assert parsed[0].begins_frame
        assert not any(p.keyframe for p in parsed[1:])
        assert all(p.picture_id_bits == 15 for p in parsed)
        kinds.append(parsed[0].keyframe)
    assert kinds == [True, False, True]


def reference(payload: bytes) -> Vp8Descriptor:
    """The descriptor as RFC 7741 reads it, written plainly: the oracle the C parser is
    compared with (signaling/media/_parse.c)."""
    if not payload:
        raise ValueError("empty VP8 payload")
    first = payload[0]
    start = bool(first & 0x10)
    partition_id = first & 0x0F
    pos = 1
    picture_id: int | None = None
    picture_id_bits = 0
    picture_id_offset = 0
    tl0picidx: int | None = None
    tl0picidx_offset = 0
    if first & 0x80:
        if len(payload) < 2:
            raise ValueError("truncated VP8 extension byte")
        ext = payload[1]
        pos = 2
        if ext & 0x80:
            if len(payload) < pos + 1:
                raise ValueError("truncated VP8 picture id")
            picture_id_offset = pos
            if payload[pos] & 0x80:
                if len(payload) < pos + 2:
                    raise ValueError("truncated VP8 picture id")
                picture_id = ((payload[pos] & 0x7F) << 8) | payload[pos + 1]
                picture_id_bits = 15
                pos += 2
            else:
                picture_id = payload[pos] & 0x7F
                picture_id_bits = 7
                pos += 1
        if ext & 0x40:
            if len(payload) < pos + 1:
                raise ValueError("truncated VP8 TL0PICIDX")
            tl0picidx = payload[pos]
            tl0picidx_offset = pos
            pos += 1
        if ext & 0x30:
            pos += 1
    if len(payload) < pos:
        raise ValueError("truncated VP8 descriptor")
    keyframe = start and partition_id == 0 and len(payload) > pos and (payload[pos] & 0x01) == 0
    return Vp8Descriptor(
        start_of_partition=start,
        partition_id=partition_id,
        keyframe=keyframe,
        picture_id=picture_id,
        picture_id_bits=picture_id_bits,
        picture_id_offset=picture_id_offset,
        tl0picidx=tl0picidx,
        tl0picidx_offset=tl0picidx_offset,
        size=pos,
    )


def test_the_parser_reads_every_descriptor_as_the_rfc_does() -> None:
    """Random payloads of every length up to 8 (so every truncation): the same descriptor,
    or the same refusal, as the plain reading."""
    rng = random.Random(11)
    payloads = [bytes([first]) for first in range(256)]
    payloads += [bytes([0x80 | rng.randrange(128), ext]) for ext in range(256)]
    payloads += [rng.randbytes(rng.randrange(9)) for _ in range(20_000)]
    for payload in payloads:
        try:
            expected: Vp8Descriptor | str = reference(payload)
        except ValueError as error:
            expected = str(error)
        try:
            got: Vp8Descriptor | str = parse_descriptor(payload)
        except ValueError as error:
            got = str(error)
        assert got == expected, payload.hex()


def test_the_parser_refuses_what_is_not_bytes() -> None:
    for payload in (bytearray(b"\x10\x00"), "\x10", None, 16):
        with pytest.raises(TypeError):
            parse_descriptor(payload)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _parse.vp8_descriptor(Vp8Descriptor)  # type: ignore[call-arg]
    with pytest.raises(TypeError):  # a class that takes other fields
        _parse.vp8_descriptor(dict, b"\x10\x00")
