"""Writing a live hearing's timeline: every change, who made it, from what to what.

The timeline is the hearing's own record (the archive is built from it); what it writes here
goes to the store at once, and a line naming only the kind of change goes to the log.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from court.presence import Presence
from signaling.room import Presentation, Room
from signaling.store import HearingStore, TimelineEvent

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    """The time the timeline's events, messages and alerts are stamped with."""
    return datetime.now(UTC)


class Timeline:
    def __init__(self, room: Room, store: HearingStore) -> None:
        self.room = room
        self.store = store
        self._consultations: set[frozenset[int]] = set()
        """The private consultations the timeline has as going on."""
        self._share: tuple[int, str | None] | None = None
        """The screen share the timeline has as going on: (sharer, their screen's track id)."""
        self._presentation: Presentation | None = None
        """The presentation the timeline has as going on."""

    async def record(
        self,
        kind: str,
        actor: str,
        was: str | None = None,
        now: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        # a consultation or screen share the change ended (someone in it left, was sent back,
        # removed) goes first: the member's own event then says where they went from there
        await self.record_consultations(actor)
        await self.record_share(actor)
        await self.record_presentation(actor)
        await self._write(kind, actor, was, now, data)

    async def record_consultations(self, actor: str) -> None:
        """Put on the timeline each private consultation that began or ended since the last
        event, with who was in it (the archive shows them absent for that time)."""
        groups = {m.consultation for m in self.room.members.values() if m.consultation}
        ended, began = self._consultations - groups, groups - self._consultations
        self._consultations = groups
        for group in ended:
            data = {"participant_ids": sorted(group)}
            await self._write(
                "consultation_ended", actor, Presence.IN_CONSULTATION, Presence.IN_HEARING, data
            )
        for group in began:
            data = {"participant_ids": sorted(group)}
            await self._write(
                "consultation_started", actor, Presence.IN_HEARING, Presence.IN_CONSULTATION, data
            )

    async def record_share(self, actor: str) -> None:
        """Put on the timeline the screen share that ended or began since the last event: who
        shared, and the track it is recorded as (``share_stopped``, ``share_started``)."""
        sharer = self.room.sharer
        share = None if sharer is None else (sharer, self.room.members[sharer].screen_track)
        if share == self._share:
            return
        ended, self._share = self._share, share
        for kind, change in (("share_stopped", ended), ("share_started", share)):
            if change is not None:
                member_id, track_id = change
                data = {"participant_id": member_id, "track_id": track_id}
                await self._write(kind, actor, None, None, data)

    async def record_presentation(self, actor: str) -> None:
        """Put on the timeline the presentation that ended or began since the last event: which
        exhibit's file, by whom, from which page (``presentation_stopped``,
        ``exhibit_presented``; page changes and playback are written as they happen)."""
        presentation = self.room.presentation
        if presentation is self._presentation:
            return
        ended, self._presentation = self._presentation, presentation
        if ended is not None:
            stopped = {"exhibit_id": ended.file.exhibit_id, "file_id": ended.file.file_id}
            await self._write("presentation_stopped", actor, None, None, stopped)
        if presentation is not None:
            shown = presentation.file
            data: dict[str, Any] = {
                "exhibit_id": shown.exhibit_id,
                "file_id": shown.file_id,
                "label": shown.label,
                "title": shown.title,
                "media_type": shown.media_type,
                "page": presentation.view.page,
                "participant_id": presentation.presenter_id,
            }
            await self._write("exhibit_presented", actor, None, None, data)

    async def _write(
        self,
        kind: str,
        actor: str,
        was: str | None,
        now: str | None,
        data: dict[str, Any] | None,
    ) -> None:
        event = TimelineEvent(
            kind=kind, actor=actor, from_value=was, to_value=now, data=data, at=utcnow()
        )
        await self.store.record(self.room.hearing_id, event)
        # the kind and the change only: names stay in the timeline, out of the logs
        log.info("hearing %s: %s %s -> %s", self.room.hearing_id, kind, was or "", now or "")
