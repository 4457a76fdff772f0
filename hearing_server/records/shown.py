"""Where the moments of a hearing are in its archive video, placed the way the renderer places
them (the recesses cut out and a card put in each one's place, `recording.render.timeline`);
before the archive is made, in seconds from the start of the recording, as the timeline's
chapters are. The archive page seeks with them: to the exhibits shown (here) and to the lines of
the transcript (`hearing_server/api/recording_transcript_api.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hearing_server.db.models import HearingEvent, Recording
from hearing_server.records.features import PDF
from hearing_server.records.presentations import presentations
from hearing_server.records.render import session_timeline
from recording.render import RenderSettings
from recording.render.timeline import OutputTimeline

ARCHIVE_TIME = (RenderSettings().recess_card_seconds, RenderSettings().fps)
"""How the server renders archives (`hearing_server.records.service`): where a moment of the
hearing is in the video depends on the recess card's length."""

Place = Callable[[datetime], float]
"""Where a wall-clock instant is, in seconds into the video."""


def recorded_span(
    recording: Recording, events: list[HearingEvent]
) -> tuple[datetime, datetime] | None:
    """When the recording began and ended (while it goes on: the hearing's last event); None
    before it began."""
    if recording.started_at is None:
        return None
    start = recording.started_at
    return start, recording.ended_at or max((e.at for e in events), default=start)


@dataclass
class Stretch:
    start: float
    end: float
    pages: list[int] | None
    """A PDF's pages shown, in the order first shown; None for other files."""


@dataclass
class ShownExhibit:
    exhibit_id: int
    file_id: int
    label: str
    title: str
    shown: list[Stretch] = field(default_factory=list)


def shown_exhibits(
    events: list[HearingEvent],
    start: datetime,
    end: datetime,
    archive: tuple[float, int] | None,
) -> list[ShownExhibit]:
    """Per exhibit file, in the order first shown. `archive`: the recess card's seconds and
    the frame rate the archive was rendered with; None: it is not made yet."""
    place = placer(events, start, end, archive)
    found: dict[tuple[int, int], ShownExhibit] = {}
    for shown in presentations(events, end):
        if shown.end <= start:
            continue
        key = (shown.exhibit_id, shown.file_id)
        exhibit = found.setdefault(
            key, ShownExhibit(shown.exhibit_id, shown.file_id, shown.label, shown.title)
        )
        pages = list(dict.fromkeys(page for _, page in shown.pages)) or [1]
        exhibit.shown.append(
            Stretch(
                place(max(shown.start, start)),
                place(shown.end),
                pages if shown.media_type == PDF else None,
            )
        )
    return list(found.values())


def placer(
    events: list[HearingEvent], start: datetime, end: datetime, archive: tuple[float, int] | None
) -> Place:
    """Where an instant between `start` and `end` is in the video (`archive`: as in
    `shown_exhibits`): inside a recess, just after its card, where the video goes on. An
    instant outside them lands on the nearer end."""
    if archive is None:
        return lambda at: max(0.0, (min(at, end) - start).total_seconds())
    card_seconds, fps = archive
    timeline = OutputTimeline(session_timeline(start, end, events, None), card_seconds, fps)
    return lambda at: round(timeline.output_time(at.timestamp()), 3)
