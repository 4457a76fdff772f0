"""Exhibits presented and screens shared in a hearing, read from its timeline: what the archive
shows large (`hearing_server.records.features`) and what the archive page lists as shown.

The live hearing logs a presentation as `exhibit_presented` (data: exhibit_id, file_id, label,
title, media_type, page, participant_id), then `presentation_page` (page) and
`presentation_playback` (playing, position) for the same exhibit_id and file_id, until
`presentation_stopped`; showing another file stops the one before. A screen is shared from
`share_started` to `share_stopped` (data: participant_id, track_id). What is still running when
the recording ends ends with it; a row whose data is not of this shape is passed over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from hearing_server.db.models import HearingEvent


@dataclass(frozen=True)
class Presentation:
    exhibit_id: int
    file_id: int
    label: str
    """As the court numbers it, e.g. "原告证据1"."""
    title: str
    media_type: str
    participant_id: int | None
    """Who presented it."""
    start: datetime
    end: datetime
    pages: tuple[tuple[datetime, int], ...] = field(default=())
    """The page shown from each instant on, the first at `start` (a PDF's)."""
    playback: tuple[tuple[datetime, bool, float], ...] = field(default=())
    """Playing (True) or paused from each instant on, and the position then (seconds into the
    clip); none logged: not started (an audio or video exhibit's)."""

    @property
    def heading(self) -> str:
        """How the archive names it, e.g. "原告证据1 合同"."""
        return f"{self.label} {self.title}".strip()


@dataclass(frozen=True)
class Share:
    participant_id: int | None
    track_id: int | None
    start: datetime
    end: datetime


def presentations(events: Iterable[HearingEvent], end: datetime) -> list[Presentation]:
    """The presentations in `events` (in time order), each until it stopped or `end`."""
    done: list[Presentation] = []
    current: Presentation | None = None
    for event in events:
        if event.at >= end:
            break
        data = event.data or {}
        exhibit_id, file_id = _int(data, "exhibit_id"), _int(data, "file_id")
        if event.kind == "exhibit_presented" and exhibit_id is not None and file_id is not None:
            if current is not None:
                done.append(replace(current, end=event.at))
            page = _int(data, "page")
            current = Presentation(
                exhibit_id=exhibit_id,
                file_id=file_id,
                label=_text(data, "label"),
                title=_text(data, "title"),
                media_type=_text(data, "media_type"),
                participant_id=_int(data, "participant_id"),
                start=event.at,
                end=end,
                pages=((event.at, page),) if page is not None else (),
            )
        elif current is None or (exhibit_id, file_id) != (current.exhibit_id, current.file_id):
            continue
        elif event.kind == "presentation_page" and (page := _int(data, "page")) is not None:
            current = replace(current, pages=(*current.pages, (event.at, page)))
        elif event.kind == "presentation_playback" and isinstance(data.get("playing"), bool):
            position = data.get("position")
            at = float(position) if isinstance(position, int | float) and position >= 0 else 0.0
            change = (event.at, bool(data["playing"]), at)
            current = replace(current, playback=(*current.playback, change))
        elif event.kind == "presentation_stopped":
            done.append(replace(current, end=event.at))
            current = None
    if current is not None:
        done.append(current)
    return [p for p in done if p.end > p.start]


def shares(events: Sequence[HearingEvent], end: datetime) -> list[Share]:
    """The screens shared in `events` (in time order), each until stopped or `end`."""
    done: list[Share] = []
    sharing: dict[int | None, Share] = {}
    for event in events:
        if event.at >= end:
            break
        data = event.data or {}
        who = _int(data, "participant_id")
        if event.kind == "share_started":
            if who in sharing:
                done.append(replace(sharing.pop(who), end=event.at))
            sharing[who] = Share(who, _int(data, "track_id"), event.at, end)
        elif event.kind == "share_stopped" and who in sharing:
            done.append(replace(sharing.pop(who), end=event.at))
    done.extend(sharing.values())
    return sorted((s for s in done if s.end > s.start), key=lambda s: s.start)


def _int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""
