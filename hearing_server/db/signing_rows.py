"""The transcript's confirmation rows (docs/architecture.md#transcript): signatures, refusals
to sign, correction requests and their answers, and the closing of the record. Nothing is
overwritten: a new signature after a correction is a new row, the stale one stays."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from court.transcript_signing import RecordedBy
from hearing_server.db.models import Base, _enum, utcnow


class TranscriptSignature(Base):
    """One signature: the picture the person drew, the name they wrote, the digest of the
    transcript they read. The PNG is kept in the row itself (at most 256 KiB, a few KiB as
    drawn): it is written in the same transaction as the signature, so there is never a
    signature without its picture nor a picture without its signature, and the PDF of the
    record reads both in one query."""

    __tablename__ = "transcript_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    """Their name as they wrote it beside the signature."""
    digest: Mapped[str] = mapped_column(String(64))
    """The SHA-256 of the transcript they confirmed (court.transcript_signing)."""
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_by: Mapped[str] = mapped_column(String(200))
    """Who sent it, as the audit log names them (an invitation, or a centre's terminal)."""
    image: Mapped[bytes] = mapped_column(LargeBinary)
    image_sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]


class TranscriptRefusal(Base):
    """A refusal to sign (拒绝签名), by the person or recorded by the court, with the time."""

    __tablename__ = "transcript_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    refused_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[RecordedBy] = mapped_column(_enum(RecordedBy, "refusal_recorded_by"))
    actor: Mapped[str] = mapped_column(String(200))
    """Who recorded it, as the audit log names them."""


class TranscriptCorrection(Base):
    """A person's request to correct the transcript, and the court's answer."""

    __tablename__ = "transcript_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcript_entries.id", ondelete="SET NULL")
    )
    """The entry it is about; none: the transcript as a whole (or something missing)."""
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted: Mapped[bool | None]
    """None until the court answers."""
    reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_by_name: Mapped[str | None] = mapped_column(String(200))


class TranscriptClosure(Base):
    """The court closed the record: one row per hearing, with the digest it was closed at."""

    __tablename__ = "transcript_closures"

    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
