"""The recorder attached to real published tracks, a recorder killed with kill -9, and
recording failures that must not disturb forwarding."""

import asyncio
import errno
import itertools
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import av
import pytest

from recording.anchor import Anchor
from recording.recorder import RecorderState, TrackRecorder
from recording.segment import SegmentInfo, recover
from signaling.media.publisher import PublishedTrack
from tests.integration.media_sources import read_counter
from tests.integration.peers import Connect
from tests.integration.recorder_child import record_until_killed
from tests.integration.synthetic_rtp import Packet, SyntheticAudio, SyntheticVideo, play


@dataclass
class Recorded:
    segments: list[SegmentInfo] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)

    def of(self, kind: str) -> list[SegmentInfo]:
        return sorted((s for s in self.segments if s.kind == kind), key=lambda s: s.index)


def recorder_for(track: PublishedTrack, directory: Path, recorded: Recorded) -> TrackRecorder:
    recorder = TrackRecorder(
        directory,
        track.kind,
        track.codec.mimeType,
        track.codec.clockRate,
        on_segment=recorded.segments.append,
        on_error=recorded.errors.append,
        on_anchor=recorded.anchors.append,
        request_keyframe=track.request_keyframe,
        segment_seconds=2.0,
    )
    track.attach(recorder)
    return recorder


def video_frames(path: Path) -> list[tuple[float, int]]:
    """(presentation seconds, counter) of every picture in a segment."""
    with av.open(str(path)) as container:
        return [
            (float(frame.time), read_counter(frame))
            for frame in container.decode(video=0)
            if frame.time is not None
        ]


def audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return sum(frame.samples for frame in container.decode(audio=0)) / 48000


async def test_records_video_and_audio_of_a_real_publisher(
    connect: Connect, tmp_path: Path
) -> None:
    publisher = connect()
    await publisher.publish()
    recorded = Recorded()
    recorders = [
        recorder_for(publisher.published(k), tmp_path, recorded) for k in ("video", "audio")
    ]
    started = time.time()
    await asyncio.sleep(5)
    for recorder in recorders:
        await recorder.close()
    stopped = time.time()

    assert not recorded.errors
    video = recorded.of("video")
    assert len(video) >= 2, "a 5 s recording in 2 s segments"
    frames = [frame for segment in video for frame in video_frames(segment.path)]
    counters = [counter for _, counter in frames]
    assert counters == sorted(set(counters)), "pictures out of order or repeated"
    assert max(b - a for a, b in itertools.pairwise(counters)) <= 4
    assert len(counters) >= 60
    # wall-clock of each picture (anchor + presentation time) keeps pace with its counter
    anchor = video[0].anchor
    assert started <= anchor.wall_clock <= started + 2.5
    offsets = [anchor.wall_clock + at - counter / 30 for at, counter in frames]
    assert max(offsets) - min(offsets) < 0.25
    for before, after in itertools.pairwise(video):
        assert abs(after.start - before.end) < 0.1, "consecutive segments leave no gap"
    assert started <= video[0].start and video[-1].end <= stopped + 0.2

    audio = recorded.of("audio")
    assert len(audio) >= 2
    assert {s.anchor for s in audio} == {a for a in recorded.anchors if a.clock_rate == 48000}
    duration = sum(audio_seconds(segment.path) for segment in audio)
    assert abs(duration - (audio[-1].end - audio[0].start)) < 0.2
    assert abs(duration - (stopped - audio[0].anchor.wall_clock)) < 0.5
    assert abs(audio[0].anchor.wall_clock - anchor.wall_clock) < 1.0


async def test_pause_leaves_a_gap_between_valid_segments(connect: Connect, tmp_path: Path) -> None:
    publisher = connect()
    await publisher.publish(audio=False)
    recorded = Recorded()
    recorder = recorder_for(publisher.published("video"), tmp_path, recorded)
    await asyncio.sleep(2.5)
    # the gap is the recess less the media's delay on arrival (~0.4 s on a loaded machine)
    recorder.pause()
    await asyncio.sleep(2.5)
    recorder.resume()
    await asyncio.sleep(2.5)
    await recorder.close()

    assert not recorded.errors
    segments = recorded.of("video")
    gaps = [b.start - a.end for a, b in itertools.pairwise(segments)]
    assert sum(gap > 1.2 for gap in gaps) == 1, f"one recess gap expected, got {gaps}"
    assert len({s.anchor for s in segments}) == 1, "the recess keeps the anchor"
    counters = [c for segment in segments for _, c in video_frames(segment.path)]
    assert counters == sorted(set(counters))
    jumps = [b - a for a, b in itertools.pairwise(counters)]
    assert sum(jump > 30 for jump in jumps) == 1, "frames of the recess are missing, no others"


def test_kill_9_loses_at_most_two_seconds(tmp_path: Path) -> None:
    sent = record_until_killed(tmp_path, 165)  # 5.5 s: mid-way through the second 4 s segment

    counters: list[int] = []
    audio = 0.0
    for path in sorted(tmp_path.glob("*.mkv")):
        info = recover(path.with_suffix(".json"))
        if info.frames == 0:
            continue  # killed before its first cluster was written
        if path.name.startswith("video"):
            counters += [c for _, c in video_frames(path)]
        else:
            audio += audio_seconds(path)
    assert counters == sorted(set(counters))
    assert counters[-1] >= sent - 2 * 30, f"decoded up to frame {counters[-1]}, sent {sent}"
    assert audio >= sent / 30 - 2.0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system: a real disk-full error, not a simulated one."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)]
    if subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


async def test_a_full_disk_is_reported_and_forwarding_goes_on(small_disk: Path) -> None:
    errors: list[Exception] = []
    video = SyntheticVideo()
    recorder = TrackRecorder(
        small_disk,
        "video",
        "video/VP8",
        90000,
        on_segment=lambda info: None,
        on_error=errors.append,
        flush_ms=100,
    )
    forwarded = 0

    def forward(packet: Packet) -> None:
        nonlocal forwarded
        recorder.forward_now(packet, 0.0, 0)  # never raises
        forwarded += 1

    def ignore(packet: Packet) -> None:
        pass

    await play(1.5, video, SyntheticAudio(), forward, ignore)
    await recorder.close()
    assert len(errors) == 1, errors
    assert isinstance(errors[0], OSError) and errors[0].errno == errno.ENOSPC
    assert recorder.state is RecorderState.CLOSED
    assert forwarded >= 30


@pytest.mark.parametrize("kind", ["video", "audio"])
async def test_an_unwritable_folder_is_reported(tmp_path: Path, kind: str) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    errors: list[Exception] = []
    mime, rate = ("video/VP8", 90000) if kind == "video" else ("audio/opus", 48000)
    recorder = TrackRecorder(
        blocked / "recordings", kind, mime, rate, on_segment=lambda i: None, on_error=errors.append
    )
    source = SyntheticVideo() if kind == "video" else None
    audio = SyntheticAudio()
    for _ in range(20):
        packets = source.next_frame() if source is not None else [audio.next_packet()]
        for packet in packets:
            recorder.forward_now(packet, 0.0, 0)
    await recorder.close()
    assert len(errors) == 1 and isinstance(errors[0], OSError), errors
