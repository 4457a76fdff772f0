"""Forwarding logic with no I/O, in the spirit of LiveKit's forwarder_test.go."""

from struct import unpack

import pytest
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket

from signaling.media._rewrite import HeaderWriter
from signaling.media.downtrack import DownTrack, DownTrackParams, ExtensionIds
from signaling.media.history import PacketHistory
from signaling.media.packet import SourcePacket
from signaling.media.vp8 import parse_descriptor

IDS = ExtensionIds(mid=4, abs_send_time=7, audio_level=9)
VIDEO = DownTrackParams(
    ssrc=0xAAAA,
    payload_type=97,
    clock_rate=90000,
    wait_for_keyframe=True,
    mid="2",
    extension_ids=IDS,
    rtx_ssrc=0xBBBB,
    rtx_payload_type=98,
)
AUDIO = DownTrackParams(
    ssrc=0xCCCC, payload_type=111, clock_rate=48000, wait_for_keyframe=False, extension_ids=IDS
)


def extensions_map() -> HeaderExtensionsMap:
    params = RTCRtpParameters(
        headerExtensions=[
            RTCRtpHeaderExtensionParameters(id=4, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
            RTCRtpHeaderExtensionParameters(
                id=7, uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
            ),
            RTCRtpHeaderExtensionParameters(
                id=9, uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"
            ),
        ]
    )
    m = HeaderExtensionsMap()
    m.configure(params)
    return m


MAP = extensions_map()


def parse(data: bytes | None) -> RtpPacket:
    assert data is not None
    return RtpPacket.parse(data, MAP)


def vp8_payload(picture_id: int, keyframe: bool, start: bool = True) -> bytes:
    descriptor = bytes(
        [0x80 | (0x10 if start else 0), 0x80, 0x80 | (picture_id >> 8), picture_id & 0xFF]
    )
    return descriptor + bytes([0x10 if keyframe else 0x11, 0x02, 0x00]) + b"data"


def video(
    seq: int, ts: int, picture_id: int, keyframe: bool = False, start: bool = True, ssrc: int = 1
) -> SourcePacket:
    payload = vp8_payload(picture_id, keyframe, start)
    return SourcePacket(
        ssrc=ssrc,
        sequence_number=seq,
        timestamp=ts,
        marker=False,
        payload=payload,
        vp8=parse_descriptor(payload),
    )


def audio(seq: int, ts: int, ssrc: int = 5, level: int = 30) -> SourcePacket:
    return SourcePacket(
        ssrc=ssrc,
        sequence_number=seq,
        timestamp=ts,
        marker=False,
        payload=b"opus",
        audio_level=(True, level),
    )


def picture_id(packet: RtpPacket) -> int | None:
    return parse_descriptor(packet.payload).picture_id


def test_waits_for_keyframe_then_continues_from_initial_values() -> None:
    track = DownTrack(VIDEO, initial_sequence=1000, initial_timestamp=5000)
    assert track.waiting
    assert track.forward(video(10, 900, picture_id=1), 0, 0) is None
    assert track.forward(video(11, 900, picture_id=1, start=False), 0, 0) is None
    first = parse(track.forward(video(12, 3900, picture_id=2, keyframe=True), 0.1, 0))
    second = parse(track.forward(video(13, 3900, picture_id=2, start=False), 0.1, 0))
    third = parse(track.forward(video(14, 6900, picture_id=3), 0.13, 0))
    assert not track.waiting
    assert [p.sequence_number for p in (first, second, third)] == [1000, 1001, 1002]
    assert [p.timestamp for p in (first, second, third)] == [5000, 5000, 8000]
    assert {p.ssrc for p in (first, second, third)} == {0xAAAA}
    assert {p.payload_type for p in (first, second, third)} == {97}
    # the first source keeps its own picture ids: no rewrite needed
    assert [picture_id(p) for p in (first, second, third)] == [2, 2, 3]
    assert first.payload == vp8_payload(2, keyframe=True)


def test_header_extensions_use_subscriber_ids() -> None:
    track = DownTrack(VIDEO, initial_sequence=0, initial_timestamp=0)
    out = parse(track.forward(video(1, 0, 1, keyframe=True), 0, 0x123456))
    assert out.extensions.mid == "2"
    assert out.extensions.abs_send_time == 0x123456
    assert out.extensions.audio_level is None


def test_audio_level_is_copied_and_audio_needs_no_keyframe() -> None:
    track = DownTrack(AUDIO, initial_sequence=7, initial_timestamp=0)
    out = parse(track.forward(audio(100, 960, level=42), 0, 0))
    assert out.sequence_number == 7
    assert out.extensions.audio_level == (True, 42)
    assert out.extensions.mid is None


def test_upstream_loss_shows_through_and_late_packets_map_back() -> None:
    track = DownTrack(VIDEO, initial_sequence=0, initial_timestamp=0)
    track.forward(video(50, 0, 1, keyframe=True), 0, 0)
    assert parse(track.forward(video(53, 3000, 2), 0, 0)).sequence_number == 3
    assert parse(track.forward(video(51, 0, 1, start=False), 0, 0)).sequence_number == 1


def test_packets_older_than_the_keyframe_are_dropped() -> None:
    track = DownTrack(VIDEO, initial_sequence=0, initial_timestamp=0)
    track.forward(video(50, 3000, 1, keyframe=True), 0, 0)
    assert track.forward(video(49, 0, 0, start=False), 0, 0) is None


def test_sequence_wraparound() -> None:
    track = DownTrack(AUDIO, initial_sequence=65535, initial_timestamp=0xFFFFFF00)
    a = parse(track.forward(audio(10, 0), 0, 0))
    b = parse(track.forward(audio(11, 960), 0.02, 0))
    assert (a.sequence_number, b.sequence_number) == (65535, 0)
    assert (a.timestamp, b.timestamp) == (0xFFFFFF00, (0xFFFFFF00 + 960) & 0xFFFFFFFF)


def test_source_switch_is_continuous() -> None:
    track = DownTrack(VIDEO, initial_sequence=100, initial_timestamp=0)
    track.forward(video(10, 90000, 500, keyframe=True), 1.0, 0)
    last = parse(track.forward(video(11, 93000, 501), 1.033, 0))
    track.switch_source()
    # the old source keeps flowing until the new one has a keyframe: nothing is sent
    assert track.forward(video(12, 96000, 502), 1.066, 0) is None
    assert track.forward(video(7000, 1_000_000, 77, ssrc=2), 1.2, 0) is None
    new = parse(track.forward(video(7001, 1_003_000, 78, keyframe=True, ssrc=2), 1.533, 0))
    nxt = parse(track.forward(video(7002, 1_006_000, 79, ssrc=2), 1.566, 0))
    assert new.sequence_number == last.sequence_number + 1
    assert nxt.sequence_number == last.sequence_number + 2
    assert new.timestamp == last.timestamp + 45000  # 0.5 s of wall-clock at 90 kHz
    assert nxt.timestamp == new.timestamp + 3000
    assert picture_id(new) == 502
    assert picture_id(nxt) == 503
    assert new.ssrc == last.ssrc == 0xAAAA
    # the VP8 frame itself is untouched
    assert new.payload[4:] == vp8_payload(78, keyframe=True)[4:]


def test_new_publisher_ssrc_is_treated_as_switch() -> None:
    track = DownTrack(VIDEO, initial_sequence=0, initial_timestamp=0)
    track.forward(video(10, 0, 1, keyframe=True), 0, 0)
    assert track.forward(video(500, 0, 1, ssrc=9), 0.1, 0) is None
    assert track.waiting
    out = parse(track.forward(video(501, 0, 1, keyframe=True, ssrc=9), 0.2, 0))
    assert out.sequence_number == 1


def test_picture_id_wraps_at_15_bits_after_switch() -> None:
    track = DownTrack(VIDEO, initial_sequence=0, initial_timestamp=0)
    track.forward(video(1, 0, 0x7FFF, keyframe=True), 0, 0)
    track.switch_source()
    out = parse(track.forward(video(900, 0, 40, keyframe=True, ssrc=2), 0.1, 0))
    assert picture_id(out) == 0


def test_retransmit_as_rtx_from_history() -> None:
    history = PacketHistory()
    track = DownTrack(VIDEO, initial_sequence=300, initial_timestamp=0, initial_rtx_sequence=9)
    sent = []
    for i, seq in enumerate(range(20, 25)):
        pkt = video(seq, 3000 * i, i, keyframe=(i == 0))
        history.add(pkt)
        sent.append(parse(track.forward(pkt, 0, 0)))
    rtx = parse(track.retransmit(302, history.get, abs_send_time=1))
    assert rtx.ssrc == 0xBBBB
    assert rtx.payload_type == 98
    assert rtx.sequence_number == 9
    assert unpack("!H", rtx.payload[:2])[0] == 302
    assert rtx.payload[2:] == sent[2].payload
    assert rtx.timestamp == sent[2].timestamp
    assert parse(track.retransmit(303, history.get, 1)).sequence_number == 10


def test_retransmit_without_rtx_resends_original() -> None:
    params = DownTrackParams(ssrc=1, payload_type=96, clock_rate=90000, wait_for_keyframe=True)
    history = PacketHistory()
    track = DownTrack(params, initial_sequence=0, initial_timestamp=0)
    for seq in (5, 6):
        history.add(video(seq, 0, 1, keyframe=(seq == 5)))
        track.forward(video(seq, 0, 1, keyframe=(seq == 5)), 0, 0)
    out = parse(track.retransmit(1, history.get, 0))
    assert (out.ssrc, out.sequence_number) == (1, 1)


def test_retransmit_refuses_unknown_or_foreign_packets() -> None:
    history = PacketHistory()
    track = DownTrack(VIDEO, initial_sequence=0, initial_timestamp=0)
    assert track.retransmit(0, history.get, 0) is None  # nothing sent yet
    first = video(5, 0, 1, keyframe=True)
    history.add(first)
    track.forward(first, 0, 0)
    assert track.retransmit(1, history.get, 0) is None  # not sent yet
    assert track.retransmit(65535, history.get, 0) is None  # before the segment
    history.add(video(6, 0, 1, ssrc=3))  # same slot, other source
    assert track.retransmit(1, history.get, 0) is None


def test_padding_is_preserved() -> None:
    track = DownTrack(AUDIO, initial_sequence=0, initial_timestamp=0)
    pkt = audio(1, 0)
    pkt.padding_size = 4
    out = parse(track.forward(pkt, 0, 0))
    assert out.padding_size == 4
    assert out.payload == b"opus"


def test_header_template_packs_as_aiortc_does() -> None:
    """The patched template equals aiortc's own serialisation, in the one-byte extension form
    and in the two-byte form (a mid longer than 16 bytes forces it)."""
    for mid in ("2", "a-mid-longer-than-16-bytes"):
        uris = {
            4: "urn:ietf:params:rtp-hdrext:sdes:mid",
            7: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            9: "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        }
        mapping = HeaderExtensionsMap()
        mapping.configure(
            RTCRtpParameters(
                headerExtensions=[
                    RTCRtpHeaderExtensionParameters(id=i, uri=u) for i, u in uris.items()
                ]
            )
        )
        params = DownTrackParams(
            ssrc=0x12345678,
            payload_type=111,
            clock_rate=48000,
            wait_for_keyframe=False,
            mid=mid,
            extension_ids=IDS,
        )
        track = DownTrack(params, initial_sequence=0xFFFE, initial_timestamp=0xFFFFFF00)
        for n, (level, abs_send_time) in enumerate(
            [(None, 0), ((True, 5), 0xFFFFFF), ((False, 127), 0x123456)]
        ):
            source = SourcePacket(
                ssrc=1,
                sequence_number=100 + n,
                timestamp=960 * n,
                marker=n == 1,
                payload=bytes([n]) * 40,
                audio_level=level,
            )
            data = track.forward(source, float(n), abs_send_time)
            assert data is not None
            expected = RtpPacket(
                payload_type=111,
                marker=int(n == 1),
                sequence_number=(0xFFFE + n) & 0xFFFF,
                timestamp=(0xFFFFFF00 + 960 * n) & 0xFFFFFFFF,
                ssrc=0x12345678,
                payload=bytes([n]) * 40,
            )
            expected.extensions.mid = mid
            expected.extensions.abs_send_time = abs_send_time
            expected.extensions.audio_level = level
            assert data == expected.serialize(mapping)


def test_header_writer_checks_its_layout_and_padding() -> None:
    with pytest.raises(ValueError, match="outside"):
        HeaderWriter(bytes(12), abs_send_time=10, audio_level=0)  # inside the fixed header
    with pytest.raises(ValueError, match="outside"):
        HeaderWriter(bytes(16), abs_send_time=14, audio_level=0)  # past the end
    writer = HeaderWriter(bytes([0x80]) + bytes(11), abs_send_time=0, audio_level=0)
    with pytest.raises(ValueError, match="padding"):
        writer.packet(96, 1, 2, 3, 0, None, b"x", 256)
    data = writer.packet(96, 1, 2, 3, 0x123456, 0x55, b"x", 0)  # no such fields: ignored
    assert data == bytes([0x80, 96, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]) + b"x"


def test_padding_goes_on_the_rtx_stream_after_its_retransmissions() -> None:
    history = PacketHistory()
    track = DownTrack(VIDEO, initial_sequence=300, initial_timestamp=0, initial_rtx_sequence=9)
    assert track.padding(255, 0) is None  # nothing sent yet: no timestamp to carry
    for i, seq in enumerate(range(20, 23)):
        pkt = video(seq, 3000 * i, i, keyframe=(i == 0))
        history.add(pkt)
        newest = parse(track.forward(pkt, 0, 0))
    assert parse(track.retransmit(301, history.get, 1)).sequence_number == 9
    padding = parse(track.padding(255, abs_send_time=0x123456))
    assert (padding.ssrc, padding.payload_type, padding.sequence_number) == (0xBBBB, 98, 10)
    assert padding.payload == b"" and padding.padding_size == 255
    assert padding.timestamp == newest.timestamp
    assert padding.extensions.abs_send_time == 0x123456
    assert padding.extensions.mid == "2"
    assert parse(track.padding(1, 0)).sequence_number == 11

    without_rtx = DownTrackParams(ssrc=1, payload_type=96, clock_rate=90000, wait_for_keyframe=True)
    track = DownTrack(without_rtx, initial_sequence=0, initial_timestamp=0)
    track.forward(video(5, 0, 1, keyframe=True), 0, 0)
    assert track.padding(255, 0) is None  # padding on the media stream would take its numbers
