"""The failover tests' check that an archive plays a tile's pictures in order: against what
was recorded, segment after segment, since a picture may show an older counter."""

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import av

from recording.anchor import Anchor
from recording.packets import EncodedFrame
from recording.segment import SegmentSpec, SegmentWriter
from tests.integration.archive_frames import in_recorded_order, recorded_tracks, runs_forward
from tests.integration.media_sources import HEIGHT, WIDTH, draw_counter

WALL = 1_767_000_000.0
RATE = 90000
STEP = RATE // 15


def test_a_stale_picture_that_was_recorded_is_in_order() -> None:
    # as recorded in a failover run: the encoder left the 52nd picture showing 48
    recorded = [*range(52), 48, *range(53, 61)]
    seen = [n for n in recorded if n != 20]  # a picture the archive skipped
    assert seen != sorted(seen)
    assert in_recorded_order(seen, recorded)
    assert runs_forward(recorded)


def test_a_recording_that_goes_back_is_caught() -> None:
    assert runs_forward([0, 1, 2, 160, 128, 161])  # one stale picture
    assert not runs_forward([0, 1, 2, 3, 1, 2, 4])  # a replay
    assert not runs_forward([0, 5, 6, 3, 4])  # went back and counted on from there
    assert not runs_forward([0, 1, 2, 1])  # back at the very end


def test_pictures_played_out_of_their_recorded_order_are_caught() -> None:
    recorded = list(range(20))
    assert not in_recorded_order([*range(10, 20), *range(10)], recorded)  # segments swapped
    assert not in_recorded_order([0, 1, 3, 2, 4], recorded)
    assert not in_recorded_order([0, 1, 2, 2, 3], recorded)  # shown twice, apart
    assert not in_recorded_order([0, 1, 48], recorded)  # never recorded


def test_recorded_tracks_follow_segment_numbers_not_start_times(tmp_path: Path) -> None:
    encoder = _encoder()
    # segment 1 was anchored 5 s earlier than segment 0: it starts first on the wall-clock
    _segment(encoder, tmp_path / "p1-video-aa-00000.mkv", range(5), 7, WALL)
    _segment(encoder, tmp_path / "p1-video-aa-00001.mkv", range(5, 10), 7, WALL - 5)
    _segment(encoder, tmp_path / "p2-video-bb-00000.mkv", [3], 8, WALL)  # another camera
    # the same camera published again after a restart: a track of its own, begun later
    _segment(encoder, tmp_path / "p1-video-cc-00000.mkv", range(2), 7, WALL + 20)

    assert recorded_tracks(tmp_path, 7) == [list(range(10)), [0, 1]]
    assert recorded_tracks(tmp_path, 8) == [[3]]
    assert recorded_tracks(tmp_path, 9) == []

    # killed while segment 1 was written: it reads as far as it decodes
    cut = tmp_path / "p1-video-aa-00001.mkv"
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size * 2 // 3])
    (tmp_path / "p1-video-aa-00002.mkv").write_bytes(b"")  # killed before its header
    [read, _] = recorded_tracks(tmp_path, 7)
    assert 5 < len(read) < 10 and read == list(range(len(read)))


def _encoder() -> av.video.codeccontext.VideoCodecContext:
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    encoder.options = {"deadline": "realtime", "lag-in-frames": "0"}
    return encoder


def _segment(
    encoder: av.video.codeccontext.VideoCodecContext,
    path: Path,
    counters: Iterable[int],
    tag: int,
    wall: float,
) -> None:
    """A closed segment of `counters` (a keyframe first), `wall` its anchor's wall-clock."""
    track, index = path.stem.rsplit("-", 1)
    numbers = list(counters)
    first = numbers[0] * STEP
    spec = SegmentSpec(path, track, int(index), "video", "vp8", Anchor(wall, 0, RATE))
    writer = SegmentWriter(replace(spec, width=WIDTH, height=HEIGHT, first_ticks=first))
    for counter in numbers:
        picture = draw_counter(counter, tag)
        picture.pts = counter
        if counter == numbers[0]:
            picture.pict_type = av.video.frame.PictureType.I
        for packet in encoder.encode(picture):
            frame = EncodedFrame(bytes(packet), 0, packet.is_keyframe, 0.0, WIDTH, HEIGHT)
            writer.write(frame, counter * STEP)
    assert writer.close().frames == len(numbers)
