"""A hearing's recording read as it grows: each participant's segments, as sources.

The recorder writes a segment's sidecar as the segment opens (with its anchor) and rewrites
it (atomically) when the segment closes (with its times). The feed takes a segment up as soon
as its sidecar appears, as a growing one that its source reads as far as it has been written
(recording/render/segment_reader.py), and takes it again once closed. The recorder's own lag
(its reorder buffer, its writer's batches and half-second clusters) stays under the shortest
delay the broadcast allows (config/broadcast.py), so what it shows has been written by then.

Segment files are named `<participant>-<kind>[-<track>]-NNNNN.mkv` (the recording service's
`p<id>-video-<track id>`, the tests' `p<id>-video`). A participant's sound is read as one; each
of their video tracks apart, by the name its files start with (a camera and a shared screen,
or the camera of each connection): the direction says which is a screen.
"""

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from recording.render.plan import SegmentRef
from recording.render.sources import HOLD, AudioSource, VideoSource

logger = logging.getLogger(__name__)

_NAME = re.compile(
    r"(?P<who>[A-Za-z0-9]+)-(?P<kind>audio|video)(?:-[A-Za-z0-9]+)?-(?P<index>\d{5})"
)
RESCAN_SECONDS = 1.0
"""How often the folder is listed for tracks not seen yet (known tracks are followed by the
name of their next segment)."""


@dataclass
class Person:
    """One participant's recorded media as sources, and the span they cover so far."""

    videos: dict[str, VideoSource] = field(default_factory=dict)
    """By the name the track's files start with, in the order they were first recorded."""
    audio: AudioSource = field(default_factory=lambda: AudioSource(()))
    spans: dict[Path, tuple[float, float]] = field(default_factory=dict)
    """Of each segment file, video or audio, start and end (infinite while it grows)."""

    def present(self, wall: float) -> bool:
        """Whether anything of theirs was recorded at `wall` (or just before: a segment's end
        is held as long as the archive holds a picture)."""
        return any(start <= wall < end + HOLD for start, end in self.spans.values())

    def forget_before(self, wall: float) -> None:
        self.spans = {path: (s, e) for path, (s, e) in self.spans.items() if e + HOLD > wall}
        self.audio.forget_before(wall - HOLD)


@dataclass
class _Track:
    who: str
    kind: str
    stem: str
    """The segment file name up to its number."""
    next_index: int
    growing: bool = False
    """Segment `next_index` has been taken up as a growing one."""


class SegmentFeed:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.people: dict[str, Person] = {}
        """By participant (as named in the files), in the order they were first recorded."""
        self._tracks: dict[str, _Track] = {}
        self._rescan_at = float("-inf")

    def poll(self, now: float) -> int:
        """Take up the segments begun or closed since the last poll (`now`: a monotonic time,
        for the rescans); returns how many."""
        if now >= self._rescan_at:
            self._rescan_at = now + RESCAN_SECONDS
            self._rescan()
        taken = 0
        for track in self._tracks.values():
            while (segment := self._segment(track)) is not None:
                self._take(track, segment)
                taken += 1
                if segment.growing:
                    track.growing = True
                    break
                track.next_index += 1
                track.growing = False
        return taken

    def _rescan(self) -> None:
        try:
            names = [entry.name for entry in os.scandir(self.directory)]
        except OSError:
            return  # not made yet: nothing recorded
        for name in sorted(names):
            if not name.endswith(".json"):
                continue
            match = _NAME.fullmatch(name[: -len(".json")])
            if match is None:
                continue
            stem = name[: -len(".json") - 6]
            if stem not in self._tracks:
                self._tracks[stem] = _Track(match["who"], match["kind"], stem, int(match["index"]))

    def _segment(self, track: _Track) -> SegmentRef | None:
        """Segment `next_index`, closed, or growing if not taken up as such already."""
        sidecar = self.directory / f"{track.stem}-{track.next_index:05d}.json"
        try:
            data = json.loads(sidecar.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            logger.warning("cannot read %s: %s", sidecar, error)
            return None
        try:
            if "start" in data:
                return SegmentRef.from_sidecar(sidecar)
            return None if track.growing else SegmentRef.growing_from(data, sidecar)
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("cannot read %s: %s", sidecar, error)
            track.next_index += 1  # a damaged sidecar is passed over, not read for ever
            track.growing = False
            return None

    def _take(self, track: _Track, segment: SegmentRef) -> None:
        person = self.people.setdefault(track.who, Person())
        if track.kind == "video":
            person.videos.setdefault(track.stem, VideoSource(())).add(segment)
        else:
            person.audio.add(segment)
        person.spans[segment.path] = (segment.start, segment.end)
