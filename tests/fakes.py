"""In-memory stand-ins for what a test is not about: the database behind a live hearing, a socket."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from court.states import HearingState
from court.votes import Choice
from signaling.store import (
    AuthenticationError,
    ExhibitUrls,
    HearingRecord,
    Identity,
    IdentityCheck,
    MotionRecord,
    ShownFile,
    TimelineEvent,
)

PDF_EXHIBIT = ShownFile(
    1, "原告证据1", "Plaintiff's exhibit 1", "借款合同", 1, "application/pdf", "合同.pdf", 3
)
"""The exhibit file the memory store lets anyone present: a PDF of three pages."""


class MemoryStore:
    """A HearingStore that keeps one hearing in memory."""

    def __init__(self, record: HearingRecord) -> None:
        self.record_ = record
        self.events: list[TimelineEvent] = []
        self.saved: list[tuple[HearingState, str | None]] = []
        self.staggered: set[int] = set()
        """Hearings held in stages and not turned live."""
        self.exhibits: dict[tuple[int, int], ShownFile] = {(1, 1): PDF_EXHIBIT}
        """(exhibit id, file id): what may be presented."""
        self.shown: list[int] = []
        """The exhibits marked shown in court, in order."""
        self.checks: list[IdentityCheck] = []
        self.presiding: list[int] = []
        """Who presides, as each hand-over saved it."""
        self.motions: dict[int, MotionRecord] = {}
        """A creditors' meeting's motions (with the claim table) by id."""

    async def load(self, hearing_id: int) -> HearingRecord | None:
        return self.record_ if hearing_id == self.record_.id else None

    async def identify(
        self, hearing_id: int, invitation: str | None, cookies: dict[str, str]
    ) -> Identity:
        raise AuthenticationError("unsupported", "the memory store identifies nobody")

    async def record(self, hearing_id: int, event: TimelineEvent) -> None:
        self.events.append(event)

    async def save_state(self, hearing_id: int, state: HearingState, phase: str | None) -> None:
        self.saved.append((state, phase))

    async def staggered_under_way(self, hearing_id: int) -> bool:
        return hearing_id in self.staggered

    async def save_presiding(self, hearing_id: int, participant_id: int) -> None:
        self.presiding.append(participant_id)

    async def record_identity_check(
        self, hearing_id: int, verifier: Identity, check: IdentityCheck
    ) -> int:
        self.checks.append(check)
        return len(self.checks)

    async def load_motion(self, hearing_id: int, motion_id: int) -> MotionRecord | None:
        return self.motions.get(motion_id) if hearing_id == self.record_.id else None

    async def open_motion(self, motion: MotionRecord) -> bool:
        if self.motions[motion.id].state != "draft":
            return False
        self.motions[motion.id] = replace(motion, state="open")
        return True

    async def cast_ballot(
        self,
        motion_id: int,
        creditor_id: int,
        cast_by_id: int,
        choice: Choice,
        opinion: str | None = None,
    ) -> bool:
        motion = self.motions[motion_id]
        if creditor_id in motion.ballots:
            return False
        motion.ballots[creditor_id] = choice
        if opinion is not None:
            motion.opinions[creditor_id] = opinion
        return True

    async def close_motion(self, motion_id: int, result: dict[str, object]) -> None:
        self.motions[motion_id] = replace(self.motions[motion_id], state="closed", result=result)

    async def shown_file(
        self, hearing_id: int, presenter: Identity, exhibit_id: int, file_id: int
    ) -> ShownFile | None:
        return self.exhibits.get((exhibit_id, file_id))

    async def mark_shown(self, exhibit_id: int) -> None:
        self.shown.append(exhibit_id)

    def exhibit_urls(self, file_id: int, participant_id: int) -> ExhibitUrls:
        link = f"link={file_id}-{participant_id}"
        return ExhibitUrls(
            f"/files/{file_id}?{link}", f"/files/{file_id}/pages/{{page}}?width={{width}}&{link}"
        )


class RecordingLink:
    """A connection that keeps what it was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []
        self.closed: str | None = None

    async def emit(self, event: str, data: Any) -> None:
        self.sent.append((event, data))

    async def close(self, reason: str) -> None:
        self.closed = reason

    def last(self, event: str) -> Any:
        return next(data for name, data in reversed(self.sent) if name == event)
