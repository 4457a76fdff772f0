"""A segment read while the recorder still writes it (recording/render/segment_reader.py): real
VP8 and Opus muxed by the recorder's own `SegmentWriter`, read between writes through the
sources the broadcast uses, and taken up by its feed first as growing, then as closed."""

import json
import math
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from recording.anchor import Anchor
from recording.broadcast.feed import SegmentFeed
from recording.packets import EncodedFrame
from recording.render.plan import AUDIO_RATE, SegmentRef
from recording.render.segment_reader import SegmentReader
from recording.render.sources import AudioSource, VideoSource
from recording.segment import SegmentSpec, SegmentWriter
from tests.integration.media_sources import HEIGHT, WIDTH, draw_counter, read_counter

START = 1_767_200_000.0
VIDEO_RATE = 90000
STEP = VIDEO_RATE // 25
FLUSH_MS = 100


class VideoWriter:
    """VP8 pictures that carry their number, muxed one by one into a segment at 25 fps."""

    def __init__(self, path: Path) -> None:
        self.encoder = av.CodecContext.create("libvpx", "w")
        self.encoder.width, self.encoder.height = WIDTH, HEIGHT
        self.encoder.pix_fmt = "yuv420p"
        self.encoder.options = {"deadline": "realtime", "lag-in-frames": "0"}
        track, index = path.stem.rsplit("-", 1)
        spec = SegmentSpec(path, track, int(index), "video", "vp8", Anchor(START, 0, VIDEO_RATE))
        self.writer = SegmentWriter(replace(spec, width=WIDTH, height=HEIGHT), FLUSH_MS)
        self.written = 0

    def write(self, count: int) -> None:
        for _ in range(count):
            picture = draw_counter(self.written)
            picture.pts = self.written
            for packet in self.encoder.encode(picture):
                frame = EncodedFrame(bytes(packet), 0, packet.is_keyframe, 0.0, WIDTH, HEIGHT)
                self.writer.write(frame, self.written * STEP)
            self.written += 1


def growing(sidecar: Path) -> SegmentRef:
    return SegmentRef.growing_from(json.loads(sidecar.read_text()), sidecar)


def test_a_growing_video_segment_is_read_as_far_as_it_is_written_and_on(tmp_path: Path) -> None:
    video = VideoWriter(tmp_path / "p1-video-00000.mkv")
    video.write(30)  # 1.2 s; the clusters of the first 1.1 s at least are in the file
    segment = growing(tmp_path / "p1-video-00000.json")
    assert segment.start == START and segment.end == math.inf
    source = VideoSource([segment])
    shown = [source.frame_at(START + n / 25) for n in range(25)]
    assert [read_counter(frame) for frame in shown if frame is not None] == list(range(25))
    # beyond what is written: the newest picture written stays up
    early = source.frame_at(START + 2.0)
    assert early is not None and 25 <= read_counter(early) < 30

    video.write(20)  # the decoder goes on where it was: every picture reads as drawn
    later = [source.frame_at(START + n / 25) for n in range(26, 45)]
    assert [read_counter(frame) for frame in later if frame is not None] == list(range(26, 45))

    info = video.writer.close()
    source.add(SegmentRef.from_info(info))
    last = source.frame_at(START + 49 / 25)
    assert last is not None and read_counter(last) == 49
    assert source.frame_at(info.end + 1.0) is None  # closed, held, and done with


def test_the_reader_decodes_each_frame_once_however_often_the_file_is_opened(
    tmp_path: Path,
) -> None:
    video = VideoWriter(tmp_path / "p1-video-00000.mkv")
    reader = SegmentReader(video.writer.spec.path, "video", growing=True)
    read: list[int] = []
    for _ in range(6):
        video.write(8)
        read += [read_counter(frame) for _, frame in reader.frames()]  # type: ignore[arg-type]
        assert list(reader.frames()) == []  # not grown since
    video.writer.close()
    reader.closed()
    read += [read_counter(frame) for _, frame in reader.frames()]  # type: ignore[arg-type]
    assert read == list(range(48))


def test_a_growing_sound_segment_is_silent_beyond_what_is_written(tmp_path: Path) -> None:
    path = tmp_path / "p1-audio-00000.mkv"
    spec = SegmentSpec(path, "p1-audio", 0, "audio", "opus", Anchor(START, 0, AUDIO_RATE))
    writer = SegmentWriter(spec, FLUSH_MS)
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = AUDIO_RATE, "mono", "s16"
    encoder.time_base = Fraction(1, AUDIO_RATE)
    written = 0

    def tone(seconds: float) -> None:
        nonlocal written
        for _ in range(round(seconds * 50)):
            t = (written + np.arange(960)) / AUDIO_RATE
            samples = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = AUDIO_RATE, written
            for packet in encoder.encode(frame):
                assert packet.pts is not None
                writer.write(EncodedFrame(bytes(packet), 0, True, 0.0), packet.pts)
            written += 960

    def loudness(at: float) -> float:
        samples = source.read(START + at, AUDIO_RATE // 10)
        return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))

    tone(1.0)
    source = AudioSource([growing(tmp_path / "p1-audio-00000.json")])
    assert loudness(0.3) > 0.1
    assert loudness(1.5) == 0.0 and source.short  # not written yet
    tone(1.0)
    assert loudness(1.5) > 0.1 and not source.short
    info = writer.close()
    source.add(SegmentRef.from_info(info))
    assert loudness(1.8) > 0.1
    assert loudness(info.end - START + 0.5) == 0.0 and not source.short


def test_the_feed_takes_a_segment_up_as_it_begins_and_again_as_it_closes(
    tmp_path: Path,
) -> None:
    video = VideoWriter(tmp_path / "p1-video-00000.mkv")
    video.write(10)
    feed = SegmentFeed(tmp_path)
    assert feed.poll(0.0) == 1
    person = feed.people["p1"]
    assert person.present(START + 100.0)  # still being recorded
    assert feed.poll(0.1) == 0  # growing, taken up already
    info = video.writer.close()
    assert feed.poll(0.2) == 1
    assert not person.present(info.end + 1.0) and person.present(START + 0.2)
    frame = person.videos["p1-video"].frame_at(START + 9 / 25)
    assert frame is not None and read_counter(frame) == 9
