"""What the recording service keeps of one hearing while it records: its tracks and their
recorders, and the queue its database writes go through, worked in order so that rows
follow events in the order they happened and close can wait until everything is written."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from recording.anchor import SenderClock
from recording.recorder import TrackRecorder
from signaling.observer import RecordableTrack

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


@dataclass
class Tracked:
    """A track on the record: its recorder, whose track it is, and its row once written."""

    track: RecordableTrack
    recorder: TrackRecorder
    participant_id: int
    source: str = "camera"
    """"camera" or "screen" (a shared screen)."""
    row_id: int | None = None


class LiveRecording:
    """What the service keeps of one live hearing while it records."""

    def __init__(self, hearing_id: int, directory: Path) -> None:
        self.id = hearing_id
        self.directory = directory
        self.recording_id: int | None = None
        self.tracks: dict[str, Tracked] = {}
        self.clocks: dict[int, SenderClock] = {}
        """Each publisher's clock as its sender reports show it, shared by their tracks."""
        self.refused: set[str] = set()
        """Tracks the recorder cannot keep (their failure is reported once)."""
        self.paused = False
        self.failed = False
        self.stopping: asyncio.Task[None] | None = None
        """Set once a recorder failed: every track's recorder is being closed, for good."""
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self.worker = asyncio.ensure_future(self._work())

    def enqueue(self, job: Job) -> None:
        self.queue.put_nowait(job)

    async def _work(self) -> None:
        while True:
            job = await self.queue.get()
            try:
                await job()
            except Exception:  # one lost row must not stop the rows after it
                log.exception("recording of hearing %s: a database write failed", self.id)
            finally:
                self.queue.task_done()
