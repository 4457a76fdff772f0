"""parse_rtp reads what aiortc's RtpPacket.parse reads, for every packet shape."""

import random
import struct

import pytest
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket, pack_header_extensions

from signaling.media import _parse
from signaling.media.rtp_parse import header_mid, parse_rtp

MID, LEVEL, SEND_TIME = 1, 3, 4


def _extensions_map() -> HeaderExtensionsMap:
    extensions = HeaderExtensionsMap()
    extensions.configure(
        RTCRtpParameters(
            headerExtensions=[
                RTCRtpHeaderExtensionParameters(id=MID, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
                RTCRtpHeaderExtensionParameters(
                    id=LEVEL, uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"
                ),
                RTCRtpHeaderExtensionParameters(
                    id=SEND_TIME,
                    uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                ),
            ]
        )
    )
    return extensions


def _packet(rng: random.Random) -> bytes:
    elements: list[tuple[int, bytes]] = []
    if rng.random() < 0.7:
        elements.append((MID, b"0"))
    if rng.random() < 0.5:
        elements.append((SEND_TIME, rng.randbytes(3)))
    if rng.random() < 0.5:
        elements.append((LEVEL, bytes([rng.randrange(256)])))
    if rng.random() < 0.2:
        elements.append((14, rng.randbytes(rng.randrange(1, 21))))  # over 16: two-byte form
    rng.shuffle(elements)
    profile, value = pack_header_extensions(elements)
    csrcs = [rng.randrange(2**32) for _ in range(rng.randrange(3))]
    padding = rng.choice([0, 0, 1, 7])
    first = 0x80 | (0x20 if padding else 0) | (0x10 if value else 0) | len(csrcs)
    header = bytes([first, rng.randrange(256)]) + rng.randbytes(10)
    header += b"".join(c.to_bytes(4, "big") for c in csrcs)
    if value:
        header += profile.to_bytes(2, "big") + (len(value) // 4).to_bytes(2, "big") + value
    payload = rng.randbytes(rng.randrange(0, 50))
    tail = bytes(padding - 1) + bytes([padding]) if padding else b""
    return header + payload + tail


def _fields(packet: RtpPacket) -> tuple[object, ...]:
    return (
        packet.version,
        packet.marker,
        packet.payload_type,
        packet.sequence_number,
        packet.timestamp,
        packet.ssrc,
        packet.csrc,
        packet.padding_size,
        packet.payload,
        packet.extensions.audio_level,
        packet.extensions.abs_send_time,
    )


def test_parse_reads_what_aiortc_reads() -> None:
    rng = random.Random(7)
    extensions = _extensions_map()
    levels = send_times = 0
    for _ in range(2000):
        data = _packet(rng)
        theirs = RtpPacket.parse(data, extensions)
        ours = parse_rtp(data, LEVEL, SEND_TIME)
        assert _fields(ours) == _fields(theirs), data.hex()
        levels += theirs.extensions.audio_level is not None
        send_times += theirs.extensions.abs_send_time is not None
    assert levels > 300  # the audio level was there to be found
    assert send_times > 300  # and abs-send-time


def test_audio_level_not_negotiated_is_not_read() -> None:
    _, value = pack_header_extensions([(LEVEL, b"\x85")])
    data = bytes([0x90, 111]) + bytes(10) + b"\xbe\xde" + (len(value) // 4).to_bytes(2, "big")
    assert parse_rtp(data + value + b"x", LEVEL).extensions.audio_level == (True, 5)
    assert parse_rtp(data + value + b"x", 0).extensions.audio_level is None


def test_abs_send_time_not_negotiated_is_not_read() -> None:
    _, value = pack_header_extensions([(SEND_TIME, b"\x12\x34\x56")])
    data = bytes([0x90, 111]) + bytes(10) + b"\xbe\xde" + (len(value) // 4).to_bytes(2, "big")
    assert parse_rtp(data + value + b"x", 0, SEND_TIME).extensions.abs_send_time == 0x123456
    assert parse_rtp(data + value + b"x", LEVEL).extensions.abs_send_time is None


@pytest.mark.parametrize(
    "data",
    [
        bytes(11),  # shorter than the fixed header
        bytes([0x40]) + bytes(11),  # version 1
        bytes([0x82]) + bytes(15),  # two CSRCs announced, one there
        bytes([0x90]) + bytes(11) + b"\xbe\xde",  # extension header cut
        bytes([0x90]) + bytes(11) + b"\xbe\xde\x00\x02" + bytes(4),  # extension value cut
        bytes([0x90]) + bytes(11) + b"\xbe\xde\x00\x01\x33\x00\x00\x00",  # element cut
        bytes([0xA0]) + bytes(11) + b"\x00",  # padding length 0
        bytes([0xA0]) + bytes(11) + b"ab\x09",  # more padding than payload
    ],
)
def test_malformed_packets_are_refused_like_aiortc(data: bytes) -> None:
    with pytest.raises(ValueError):
        RtpPacket.parse(data, _extensions_map())
    with pytest.raises(ValueError):
        parse_rtp(data, LEVEL)


RID, REPAIRED = 10, 11


def _with_extensions(elements: list[tuple[int, bytes]], first: int = 0x90) -> bytes:
    profile, value = pack_header_extensions(elements)
    head = bytes([first, 96]) + bytes(10)
    return head + profile.to_bytes(2, "big") + (len(value) // 4).to_bytes(2, "big") + value + b"x"


def test_rids_are_read_as_text_and_a_byte_that_is_not_ascii_is_replaced() -> None:
    data = _with_extensions([(RID, b"h"), (REPAIRED, b"l\xff")])
    packet = parse_rtp(data, 0, 0, RID, REPAIRED)
    assert packet.extensions.rtp_stream_id == "h"
    assert packet.extensions.repaired_rtp_stream_id == "l\ufffd"
    assert parse_rtp(data, 0).extensions.rtp_stream_id is None


def test_header_mid_reads_the_mid_and_nothing_of_a_malformed_header() -> None:
    one_byte = _with_extensions([(SEND_TIME, b"abc"), (MID, b"1")])
    two_byte = _with_extensions([(14, bytes(20)), (MID, b"audio")])
    assert header_mid(one_byte, MID) == "1"
    assert header_mid(two_byte, MID) == "audio"
    assert header_mid(one_byte, 0) is None  # not negotiated
    assert header_mid(one_byte, 5) is None  # not there
    assert header_mid(bytes([0x80, 96]) + bytes(10) + b"x", MID) is None  # no extensions
    for cut in range(len(one_byte) - 1):  # every truncation: None, never an error
        assert header_mid(one_byte[:cut], MID) in (None, "1")
    element_cut = bytes([0x90]) + bytes(11) + b"\xbe\xde\x00\x01\x13\x00\x00\x00"
    assert header_mid(element_cut, MID) is None


def test_every_cut_and_every_flipped_byte_is_read_or_refused() -> None:
    """A hostile peer's packet (after SRTP, so only a peer with the keys): a ValueError or a
    packet, never another error; where aiortc reads it too, the same packet."""
    rng = random.Random(3)
    extensions = _extensions_map()
    for _ in range(300):
        data = _packet(rng)
        variants = [data[:cut] for cut in range(len(data))]
        for _ in range(20):
            flipped = bytearray(data)
            flipped[rng.randrange(len(data))] = rng.randrange(256)
            variants.append(bytes(flipped))
        for variant in variants:
            try:
                ours = parse_rtp(variant, LEVEL, SEND_TIME)
            except ValueError:
                continue
            try:
                theirs = RtpPacket.parse(variant, extensions)
            except (ValueError, struct.error, UnicodeDecodeError):
                continue  # aiortc reads extensions we step over (and fails on some)
            assert _fields(ours) == _fields(theirs), variant.hex()


def test_arguments_that_are_not_what_the_parser_takes_are_refused() -> None:
    data = _with_extensions([(LEVEL, b"\x85")])
    for wrong in (bytearray(data), memoryview(data), data.hex(), None):
        with pytest.raises(TypeError):
            parse_rtp(wrong, LEVEL)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            header_mid(wrong, MID)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        parse_rtp(data, -1)
    with pytest.raises(TypeError):
        parse_rtp(data, "3")  # type: ignore[arg-type]
    assert parse_rtp(data, 300).extensions.audio_level is None  # no element has that id
    with pytest.raises(TypeError):
        _parse.rtp(RtpPacket, data)  # type: ignore[call-arg]
