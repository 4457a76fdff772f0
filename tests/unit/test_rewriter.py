"""The C rewrite (`_rewrite.Rewriter`, behind `DownTrack.forward`) against a model of it in
Python: the rules downtrack.py's docstrings state, written out plainly. Random streams with
loss, reordering, source switches (VP8 with 7- and 15-bit picture ids, with and without
TL0PICIDX, and audio) give the same packets, byte for byte."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from signaling.media._rewrite import HeaderWriter, Rewriter
from signaling.media.downtrack import DownTrack, DownTrackParams, ExtensionIds, header_writer
from signaling.media.nack import seq_delta
from signaling.media.packet import SourcePacket
from signaling.media.vp8 import parse_descriptor, rewrite_descriptor

MAX_SEGMENT = 0x4000


@dataclass
class Model:
    """What `DownTrack.forward` does, one rule a line."""

    params: DownTrackParams
    header: HeaderWriter
    header_with_level: HeaderWriter
    last_sequence: int
    last_timestamp: int
    waiting: bool = True
    started: bool = False
    source_ssrc: int | None = None
    last_time: float = 0.0
    last_picture_id: int | None = None
    last_tl0picidx: int | None = None
    source_highest: int = 0
    segment_length: int = 0
    sequence_offset: int = 0
    timestamp_offset: int = 0
    picture_id_offset: int = 0
    tl0picidx_offset: int = 0

    def forward(self, packet: SourcePacket, now: float, abs_send_time: int) -> bytes | None:
        if packet.ssrc != self.source_ssrc:
            self.waiting = True
        newest = True
        if self.waiting:
            if self.params.wait_for_keyframe and not packet.keyframe:
                return None
            self.start(packet, now)
        else:
            delta = seq_delta(packet.sequence_number, self.source_highest)
            if delta > 0:
                self.source_highest = packet.sequence_number
                self.segment_length = min(self.segment_length + delta, MAX_SEGMENT)
            elif -delta >= self.segment_length:
                return None
            else:
                newest = False
        sequence = (packet.sequence_number + self.sequence_offset) & 0xFFFF
        timestamp = (packet.timestamp + self.timestamp_offset) & 0xFFFFFFFF
        payload = packet.payload
        vp8 = packet.vp8
        if vp8 is not None:
            picture_id = tl0picidx = None
            if vp8.picture_id is not None:
                picture_id = (vp8.picture_id + self.picture_id_offset) & 0x7FFF
                if newest:
                    self.last_picture_id = picture_id
            if vp8.tl0picidx is not None:
                tl0picidx = (vp8.tl0picidx + self.tl0picidx_offset) & 0xFF
                if newest:
                    self.last_tl0picidx = tl0picidx
            payload = rewrite_descriptor(payload, vp8, picture_id, tl0picidx)
        if newest:
            self.last_sequence, self.last_timestamp, self.last_time = sequence, timestamp, now
        level = packet.audio_level
        writer = self.header if level is None else self.header_with_level
        return writer.packet(
            (0x80 if packet.marker else 0) | self.params.payload_type,
            sequence,
            timestamp,
            self.params.ssrc,
            abs_send_time,
            None if level is None else (0x80 if level[0] else 0) | (level[1] & 0x7F),
            payload,
            packet.padding_size,
        )

    def start(self, packet: SourcePacket, now: float) -> None:
        sequence = (self.last_sequence + 1) & 0xFFFF
        timestamp = self.last_timestamp
        self.picture_id_offset = self.tl0picidx_offset = 0
        vp8 = packet.vp8
        if self.started:
            ticks = max(1, round((now - self.last_time) * self.params.clock_rate))
            timestamp = (timestamp + ticks) & 0xFFFFFFFF
            if vp8 and vp8.picture_id is not None and self.last_picture_id is not None:
                self.picture_id_offset = (self.last_picture_id + 1 - vp8.picture_id) & 0x7FFF
            if vp8 and vp8.tl0picidx is not None and self.last_tl0picidx is not None:
                self.tl0picidx_offset = (self.last_tl0picidx + 1 - vp8.tl0picidx) & 0xFF
        self.sequence_offset = (sequence - packet.sequence_number) & 0xFFFF
        self.timestamp_offset = (timestamp - packet.timestamp) & 0xFFFFFFFF
        self.source_ssrc = packet.ssrc
        self.source_highest = packet.sequence_number
        self.segment_length = 1
        self.waiting = False
        self.started = True


def vp8_payload(
    rng: random.Random, keyframe: bool, picture_id: int, bits: int, tl0: int | None
) -> bytes:
    ext = (0x80 if bits else 0) | (0x40 if tl0 is not None else 0)
    descriptor = bytes([0x90 if ext else 0x10, ext]) if ext else bytes([0x10])
    if bits == 15:
        descriptor += bytes([0x80 | (picture_id >> 8), picture_id & 0xFF])
    elif bits == 7:
        descriptor += bytes([picture_id & 0x7F])
    if tl0 is not None:
        descriptor += bytes([tl0])
    return descriptor + bytes([0x10 if keyframe else 0x11]) + rng.randbytes(rng.randrange(1, 60))


def stream(rng: random.Random, video: bool, count: int) -> list[tuple[SourcePacket, float]]:
    """Packets of several sources one after another, with loss, reordering and repeats."""
    packets: list[tuple[SourcePacket, float]] = []
    now = rng.uniform(0, 100)
    for source in range(rng.randrange(1, 5)):
        ssrc = rng.randrange(1, 2**32)
        sequence, timestamp = rng.randrange(0x10000), rng.randrange(2**32)
        bits = rng.choice((0, 7, 15))
        picture_id = rng.randrange(0x8000 if bits == 15 else 0x80)
        tl0 = rng.choice((None, rng.randrange(256)))
        for n in range(count):
            if n:  # a new source's first packet comes with the last one's clock
                now += rng.uniform(0, 0.05)
            keyframe = n % 30 == 0 or rng.random() < 0.02
            if video:
                payload = vp8_payload(rng, keyframe, picture_id, bits, tl0)
                packet = SourcePacket(
                    ssrc,
                    sequence,
                    timestamp,
                    rng.random() < 0.3,
                    payload,
                    padding_size=rng.choice((0, 0, 0, 7)),
                    vp8=parse_descriptor(payload),
                )
            else:
                level = rng.choice((None, (rng.random() < 0.5, rng.randrange(128))))
                packet = SourcePacket(
                    ssrc, sequence, timestamp, False, rng.randbytes(20), audio_level=level
                )
            if rng.random() > 0.05:  # lost otherwise
                packets.append((packet, now))
            if rng.random() < 0.05 and packets:  # a late or repeated one
                packets.insert(max(0, len(packets) - rng.randrange(1, 8)), packets[-1])
            sequence = (sequence + rng.choice((1, 1, 1, 2, 300))) & 0xFFFF
            timestamp = (timestamp + rng.randrange(3000)) & 0xFFFFFFFF
            if bits and rng.random() < 0.3:
                picture_id = (picture_id + 1) & (0x7FFF if bits == 15 else 0x7F)
            if tl0 is not None and rng.random() < 0.2:
                tl0 = (tl0 + 1) & 0xFF
        if rng.random() < 0.2:  # the stream leaves and comes back at once
            packets.append(packets[-1])
        del source
    return packets


@pytest.mark.parametrize("seed", range(40))
def test_the_c_rewrite_forwards_as_the_model_does(seed: int) -> None:
    rng = random.Random(seed)
    video = seed % 4 != 3
    ids = ExtensionIds(mid=rng.choice((0, 3)), abs_send_time=rng.choice((0, 7)), audio_level=9)
    params = DownTrackParams(
        ssrc=rng.randrange(2**32),
        payload_type=rng.choice((96, 111)),
        clock_rate=90000 if video else 48000,
        wait_for_keyframe=video,
        mid="1",
        extension_ids=ids,
    )
    initial_sequence, initial_timestamp = rng.randrange(0x10000), rng.randrange(2**32)
    track = DownTrack(params, initial_sequence, initial_timestamp)
    mid = [(ids.mid, b"1")] if ids.mid else []
    model = Model(
        params,
        header_writer(mid, ids.abs_send_time, 0),
        header_writer(mid, ids.abs_send_time, ids.audio_level),
        last_sequence=(initial_sequence - 1) & 0xFFFF,
        last_timestamp=initial_timestamp,
    )
    sent = 0
    for packet, now in stream(rng, video, 120):
        if rng.random() < 0.01:
            track.switch_source()
            model.waiting = True
        abs_send_time = rng.randrange(1 << 24)
        expected = model.forward(packet, now, abs_send_time)
        assert track.forward(packet, now, abs_send_time) == expected
        assert track.waiting == model.waiting and track.last_timestamp == model.last_timestamp
        sent += expected is not None
    assert sent > 50  # the comparison covered packets sent, not only skipped


def test_the_rewrite_refuses_a_packet_whose_fields_it_cannot_trust() -> None:
    """A descriptor whose offsets point outside the payload, a negative number, a missing
    field: an exception (which the publisher's fan-out logs), never a write out of bounds."""
    writer = header_writer([], 0, 0)
    rewriter = Rewriter(writer, writer, 5, 96, 90000, True, 0, 0)
    payload = bytes([0x90, 0x80, 0x05, 0x10, 0x11])
    keyframe = SourcePacket(1, 10, 0, False, payload, vp8=parse_descriptor(payload))
    assert rewriter.forward(keyframe, 0.0, 0) is not None
    other = SourcePacket(2, 10, 0, False, payload, vp8=parse_descriptor(payload))
    rewriter.forward(other, 1.0, 0)  # a switch: picture ids now move by an offset
    assert rewriter.picture_id_offset != 0
    short = SourcePacket(2, 11, 0, False, b"\x90", vp8=parse_descriptor(payload))
    with pytest.raises(ValueError, match="outside the payload"):
        rewriter.forward(short, 1.1, 0)
    with pytest.raises(ValueError, match="negative"):
        rewriter.forward(SourcePacket(-1, 12, 0, False, payload, vp8=None), 1.2, 0)
    with pytest.raises(AttributeError):
        rewriter.forward(object(), 1.3, 0)
    with pytest.raises(TypeError):
        rewriter.forward(keyframe, "now", 0)  # type: ignore[arg-type]
    # still forwarding after all that
    good = SourcePacket(2, 13, 0, False, payload, vp8=parse_descriptor(payload))
    assert rewriter.forward(good, 1.4, 0) is not None
