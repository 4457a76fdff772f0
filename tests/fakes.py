"""In-memory stand-ins for what a test is not about: the database behind a live hearing, a socket."""

from __future__ import annotations

from typing import Any

from court.states import HearingState
from signaling.store import AuthenticationError, HearingRecord, Identity, TimelineEvent


class MemoryStore:
    """A HearingStore that keeps one hearing in memory."""

    def __init__(self, record: HearingRecord) -> None:
        self.record_ = record
        self.events: list[TimelineEvent] = []
        self.saved: list[tuple[HearingState, str | None]] = []
        self.verified: list[int] = []

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

    async def mark_verified(self, participant_id: int, verifier: Identity) -> None:
        self.verified.append(participant_id)


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
