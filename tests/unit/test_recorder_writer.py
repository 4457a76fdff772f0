"""The recorder's writer thread: it takes frames in batches, and a disk that stalls bounds what
waits for it and fails the recording visibly (recording/writer.py)."""

import asyncio
import json
import os
from pathlib import Path

from recording.recorder import RecorderState, TrackRecorder
from recording.segment import SegmentInfo
from recording.writer import BATCH_SECONDS, MAX_QUEUE, WAKE_AT, WriterBacklogError
from tests.integration.synthetic_rtp import SyntheticAudio


class Fed:
    """Opus packets handed to a recorder as they would arrive, one every 20 ms (simulated)."""

    def __init__(self, directory: Path) -> None:
        self.now = 0.0
        self.count = 0
        self.errors: list[Exception] = []
        self.segments: list[SegmentInfo] = []
        self._audio = SyntheticAudio()
        self.recorder = TrackRecorder(
            directory,
            "audio",
            "audio/opus",
            48000,
            on_segment=self.segments.append,
            on_error=self.errors.append,
            segment_seconds=3600,  # one segment: one command to open it, then one per frame
            wall_clock=lambda: 1_767_000_000.0 + self.now,
            monotonic=lambda: self.now,
        )

    def packet(self) -> None:
        self.recorder.forward_now(self._audio.next_packet(), self.now, 0)  # never raises
        self.count += 1
        self.now += 0.02


async def test_a_few_frames_reach_the_thread_within_a_batch_interval(tmp_path: Path) -> None:
    fed = Fed(tmp_path)
    for _ in range(WAKE_AT // 4):  # too few to wake the thread early
        fed.packet()
    await asyncio.sleep(BATCH_SECONDS * 3)
    sidecar = json.loads((tmp_path / "audio-00000.json").read_text())
    assert sidecar["state"] == "recording"  # the segment was opened by the thread
    await fed.recorder.close()
    assert not fed.errors
    [segment] = fed.segments
    assert segment.frames == WAKE_AT // 4


async def test_a_stalled_disk_bounds_the_backlog_and_fails_the_recording(tmp_path: Path) -> None:
    # the first segment's sidecar goes through a named pipe nobody reads: the writer thread's
    # first write blocks, as on a disk that stopped answering
    stalled = tmp_path / "audio-00000.json.tmp"
    os.mkfifo(stalled)
    fed = Fed(tmp_path)
    while not fed.errors and fed.count < 2 * MAX_QUEUE:
        fed.packet()  # never blocks
    # every Opus packet is a frame to write: MAX_QUEUE commands were held (the stalled thread
    # may have taken the first, the segment's opening), then the recording failed, visibly
    assert fed.count in (MAX_QUEUE, MAX_QUEUE + 1)
    assert len(fed.errors) == 1 and isinstance(fed.errors[0], WriterBacklogError)
    recorder = fed.recorder
    assert recorder.state is RecorderState.FAILED
    fed.packet()  # and takes no more
    assert len(fed.errors) == 1

    reader = os.open(stalled, os.O_RDONLY | os.O_NONBLOCK)  # the disk answers again
    try:
        await recorder.close()
    finally:
        os.close(reader)
    [segment] = fed.segments  # what was held before the failure was written all the same
    assert segment.frames == fed.count - 2
