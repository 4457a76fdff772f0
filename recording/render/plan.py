"""What the renderer is asked to make: plain data, built by the server from its database rows.

Nothing here knows the database or the live session. A `RenderPlan` names the hearing (title,
case number), its tracks (whose, which kind, which segment files), the timeline (session start
and end, recesses, procedure phases, optional active-speaker changes) and the output file. All
times are wall-clock UNIX seconds, the same clock the segments' anchors use.
"""

import json
import math
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..anchor import Anchor
from ..segment import SegmentInfo

AUDIO_RATE = 48000
LANGUAGES = ("zh", "en", "zh+en")
"""The languages of the words burned into the archive; "zh+en" shows both."""


def say(words: tuple[str, str], language: str) -> str:
    """The (Chinese, English) pair in `language`: one of them, or both for "zh+en"."""
    chinese, english = words
    if language == "zh":
        return chinese
    if language == "en":
        return english
    return f"{chinese} {english}"


@dataclass(frozen=True, slots=True)
class SegmentRef:
    """One recorded segment file: presentation time t in it is wall-clock anchor.wall_clock + t."""

    path: Path
    start: float
    end: float
    anchor: Anchor
    growing: bool = False
    """Still being recorded (its `end` is infinite until it is closed): read as it grows."""

    @classmethod
    def from_info(cls, info: SegmentInfo) -> "SegmentRef":
        return cls(info.path, info.start, info.end, info.anchor)

    @classmethod
    def from_sidecar(cls, sidecar: Path) -> "SegmentRef":
        """Read a closed (or recovered) segment's JSON sidecar."""
        data = json.loads(sidecar.read_text())
        if "start" not in data:
            raise ValueError(f"{sidecar} is not finished: recover() it first")
        anchor = Anchor.from_json(data["anchor"])
        return cls(sidecar.with_name(data["file"]), data["start"], data["end"], anchor)

    @classmethod
    def growing_from(cls, data: dict[str, Any], sidecar: Path) -> "SegmentRef":
        """A segment still being recorded, from its sidecar's `data` (written as it opened)."""
        anchor = Anchor.from_json(data["anchor"])
        start = anchor.wall_clock + int(data.get("first_ticks", 0)) / anchor.clock_rate
        return cls(sidecar.with_name(data["file"]), start, math.inf, anchor, growing=True)


@dataclass(frozen=True, slots=True)
class TrackPlan:
    """A recorded track of one participant. A participant may have several of each kind (a
    reconnection makes a new track): their segments are shown as one."""

    participant_id: str
    name: str
    role: str
    """As displayed under the tile, e.g. "当事人" (the server words it, see `say`)."""
    kind: str
    """"video" or "audio"."""
    segments: tuple[SegmentRef, ...]


RECESS = "recess"
INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True)
class Interval:
    """A stretch of the session the archive leaves out and marks with a card: a recess, or
    (`kind` INTERRUPTED) a time the recording was interrupted, e.g. the server crashed."""

    start: float
    end: float
    kind: str = RECESS


@dataclass(frozen=True, slots=True)
class PhaseChange:
    at: float
    name: str
    """As displayed, e.g. "法庭调查"; becomes the chapter's title."""


@dataclass(frozen=True, slots=True)
class SpeakerChange:
    at: float
    participant_id: str | None
    """None: nobody speaks from `at` on."""


@dataclass(frozen=True, slots=True)
class PresenceChange:
    """Where a participant is from `at` on, as the hearing logged it: "joining", "waiting",
    "in_hearing", "in_consultation", "reconnecting", "left" or "removed"."""

    at: float
    participant_id: str
    presence: str


@dataclass(frozen=True, slots=True)
class Still:
    """A picture file (an exhibit's page or image, drawn beforehand), shown as it is."""

    path: Path


@dataclass(frozen=True, slots=True)
class Screen:
    """A shared screen's recorded video."""

    segments: tuple[SegmentRef, ...]


@dataclass(frozen=True, slots=True)
class Card:
    """Words in place of a picture, e.g. an audio exhibit's label and title, and whether it
    plays (both already worded, see `say`)."""

    title: str
    status: str


@dataclass(frozen=True, slots=True)
class View:
    at: float
    shows: Still | Screen | Card
    """What the feature shows from `at` on (until its next view)."""


@dataclass(frozen=True, slots=True)
class Feature:
    """Something that takes the archive's main picture, the speakers small beside it, from
    `start` to `end`: an exhibit presented or a screen shared. It has a chapter, `title`."""

    start: float
    end: float
    title: str
    views: tuple[View, ...]
    """In time order; the first is shown from `start` whatever its `at`."""


@dataclass(frozen=True, slots=True)
class Play:
    """A clip playing from wall-clock `start` to `end`, from `position` seconds into it."""

    start: float
    end: float
    position: float


@dataclass(frozen=True, slots=True)
class Clip:
    """An audio or video exhibit played in the hearing: its sound goes into the archive's."""

    path: Path
    plays: tuple[Play, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    start: float
    end: float
    recesses: tuple[Interval, ...] = ()
    """Recesses, and interruptions of the recording (`Interval.kind`)."""
    phases: tuple[PhaseChange, ...] = ()
    speakers: tuple[SpeakerChange, ...] | None = None
    """Active-speaker changes; None: the renderer picks the loudest participant."""
    presence: tuple[PresenceChange, ...] = ()
    """Admissions, returns to the waiting room, departures...: what a tile without a picture
    says (see `presence`). Empty: judged from the recorded media alone."""
    features: tuple[Feature, ...] = ()
    """Exhibits presented and screens shared; while they overlap, the last started is shown
    (see `stage`)."""
    clips: tuple[Clip, ...] = ()


def check_picture(width: int, height: int, fps: int) -> None:
    """Raise ValueError unless a video of this size and rate can be encoded as 4:2:0 with a
    whole number of 48 kHz samples per frame (every renderer and the broadcast)."""
    if width % 2 or height % 2 or width < 320 or height < 180:
        raise ValueError("width and height must be even and at least 320x180")
    if fps <= 0 or AUDIO_RATE % fps:
        raise ValueError(f"fps must divide {AUDIO_RATE} (25, 30, 50...)")


@dataclass(frozen=True, slots=True)
class RenderSettings:
    width: int = 1280
    height: int = 720
    fps: int = 25
    preset: str = "ultrafast"
    crf: int = 23
    audio_bitrate: int = 96000
    recess_card_seconds: float = 3.0
    """How long the card that stands for a recess is shown."""
    chunk_seconds: float = 30.0
    """The unit of work that survives a crash (and that worker threads share out)."""
    timezone: str = "UTC"
    """IANA name for the clock burned into the picture, e.g. "Asia/Shanghai"."""
    font: Path | None = None
    """A font with CJK glyphs; None: the first one found on the machine."""
    language: str = "zh"
    """The renderer's own words (cards, placeholders): "zh", "en" or "zh+en" (both)."""

    def validate(self) -> None:
        check_picture(self.width, self.height, self.fps)
        if self.chunk_seconds < 1 or self.recess_card_seconds < 0:
            raise ValueError("chunk_seconds must be >= 1 and recess_card_seconds >= 0")
        zoneinfo.ZoneInfo(self.timezone)  # raises on an unknown zone
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")


@dataclass(frozen=True, slots=True)
class RenderPlan:
    title: str
    case_number: str
    tracks: tuple[TrackPlan, ...]
    timeline: Timeline
    output: Path
    settings: RenderSettings = field(default_factory=RenderSettings)

    def validate(self) -> None:
        self.settings.validate()
        if self.timeline.end <= self.timeline.start:
            raise ValueError("the session must end after it starts")
        for track in self.tracks:
            if track.kind not in ("video", "audio"):
                raise ValueError(f"track kind {track.kind!r} is neither video nor audio")
        if self.output.suffix.lower() != ".mp4":
            raise ValueError("the output must be an .mp4 file")


@dataclass(frozen=True, slots=True)
class Participant:
    """One tile: a participant's label and the segments of all their tracks."""

    participant_id: str
    name: str
    role: str
    video: tuple[SegmentRef, ...]
    audio: tuple[SegmentRef, ...]


def participants(tracks: tuple[TrackPlan, ...]) -> list[Participant]:
    """Group tracks by participant, in the order participants first appear."""
    order: dict[str, list[TrackPlan]] = {}
    for track in tracks:
        order.setdefault(track.participant_id, []).append(track)
    result = []
    for pid, own in order.items():
        # a segment a crash left empty shows nothing; it must not hide one beside it
        video = [s for t in own if t.kind == "video" for s in t.segments if s.end > s.start]
        audio = [s for t in own if t.kind == "audio" for s in t.segments if s.end > s.start]
        result.append(
            Participant(
                pid,
                own[0].name,
                own[0].role,
                tuple(sorted(video, key=lambda s: s.start)),
                tuple(sorted(audio, key=lambda s: s.start)),
            )
        )
    return result
