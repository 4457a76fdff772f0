"""A staggered hearing's records (docs/architecture.md#staggered-hearings): its stages and their
extensions, when it started, the participants' turns (a text, or a video statement stored
under the hearing's recordings with its SHA-256), the uploads on their way, and the court's
questions (written, or recorded by the bench and kept likewise) with theirs. One turn per person and stage, by constraint (a correction names the turn
it corrects and is itself kept); one ``deadline_missed`` per person and stage, likewise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from court.staggered import StageKind, Visibility
from hearing_server.db.models import Base, _enum, utcnow


class StageRow(Base):
    __tablename__ = "staggered_stages"
    __table_args__ = (UniqueConstraint("hearing_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    """Its place in the hearing, from 1."""
    kind: Mapped[StageKind] = mapped_column(_enum(StageKind, "stage_kind"))
    title: Mapped[str | None] = mapped_column(String(200))
    participant_ids: Mapped[list[int]] = mapped_column(JSON)
    """Who acts in it (JSON list of participant ids of the hearing)."""
    opens_at: Mapped[datetime]
    deadline: Mapped[datetime]
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, "stage_visibility"))
    closed_at: Mapped[datetime | None]
    """When the court or the deadline closed it (cleared by a later extension)."""
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def facts(self) -> dict[str, object]:
        """The stage as its timeline events name it, so the transcript words each event alone
        (court/staggered_record.py)."""
        return {"stage_seq": self.seq, "stage_kind": str(self.kind), "stage_title": self.title}


class StageExtension(Base):
    __tablename__ = "staggered_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("staggered_stages.id", ondelete="CASCADE"), index=True
    )
    previous: Mapped[datetime]
    deadline: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class StaggeredStart(Base):
    """When the court started the hearing in staggered form (everyone having consented)."""

    __tablename__ = "staggered_starts"

    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by: Mapped[str] = mapped_column(String(300))
    live_at: Mapped[datetime | None]
    """When the court turned it into a live hearing (the same hearing, opened as any live
    one); None while it is staggered. A hearing turned live before its start has a row made
    then, started at that moment by the court."""


class TurnRow(Base):
    __tablename__ = "staggered_turns"
    __table_args__ = (
        UniqueConstraint("corrects_id"),
        Index(
            "uq_staggered_turns_first",
            "stage_id",
            "participant_id",
            unique=True,
            sqlite_where=text("corrects_id IS NULL"),
            postgresql_where=text("corrects_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("staggered_stages.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    """text or video."""
    text: Mapped[str | None] = mapped_column(Text)
    media_path: Mapped[str | None] = mapped_column(Text)
    """Its key in the recordings' storage (under the hearing's folder)."""
    media_type: Mapped[str | None] = mapped_column(String(64))
    duration_s: Mapped[float | None] = mapped_column(Float)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    """Of the file's bytes, or of the text in UTF-8."""
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("staggered_turns.id", ondelete="CASCADE")
    )
    """The turn this one corrects (one correction each: a later one corrects the last)."""
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class TurnUpload(Base):
    """A video statement on its way: its bytes wait in the uploads folder under this row's id
    (``turn-<id>.part``); only who started it continues it."""

    __tablename__ = "staggered_turn_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("staggered_stages.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    media_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("staggered_turns.id", ondelete="CASCADE")
    )
    turn_id: Mapped[int | None] = mapped_column(
        ForeignKey("staggered_turns.id", ondelete="SET NULL")
    )
    """The turn it became."""
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class QuestionRow(Base):
    __tablename__ = "staggered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("staggered_stages.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    """What it asks in words (a recorded question's too: for the record, and for whoever cannot
    play a video)."""
    asked_by: Mapped[str] = mapped_column(String(300))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    media_path: Mapped[str | None] = mapped_column(Text)
    """A recorded question's key in the recordings' storage
    (``hearing-{id}/questions/{sha256}.{ext}``); null for a written one, as are the four below."""
    media_type: Mapped[str | None] = mapped_column(String(64))
    duration_s: Mapped[float | None] = mapped_column(Float)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    """Of the recorded file's bytes as they arrived."""


class QuestionUpload(Base):
    """A recorded question on its way: its bytes wait in the uploads folder
    (``questions/<id>.part``); only the staff member who started it continues it. The question
    is asked (on the record) when the last byte arrived and the file was found playable."""

    __tablename__ = "staggered_question_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("staggered_stages.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    """Who is asked."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    """The judge or clerk who records it."""
    text: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("staggered_questions.id", ondelete="SET NULL")
    )
    """The question it became."""
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class MissedDeadline(Base):
    """A listed participant without a turn when the stage's deadline passed (once each)."""

    __tablename__ = "staggered_missed"
    __table_args__ = (UniqueConstraint("stage_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("staggered_stages.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    deadline: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
