"""The broadcast's loop: each output frame, what was captured a delay earlier, drawn and encoded.

Frame n goes out at `start + n / fps` (wall-clock) and shows the hearing as recorded at that
time minus the delay: the people recorded then, their pictures and mixed sound, or the slate
the court's direction gives for that moment. It runs in a process of its own (the live hearing
never waits for it): reading the recording's files as they are written costs the forwarder
nothing.

A loop that falls behind (a slow machine, a picture with many people) repeats its last picture
instead of drawing new ones until it has caught up: the broadcast loses frames, its timestamps
stay unbroken and its sound whole.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from av import VideoFrame

from recording.render.plan import AUDIO_RATE
from recording.render.speaker import THRESHOLD
from recording.render.stage import Shown

from .compose import BroadcastCompositor, Tile
from .feed import SegmentFeed
from .hls import HlsWriter

POLL_SECONDS = 0.5
"""How often the recording's folder is looked at for closed segments."""
FORGET_SECONDS = 10.0
"""Sound read this long ago is let go."""
BEHIND = 0.5
"""Seconds behind its frames' times at which the loop repeats its last picture."""
SPEAKER_SMOOTHING = 0.9
"""Per frame, how much of a person's loudness is kept (about half a second at 25 fps)."""


class Direction(Protocol):
    """What the court has the broadcast show (the server's side: its schedule and people)."""

    def slate_at(self, captured: float) -> tuple[str, str, str] | None:
        """The slate in place of what was captured at `captured` (None: the hearing)."""

    def person(self, who: str) -> tuple[str, str] | None:
        """The name and role shown for a participant (as named in the recording's files);
        None: not shown."""

    def screen(self, track: str) -> bool:
        """Whether a video track (the name its files start with) is a shared screen."""

    def feature_at(self, captured: float) -> Shown | None:
        """The exhibit shown large at `captured` and its page then (None: none)."""

    @property
    def absent(self) -> str:
        """What a tile without a picture says."""


@dataclass
class Progress:
    frames: int = 0
    repeated: int = 0
    """Frames that repeated the last picture (the loop was behind)."""
    slates: int = 0
    short: int = 0
    """Frames whose sound reached past what the recorder had written (heard as silence)."""


class Broadcaster:
    def __init__(
        self,
        feed: SegmentFeed,
        writer: HlsWriter,
        compositor: BroadcastCompositor,
        direction: Direction,
        delay: float,
    ) -> None:
        self._feed = feed
        self._writer = writer
        self._compositor = compositor
        self._direction = direction
        self.delay = delay
        self._fps = writer.settings.fps
        self._per_frame = AUDIO_RATE // self._fps
        self._polled_at = float("-inf")
        self._forgot_at = float("-inf")
        self._last: VideoFrame | None = None
        self._loudness: dict[str, float] = {}
        self.progress = Progress()

    def run(
        self,
        stop: Callable[[], bool],
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Broadcast in real time from now until `stop()` says so."""
        start = clock()
        frame = 0
        while not stop():
            due = start + frame / self._fps
            now = clock()
            if now < due:
                sleep(due - now)
            self.frame(due - self.delay, behind=now - due > BEHIND)
            frame += 1

    def frame(self, captured: float, behind: bool = False) -> None:
        """Write the frame showing what was captured at wall-clock `captured` (`behind`:
        repeat the last picture, only the sound is new)."""
        self._poll(captured)
        silence = np.zeros(self._per_frame, np.float32)
        lines = self._direction.slate_at(captured)
        if lines is not None:
            picture = self._compositor.slate(lines)
            self._writer.write(picture, silence)
            self._last = picture
            self.progress.slates += 1
            self.progress.frames += 1
            return
        shown = self._people(captured)
        sound = silence
        levels = []
        short = False
        for who, _ in shown:
            audio = self._feed.people[who].audio
            samples = audio.read(captured, self._per_frame)
            short = short or audio.short
            sound = sound + samples
            rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
            level = self._loudness.get(who, 0.0) * SPEAKER_SMOOTHING + rms * (1 - SPEAKER_SMOOTHING)
            self._loudness[who] = level
            levels.append(level)
        self.progress.short += short
        if behind and self._last is not None:
            picture = self._last
            self.progress.repeated += 1
        else:
            frames, screen = self._pictures(captured, [who for who, _ in shown])
            loudest = int(np.argmax(levels)) if levels else 0
            speaker = loudest if levels and levels[loudest] >= THRESHOLD else None
            picture = self._compositor.compose(
                captured,
                [tile for _, tile in shown],
                frames,
                speaker,
                self._direction.absent,
                screen,
                None if screen is not None else self._direction.feature_at(captured),
            )
        self._writer.write(picture, sound)
        self._last = picture
        self.progress.frames += 1

    def close(self) -> None:
        self._writer.close()

    def _pictures(
        self, captured: float, shown: list[str]
    ) -> tuple[list[VideoFrame | None], VideoFrame | None]:
        """Each shown person's camera picture at `captured` (their newest camera track's, a
        reconnection having made a new one) and a shared screen's, if any."""
        cameras: list[VideoFrame | None] = []
        screen: VideoFrame | None = None
        for who in shown:
            camera = None
            for track, source in reversed(self._feed.people[who].videos.items()):
                frame = source.frame_at(captured)
                if frame is None:
                    continue
                if self._direction.screen(track):
                    screen = screen or frame
                elif camera is None:
                    camera = frame
            cameras.append(camera)
        return cameras, screen

    def _people(self, captured: float) -> list[tuple[str, Tile]]:
        """Who is on the picture: those recorded at `captured` whom the direction shows."""
        shown = []
        for who, person in self._feed.people.items():
            if not person.present(captured):
                continue
            named = self._direction.person(who)
            if named is not None:
                shown.append((who, Tile(who, *named)))
        return shown

    def _poll(self, captured: float) -> None:
        now = time.monotonic()
        if now - self._polled_at >= POLL_SECONDS:
            self._polled_at = now
            self._feed.poll(now)
        if captured - self._forgot_at >= FORGET_SECONDS:
            self._forgot_at = captured
            for person in self._feed.people.values():
                person.forget_before(captured - FORGET_SECONDS)
