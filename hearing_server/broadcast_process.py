"""One public hearing's broadcast in a process of its own (started by `broadcasts`).

The process reads the hearing's recording folder, draws and encodes in real time, and takes
the court's direction from its pipe: the hearing's state changes, the court's cuts and resumes
(each with the wall-clock time it happened) and the names of the people recorded. The server
never waits for it: a broadcast that cannot keep up repeats pictures, and one that fails ends
alone (its last playlist stays, without more segments).

Messages (tuples): ``("state", at, state)``, ``("cut", at)``, ``("resume", at)``,
``("people", {who: (name, role)})``, ``("screens", [track file name, ...])``,
``("features", [recording.render.Feature, ...])`` (the exhibits presented so far, drawn),
``("stop",)``: end now. Once the hearing is closed, the
process ends by itself after the public has seen the closing slate for a while.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from court.broadcast import SLATE_WORDS, BroadcastError, Schedule
from court.states import HearingState
from recording.broadcast.broadcaster import Broadcaster
from recording.broadcast.compose import BroadcastCompositor
from recording.broadcast.feed import SegmentFeed
from recording.broadcast.hls import HlsSettings, HlsWriter
from recording.broadcast.publish import BucketTarget, Publisher
from recording.render import text
from recording.render.plan import say
from recording.render.stage import Shown, Stage

log = logging.getLogger(__name__)

CLOSING_SECONDS = 10.0
"""How long the closing slate is broadcast before the broadcast ends."""
ABSENT_WORDS = ("暂无画面", "No picture")


@dataclass(frozen=True, slots=True)
class BroadcastJob:
    """What a broadcast process is started with (plain data: it crosses a process boundary)."""

    hearing_id: int
    recording: Path
    output: Path
    title: str
    """The header's left part: the court, the case number, the cause."""
    footer: str
    """The slates' last line: the court and the case number."""
    timezone: str
    language: str
    delay: float
    hls: HlsSettings
    bucket: BucketTarget | None = None
    """Where the live files are published too (None: the local folder only)."""


class _Direction:
    """The court's direction as the broadcaster asks for it."""

    def __init__(self, job: BroadcastJob) -> None:
        self.schedule = Schedule(delay=job.delay)
        self.people: dict[str, tuple[str, str]] = {}
        self.screens: frozenset[str] = frozenset()
        self.stage = Stage(())
        self._job = job
        self.absent = say(ABSENT_WORDS, job.language)
        self.closed_at: float | None = None

    def slate_at(self, captured: float) -> tuple[str, str, str] | None:
        slate = self.schedule.slate_at(captured)
        if slate is None:
            return None
        chinese, english = SLATE_WORDS[slate]
        if self._job.language == "en":
            return english, "", self._job.footer
        return chinese, english if self._job.language != "zh" else "", self._job.footer

    def person(self, who: str) -> tuple[str, str] | None:
        return self.people.get(who)

    def screen(self, track: str) -> bool:
        return track in self.screens

    def feature_at(self, captured: float) -> Shown | None:
        return self.stage.at(captured)

    def take(self, message: tuple[Any, ...]) -> bool:
        """Apply one message from the server; False: stop now."""
        kind = message[0]
        try:
            if kind == "state":
                state = HearingState(message[2])
                self.schedule.change_state(float(message[1]), state)
                if state is HearingState.CLOSED:
                    self.closed_at = float(message[1])
            elif kind == "cut":
                self.schedule.cut_at(float(message[1]))
            elif kind == "resume":
                self.schedule.resume_at(float(message[1]))
            elif kind == "people":
                self.people = {str(k): (str(v[0]), str(v[1])) for k, v in message[1].items()}
            elif kind == "screens":
                self.screens = frozenset(str(name) for name in message[1])
            elif kind == "features":
                self.stage = Stage(list(message[1]))
            elif kind == "stop":
                return False
        except BroadcastError as error:  # a cut told twice (a retried poll): nothing changes
            log.info("broadcast of hearing %s: %s", self._job.hearing_id, error)
        return True


def run(job: BroadcastJob, pipe: Connection) -> None:
    """The process's body: broadcast until told to stop, or until the hearing has closed."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    direction = _Direction(job)
    compositor = BroadcastCompositor(
        job.hls.width, job.hls.height, job.title, job.timezone, text.find_font()
    )
    broadcaster = Broadcaster(
        SegmentFeed(job.recording),
        HlsWriter(job.output, job.hls),
        compositor,
        direction,
        job.delay,
    )
    publisher = None if job.bucket is None else Publisher(job.output, job.bucket)
    if publisher is not None:
        publisher.start()
    stopping = False

    def stop() -> bool:
        nonlocal stopping
        try:
            while not stopping and pipe.poll():
                stopping = not direction.take(pipe.recv())
        except (EOFError, OSError):  # the server is gone
            stopping = True
        closed = direction.closed_at
        if closed is not None and time.time() - job.delay > closed + CLOSING_SECONDS:
            stopping = True
        return stopping

    try:
        broadcaster.run(stop)
    finally:
        broadcaster.close()
        if publisher is not None:
            publisher.stop()  # the playlist's end goes up too
        log.info(
            "broadcast of hearing %s ended: %s",
            job.hearing_id,
            broadcaster.progress,
        )
