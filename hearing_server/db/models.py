"""Typed SQLAlchemy 2 models for the entities of docs/architecture.md#data-model.

Times are stored as naive UTC and returned as aware UTC datetimes, so SQLite and
PostgreSQL behave the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from court.exhibits import Aspect, ExhibitSide, Opinion
from court.kinds import HearingKind
from court.roles import Role
from court.states import HearingState


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored naive."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware ones")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _enum(cls: type[Any], name: str) -> Enum:
    # Stored as plain strings (no native enum type) so migrations stay simple on both databases.
    return Enum(
        cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
    )


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON}


class Court(Base):
    __tablename__ = "courts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Courtroom(Base):
    __tablename__ = "courtrooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class User(Base):
    """A staff account: judge, clerk or court administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    court_id: Mapped[int | None] = mapped_column(ForeignKey("courts.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DetentionCentre(Base):
    __tablename__ = "detention_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Terminal(Base):
    """A fixed device in a detention centre, logging in with a device secret."""

    __tablename__ = "terminals"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(
        ForeignKey("detention_centres.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class AuthSession(Base):
    """A logged-in staff user or terminal; the cookie holds the token, we keep its hash."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    terminal_id: Mapped[int | None] = mapped_column(
        ForeignKey("terminals.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    cause: Mapped[str | None] = mapped_column(String(100))
    """The cause of action (案由): a public page shows it, never the title (it names parties)."""
    kind: Mapped[HearingKind] = mapped_column(_enum(HearingKind, "case_kind"))
    judge_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    hearings: Mapped[list[Hearing]] = relationship(
        back_populates="case", order_by="Hearing.scheduled_start"
    )


class Hearing(Base):
    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[HearingKind] = mapped_column(_enum(HearingKind, "hearing_kind"))
    title: Mapped[str] = mapped_column(String(500))
    scheduled_start: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    courtroom_id: Mapped[int | None] = mapped_column(ForeignKey("courtrooms.id"))
    public: Mapped[bool] = mapped_column(default=False)
    state: Mapped[HearingState] = mapped_column(
        _enum(HearingState, "hearing_state"), default=HearingState.SCHEDULED
    )
    phase: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="hearings")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="hearing", order_by="Participant.id"
    )


class Participant(Base):
    """One person's place in one hearing, with their personal invitation."""

    __tablename__ = "participants"
    __table_args__ = (Index("ix_participants_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role, "participant_role"))
    name: Mapped[str] = mapped_column(String(200))
    side: Mapped[str | None] = mapped_column(String(64))
    represents_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    detention_centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("detention_centres.id"), index=True
    )
    invitation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_expires_at: Mapped[datetime | None]
    invitation_revoked_at: Mapped[datetime | None]
    identity_verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    identity_verified_at: Mapped[datetime | None]
    presiding: Mapped[bool] = mapped_column(default=False, server_default=false())
    """The judge who presides (court/bench.py: the first judge when none is marked)."""
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    """Of their invitation: "zh" or "en" (else the court's)."""
    time_zone: Mapped[str | None] = mapped_column(String(64))
    """Their own IANA zone, when it is not the court's: their invitation shows both."""
    interprets: Mapped[str | None] = mapped_column(String(16))
    """An interpreter's language pair, e.g. ``zh-en`` (court/interpretation.py)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    hearing: Mapped[Hearing] = relationship(back_populates="participants")


class ConsentAnswer(Base):
    """One answer of a participant on taking part online (court/consent.py). Every answer is
    kept; the latest counts."""

    __tablename__ = "consent_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    agreed: Mapped[bool]
    notice_version: Mapped[str] = mapped_column(String(32))
    """The words of the notice they answered (court/consent.py NOTICE_VERSION)."""
    at: Mapped[datetime] = mapped_column(default=utcnow)


class HearingEvent(Base):
    """One entry of a hearing's timeline: who did what, when, from which value to which."""

    __tablename__ = "hearing_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(200))
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any] | None]


class Recording(Base):
    """A hearing's recording. Its paths (and its segments') are keys in the recordings storage
    (relative POSIX paths under ``recordings_dir``), as the sealed manifest names them."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id"), index=True)
    state: Mapped[str] = mapped_column(String(32), default="idle")
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    archive_path: Mapped[str | None] = mapped_column(Text)
    archive_sha256: Mapped[str | None] = mapped_column(String(64))
    manifest_path: Mapped[str | None] = mapped_column(Text)
    render_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    """Times the archive render was started (a crash or a failure makes another)."""
    render_state: Mapped[str | None] = mapped_column(String(16))
    """None before the first render; rendering, done, or failed (given up after the last
    allowed attempt)."""
    transcript_path: Mapped[str | None] = mapped_column(Text)
    """The transcript's PDF once sealed into the manifest (hearing_server/records/transcript_seal.py)."""
    transcript_sha256: Mapped[str | None] = mapped_column(String(64))


class Track(Base):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        ForeignKey("recordings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), server_default="camera")
    """"camera" (a camera or microphone) or "screen" (a shared screen, which the archive keeps
    apart from the sharer's camera)."""
    codec: Mapped[str] = mapped_column(String(32))
    anchor_at: Mapped[datetime | None]


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None]
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class RecordingGrant(Base):
    """The court's leave for one participant (a party, agent, counsel...) to retrieve one
    recording of their hearing; judges and clerks need none."""

    __tablename__ = "recording_grants"
    __table_args__ = (UniqueConstraint("recording_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        ForeignKey("recordings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    granted_by: Mapped[str] = mapped_column(String(200))
    """The granting staff member, as the audit log names them."""
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceExchange(Base):
    """When a case's exhibits are exchanged between the sides: at the deadline the judge set,
    or when the judge opens the exchange, whichever comes first. One row per case, not per
    hearing: exhibits belong to the case, and what a side has seen it cannot unsee."""

    __tablename__ = "evidence_exchanges"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    deadline: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    set_by: Mapped[str] = mapped_column(String(200))
    """The judge who last set the deadline or opened the exchange, as the audit log names them."""


class Exhibit(Base):
    """One exhibit of a case, numbered in its side's list (原告证据1). Withdrawing it keeps the
    row (and its number); files and opinions refer to it."""

    __tablename__ = "exhibits"
    __table_args__ = (UniqueConstraint("case_id", "side", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    side: Mapped[ExhibitSide] = mapped_column(_enum(ExhibitSide, "exhibit_side"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    purpose: Mapped[str] = mapped_column(Text)
    """What it is meant to prove (证明目的)."""
    submitted_by_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_by: Mapped[str] = mapped_column(String(200))
    """The submitter's name as shown to the court."""
    submitted_by_role: Mapped[Role] = mapped_column(_enum(Role, "exhibit_submitter_role"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    first_shown_at: Mapped[datetime | None]
    """When it was first put on screen in one of the case's hearings: from then on everyone
    taking part sees it, as after the exchange (court.exhibits.sees_exhibit)."""


class ExhibitFile(Base):
    """One file of an exhibit, stored once by its SHA-256 (the upload step fills this in)."""

    __tablename__ = "exhibit_files"
    __table_args__ = (UniqueConstraint("exhibit_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(
        ForeignKey("exhibits.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    """Its place among the exhibit's files, from 1."""
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    original_name: Mapped[str] = mapped_column(Text)
    """The name the file was uploaded with, exactly as given (shown, never used as a path)."""
    display_name: Mapped[str] = mapped_column(String(500))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    pages: Mapped[int | None]
    """A PDF's page count, 1 for an image, None for audio and video."""
    notarised_sha256: Mapped[str | None] = mapped_column(String(64))
    """The SHA-256 a notary (a blockchain evidence platform) certified for the file, as the
    submitter gave it (lower case); compared with the file's own."""
    notary: Mapped[str | None] = mapped_column(String(200))
    """Who certified it: the platform and the certificate's number, as given."""


class ExhibitUpload(Base):
    """A file on its way into an exhibit. Its bytes so far wait in the uploads folder, named
    by this row's id, until the last one arrives. Only who started it continues it."""

    __tablename__ = "exhibit_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(
        ForeignKey("exhibits.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    original_name: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    notarised_sha256: Mapped[str | None] = mapped_column(String(64))
    """The SHA-256 a notary (a blockchain evidence platform) certified for the file, as the
    submitter gave it (lower case); compared with the file's own."""
    notary: Mapped[str | None] = mapped_column(String(200))
    """Who certified it: the platform and the certificate's number, as given."""
    """As declared when the upload started: no byte past it is taken."""
    exhibit_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibit_files.id", ondelete="SET NULL")
    )
    """The file it became, once the last byte arrived and the file was accepted (the row
    stays until it expires, so a client that missed that answer can still ask)."""
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ExhibitOpinion(Base):
    """One party's opinion on one aspect of an exhibit of another side (质证). A change
    overwrites the row; the timeline keeps every opinion given."""

    __tablename__ = "exhibit_opinions"
    __table_args__ = (UniqueConstraint("exhibit_id", "party_id", "aspect"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(
        ForeignKey("exhibits.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    """The participant whose opinion it is (a party, a prosecutor, a detainee)."""
    given_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    """Who recorded it: the party, or their lawyer."""
    aspect: Mapped[Aspect] = mapped_column(_enum(Aspect, "exhibit_aspect"))
    opinion: Mapped[Opinion] = mapped_column(_enum(Opinion, "exhibit_opinion"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what to which record, when, from where."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None]


class IdentityCheckRow(Base):
    """One identity check the bench made (docs/architecture.md#identity-check): the document
    read, the last digits of its number, and the still the server took, stored once under its
    SHA-256 in the recordings' storage (none: `no_still` says why)."""

    __tablename__ = "identity_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    document_type: Mapped[str] = mapped_column(String(32))
    digits: Mapped[str] = mapped_column(String(8))
    checked_by: Mapped[str] = mapped_column(String(200))
    """The bench member, as the timeline names them."""
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    still_sha256: Mapped[str | None] = mapped_column(String(64))
    still_bytes: Mapped[int | None] = mapped_column(BigInteger)
    still_width: Mapped[int | None]
    still_height: Mapped[int | None]
    no_still: Mapped[str | None] = mapped_column(Text)


# The transcript's tables and the bench grants have their own modules; importing them here puts
# them in Base.metadata for all that read the schema from this one (the migrations, their check).
from hearing_server.db import agreement_rows as _agreement_rows  # noqa: E402, F401
from hearing_server.db import bench_rows as _bench_rows  # noqa: E402, F401
from hearing_server.db import delivery_rows as _delivery_rows  # noqa: E402, F401
from hearing_server.db import reminder_rows as _reminder_rows  # noqa: E402, F401
from hearing_server.db import signing_rows as _signing_rows  # noqa: E402, F401
from hearing_server.db import sitting_rows as _sitting_rows  # noqa: E402, F401
from hearing_server.db import staggered_rows as _staggered_rows  # noqa: E402, F401
from hearing_server.db import transcript_rows as _transcript_rows  # noqa: E402, F401
from hearing_server.db import vote_rows as _vote_rows  # noqa: E402, F401
