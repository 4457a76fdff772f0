"""Everyone connected to a live hearing, and what each is sent: the room as their place lets
them see it, and (the bench) alerts.

Connections are reached through :class:`Link`, so the live hearing knows nothing of socket.io.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

from court.kinds import RULES
from court.presence import Presence
from court.protocol import (
    MAX_POSITION,
    AlertOut,
    PresentationView,
    PresentedView,
    RecordingState,
    RoomView,
)
from court.states import HearingState
from court.vote_views import VoteView
from signaling.live.timeline import utcnow
from signaling.room import Presentation, Room
from signaling.room_view import member_view, visible_members
from signaling.router import MediaRouter
from signaling.store import HearingStore


class Link(Protocol):
    """One member's connection, as the live hearing uses it."""

    async def emit(self, event: str, data: Any) -> None: ...

    async def close(self, reason: str) -> None: ...


class Audience:
    def __init__(self, room: Room, router: MediaRouter, store: HearingStore) -> None:
        """``store``: signs the links to a presented exhibit's pictures for each member."""
        self.room = room
        self.router = router
        self.store = store
        self.links: dict[int, Link] = {}
        self.self_tests: dict[int, tuple[bool, bool, str]] = {}
        """Each member's last self-test (camera, microphone, network) while connected here."""
        self.recording_failed = False
        """The recording service reported a failure: the room shows it until close."""
        self.vote_view: Callable[[int], VoteView | None] = lambda _: None
        """A creditors' meeting's vote as a member is shown it (votes.py sets it)."""
        self._round: asyncio.Future[None] | None = None
        """The round of sending everyone the room under way (see ``broadcast``)."""
        self._stale = False
        """The room changed since the round under way began sending."""

    def missing_devices(self, member_id: int) -> frozenset[str]:
        """The devices the member's last self-test found unusable."""
        camera, microphone, _ = self.self_tests.get(member_id, (True, True, ""))
        return frozenset(
            name for name, works in (("camera", camera), ("microphone", microphone)) if not works
        )

    def view(self, member_id: int) -> RoomView:
        member = self.room.member(member_id)
        return RoomView(
            hearing_id=self.room.hearing_id,
            state=self.room.state,
            phase=self.room.phase,
            phases=list(RULES[self.room.kind].phases),
            recording=self.room.state is HearingState.IN_SESSION and not self.recording_failed,
            recording_state=self._recording_state(),
            you=member_view(
                member,
                self.missing_devices(member_id),
                self.router.paused_video(member_id),
                sharing_screen=self.room.sharer == member_id,
                consent=True,
            ),
            members=[
                member_view(
                    m,
                    self.missing_devices(m.id),
                    # whose connection is too weak for which video: the bench's concern only
                    self.router.paused_video(m.id) if member.on_bench else None,
                    sharing_screen=self.room.sharer == m.id,
                    consent=member.on_bench or m.id == member_id,
                )
                for m in visible_members(self.room, member)
            ],
            presentation=self._presentation(member_id),
            vote=self.vote_view(member_id),
        )

    def _presentation(self, member_id: int) -> PresentationView | None:
        """The exhibit on screen, for a member in the hearing proper."""
        presentation = self.room.presentation
        if presentation is None or self.room.member(member_id).presence is not Presence.IN_HEARING:
            return None
        shown, presenter = presentation.file, self.room.member(presentation.presenter_id)
        urls = self.store.exhibit_urls(shown.file_id, member_id)
        return PresentationView(
            exhibit_id=shown.exhibit_id,
            label=shown.label,
            label_en=shown.label_en,
            title=shown.title,
            file_id=shown.file_id,
            media_type=shown.media_type,
            name=shown.display_name,
            pages=shown.pages,
            presenter_id=presenter.id,
            presenter_name=presenter.name,
            since=presentation.since,
            seq=presentation.seq,
            view=_now(presentation),
            file_url=urls.file_url,
            page_url=urls.page_url,
        )

    def _recording_state(self) -> RecordingState:
        if self.recording_failed:
            return "failed"
        states: dict[HearingState, RecordingState] = {
            HearingState.IN_SESSION: "recording",
            HearingState.RECESS: "paused",
        }
        return states.get(self.room.state, "off")

    async def broadcast(self) -> None:
        """Send everyone connected their view of the room as it is now; return once they were.

        Coalesced: a call while a round of sending is under way marks the views stale and
        waits; the round then sends everyone the room again, once, however many calls came
        meanwhile. Twenty-five ballots cast at once cost two rounds, not twenty-five (a round is
        a view per member: uncoalesced, N voters made N² views and the last ballot's
        acknowledgement waited for all of them). A caller's own change is in the round it
        waits for, and a caller cancelled meanwhile does not cut a round short."""
        self._stale = True
        if self._round is None:
            self._round = asyncio.ensure_future(self._send_rounds())
        await asyncio.shield(self._round)

    async def _send_rounds(self) -> None:
        try:
            while self._stale:
                self._stale = False
                for member_id, link in list(self.links.items()):
                    if self.links.get(member_id) is not link:
                        continue  # gone meanwhile (left, removed, or the hearing closed)
                    await link.emit("room", self.view(member_id).model_dump(mode="json"))
        finally:
            self._round = None

    async def alert(
        self, kind: str, member_id: int | None, message: str, failed: list[str] | None = None
    ) -> None:
        if kind == "recording_failed" and not self.recording_failed:
            self.recording_failed = True  # everyone's room says so, not only the bench's alert
            await self.broadcast()
        alert = AlertOut.model_validate(
            {
                "kind": kind,
                "participant_id": member_id,
                "message": message,
                "at": utcnow(),
                "failed": failed or [],
            }
        )
        for bench_id in (m.id for m in self.room.members.values() if m.on_bench):
            link = self.links.get(bench_id)
            if link is not None:
                await link.emit("alert", alert.model_dump(mode="json"))


def _now(presentation: Presentation) -> PresentedView:
    """The presenter's view as it stands now: a clip playing since the last move has moved on
    (someone joining, or coming back from a consultation, starts where the others are)."""
    view = presentation.view
    if not view.playing:
        return view
    elapsed = time.monotonic() - presentation.moved_at
    return view.model_copy(update={"position": min(view.position + elapsed, MAX_POSITION)})
