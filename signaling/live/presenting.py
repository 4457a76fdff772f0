"""Presenting an exhibit in a live hearing: one file on everyone's screen, in step with the
presenter (docs/architecture.md#presenting-an-exhibit).

The bench presents at any time in session; a participant once the judge gave them the floor
(``give_floor``). The presenter's moves (page, scroll, zoom, pointer, play and pause) reach
everyone in the hearing proper as ``present_view``, at most ``MOVES_PER_SECOND`` times a second:
moves in between are folded into the next, so a pointer dragged at 120 Hz or a hostile client
costs no more than that, and the last move always arrives. Start, stop and page changes are on
the timeline (``exhibit_presented``, ``presentation_page``, ``presentation_playback``,
``presentation_stopped``); scroll, zoom and pointer are not (they are the screen's, not the
record's). The waiting room and a consultation see nothing of it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from court.permissions import Action
from court.presence import Presence
from court.protocol import PresentedView, PresentViewOut
from signaling.background import BackgroundTasks
from signaling.live.audience import Audience
from signaling.live.refusals import ActionError, require
from signaling.live.timeline import Timeline, utcnow
from signaling.room import Room, RoomError
from signaling.store import HearingStore, Identity

MOVES_PER_SECOND = 30


class Presenting:
    def __init__(
        self,
        room: Room,
        store: HearingStore,
        timeline: Timeline,
        audience: Audience,
        tasks: BackgroundTasks,
    ) -> None:
        self.room = room
        self.store = store
        self.timeline = timeline
        self.audience = audience
        self.tasks = tasks
        self._sent_at = 0.0
        """When the last move went out (monotonic seconds)."""
        self._flush_pending = False
        """A move is waiting for its slot; the flush will send the latest view."""

    async def give_floor(self, actor: Identity, member_id: int, allowed: bool) -> None:
        require(self.room, actor, Action.GIVE_FLOOR)
        try:
            self.room.give_floor(member_id, allowed)
        except RoomError as exc:
            raise ActionError("refused", str(exc)) from exc
        kind = "floor_given" if allowed else "floor_taken"
        await self.timeline.record(kind, actor.label, data={"participant_id": member_id})
        await self.audience.broadcast()

    async def present(self, actor: Identity, exhibit_id: int, file_id: int, page: int) -> None:
        require(self.room, actor, Action.PRESENT_EXHIBIT)
        if not self.room.may_present(actor.participant_id):
            raise ActionError(
                "no_floor",
                "you can present once the judge gives you the floor, in the hearing in session",
            )
        shown = await self.store.shown_file(self.room.hearing_id, actor, exhibit_id, file_id)
        if shown is None:
            raise ActionError(
                "no_such_exhibit",
                f"exhibit {exhibit_id} has no file {file_id} you may present in this hearing",
            )
        if not 1 <= page <= (shown.pages or 1):
            raise ActionError("no_such_page", f"{shown.display_name} has no page {page}")
        try:  # the room may have changed while the store was asked
            presentation = self.room.start_presenting(actor.participant_id, shown, page, utcnow())
        except RoomError as exc:
            raise ActionError("no_floor", str(exc)) from exc
        presentation.moved_at = time.monotonic()
        await self.store.mark_shown(exhibit_id)
        await self.timeline.record_presentation(actor.label)
        await self.audience.broadcast()

    async def stop(self, actor: Identity) -> None:
        """The presenter or the bench takes the exhibit off the screen (nothing on it: no
        error, someone may have done so a moment before)."""
        presentation = self.room.presentation
        if presentation is None:
            return
        if presentation.presenter_id != actor.participant_id:
            require(self.room, actor, Action.STOP_SHARE)
        self.room.end_presenting()
        await self.timeline.record_presentation(actor.label)
        await self.audience.broadcast()

    async def move(self, actor: Identity, view: PresentedView) -> None:
        presentation = self.room.presentation
        if presentation is None or presentation.presenter_id != actor.participant_id:
            raise ActionError("not_presenting", "you are not presenting an exhibit")
        shown = presentation.file
        if view.page > (shown.pages or 1):
            raise ActionError("no_such_page", f"{shown.display_name} has no page {view.page}")
        if shown.pages is not None and (view.playing or view.position):
            raise ActionError("not_playable", f"{shown.display_name} is not audio or video")
        before = presentation.view
        presentation.view, presentation.seq = view, presentation.seq + 1
        presentation.moved_at = time.monotonic()
        self._schedule()
        data: dict[str, Any] = {"exhibit_id": shown.exhibit_id, "file_id": shown.file_id}
        # the client sends a position only as it plays, pauses or seeks
        if view.page != before.page:
            data["page"] = view.page
            await self.timeline.record("presentation_page", actor.label, data=data)
        elif (view.playing, view.position) != (before.playing, before.position):
            data.update(playing=view.playing, position=round(view.position, 3))
            await self.timeline.record("presentation_playback", actor.label, data=data)

    def _schedule(self) -> None:
        if self._flush_pending:
            return
        wait = self._sent_at + 1 / MOVES_PER_SECOND - time.monotonic()
        self._flush_pending = True
        self.tasks.spawn(self._flush(max(wait, 0.0)))

    async def _flush(self, wait: float) -> None:
        if wait > 0:
            await asyncio.sleep(wait)
        self._flush_pending = False
        self._sent_at = time.monotonic()
        presentation = self.room.presentation
        if presentation is None:
            return
        out = PresentViewOut(
            exhibit_id=presentation.file.exhibit_id,
            file_id=presentation.file.file_id,
            seq=presentation.seq,
            view=presentation.view,
        ).model_dump(mode="json")
        for member_id, link in list(self.audience.links.items()):
            member = self.room.members.get(member_id)
            if member is not None and member.presence is Presence.IN_HEARING:
                await link.emit("present_view", out)
