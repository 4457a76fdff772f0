"""What the live layer needs from the server around it, as small interfaces.

The live hearing persists its timeline and checks credentials through these, so it
never imports the database or HTTP code (``hearing_server`` implements them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from court.kinds import HearingKind
from court.protocol import ConsentView
from court.roles import Role
from court.states import HearingState
from court.votes import Choice, Claim


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    role: Role
    name: str
    side: str | None = None
    represents_id: int | None = None
    identity_verified: bool = False
    admitted: bool = False
    """Admitted, as the timeline last says (sent back, left or removed since: False)."""
    removed: bool = False
    bench_muted: bool = False
    """Muted by the bench, as the timeline last says."""
    consent: ConsentView | None = None
    """Their latest answer on taking part online (None: their role is not asked)."""
    presiding: bool = False
    """A judge marked as presiding (court/bench.py decides when none or several are)."""
    interprets: str | None = None
    """An interpreter's language pair (court/interpretation.py)."""


@dataclass(frozen=True)
class MotionRecord:
    """A motion (a deliberation's question) as its vote stands (docs/architecture.md#votes)."""

    id: int
    seq: int
    title: str
    rule: str
    state: str
    """draft (not voted on yet), open or closed."""
    claims: tuple[Claim, ...] = ()
    """The hearing's claim table (it cannot change while a vote is open)."""
    ballots: dict[int, Choice] = field(default_factory=dict)
    """Creditor's (a deliberation: voting member's) participant id → their ballot."""
    opinions: dict[int, str] = field(default_factory=dict)
    """A deliberation's ballots: voting member's participant id → their opinion."""
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    result: dict[str, Any] | None = None
    """Once closed: court/vote_record.py's ``result_data``."""


@dataclass(frozen=True)
class HearingRecord:
    id: int
    kind: HearingKind
    public: bool
    state: HearingState
    phase: str | None
    participants: list[ParticipantRecord] = field(default_factory=list)
    vote: MotionRecord | None = None
    """The motion last opened for a vote (open or closed), if any."""


@dataclass(frozen=True)
class TimelineEvent:
    """One row of the hearing's timeline: who did what, from which value to which."""

    kind: str
    actor: str
    from_value: str | None = None
    to_value: str | None = None
    data: dict[str, Any] | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Identity:
    """Who a connection speaks for, established from its credentials."""

    hearing_id: int
    participant_id: int
    role: Role
    name: str
    label: str
    """How the timeline names them (e.g. ``participant:12:张三``)."""
    expires_at: datetime | None = None
    """When the invitation they connected with stops working (None: staff and terminals)."""


@dataclass(frozen=True)
class ShownFile:
    """An exhibit's file as put on the courtroom's screen: what everyone in the hearing is told
    of it (the pictures themselves come from the REST API, through signed links)."""

    exhibit_id: int
    label: str
    """Its name in its side's list, in Chinese (原告证据1)."""
    label_en: str
    """The same in English ("Plaintiff's exhibit 1")."""
    title: str
    file_id: int
    media_type: str
    display_name: str
    pages: int | None
    """A PDF's pages, 1 for an image, None for audio and video."""


@dataclass(frozen=True)
class ExhibitUrls:
    """Links to a file's bytes and its pages' pictures that work for one person alone."""

    file_url: str
    page_url: str
    """With ``{page}`` and ``{width}`` to replace."""


@dataclass(frozen=True)
class IdentityCheck:
    """One identity check as the bench made it (court/identity.py): the document the clerk read,
    the last digits of its number, and the still the server took of the person, or why none."""

    participant_id: int
    document_type: str
    digits: str
    still: bytes | None
    """A JPEG of the person's camera, decoded by the server from the video it forwards."""
    width: int = 0
    height: int = 0
    no_still: str | None = None
    """Why there is no still (no camera, no keyframe in time, ...)."""


class AuthenticationError(Exception):
    """The credentials do not admit this connection; ``code`` and the message say why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class HearingStore(Protocol):
    async def load(self, hearing_id: int) -> HearingRecord | None:
        """The hearing and its participants, or None if there is no such hearing."""

    async def identify(
        self, hearing_id: int, invitation: str | None, cookies: dict[str, str]
    ) -> Identity:
        """The participant these credentials speak for in this hearing; raises AuthenticationError."""

    async def record(self, hearing_id: int, event: TimelineEvent) -> None:
        """Append to the hearing's timeline."""

    async def save_state(self, hearing_id: int, state: HearingState, phase: str | None) -> None:
        """Persist the hearing's state and phase (after the timeline event that changed them)."""

    async def staggered_under_way(self, hearing_id: int) -> bool:
        """Whether the hearing is being held in stages and was not turned live: its live room
        may not open until it is (a live seal would leave the staggered part out)."""

    async def save_presiding(self, hearing_id: int, participant_id: int) -> None:
        """Persist who presides (after the timeline event of the hand-over)."""

    async def record_identity_check(
        self, hearing_id: int, verifier: Identity, check: IdentityCheck
    ) -> int:
        """Keep the check (and its still) and mark the participant verified; returns its id."""

    async def load_motion(self, hearing_id: int, motion_id: int) -> MotionRecord | None:
        """The hearing's motion with the claim table as it stands; None if it has none such."""

    async def open_motion(self, motion: MotionRecord) -> bool:
        """Open the vote on a draft motion; False if it was not a draft any more (another
        process, a double tap)."""

    async def cast_ballot(
        self,
        motion_id: int,
        creditor_id: int,
        cast_by_id: int,
        choice: Choice,
        opinion: str | None = None,
    ) -> bool:
        """Keep a ballot (a deliberation's, with its author's opinion); False if that voter's
        ballot on the motion is kept already."""

    async def close_motion(self, motion_id: int, result: dict[str, Any]) -> None:
        """Close the vote, keeping its result."""

    async def shown_file(
        self, hearing_id: int, presenter: Identity, exhibit_id: int, file_id: int
    ) -> ShownFile | None:
        """The exhibit's file if ``presenter`` may put it on screen in this hearing (an exhibit
        of the hearing's case, not withdrawn, that they see); None otherwise."""

    async def mark_shown(self, exhibit_id: int) -> None:
        """The exhibit is on screen in court: from now on everyone in the case sees it."""

    def exhibit_urls(self, file_id: int, participant_id: int) -> ExhibitUrls:
        """Signed links to the file for the participant (their seat in this hearing, whoever
        they are: a party, the judge, a detention terminal); cheap, no I/O."""
