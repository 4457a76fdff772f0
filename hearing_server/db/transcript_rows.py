"""The transcript's rows (docs/architecture.md#transcript): each entry the bench wrote or is
writing, and every version of it. An entry is never deleted: a correction is a new version,
and the old one stays in ``transcript_revisions``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearing_server.db.models import Base, _enum, utcnow


class EntryState(StrEnum):
    DRAFT = "draft"
    """The writer's unfinished entry, saved as they type (one per writer and hearing)."""
    COMMITTED = "committed"
    """Part of the record, numbered."""


class TranscriptEntry(Base):
    __tablename__ = "transcript_entries"
    __table_args__ = (
        UniqueConstraint("hearing_id", "key"),
        UniqueConstraint("hearing_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    """The id the writer's client gave the entry when it was begun: a commit sent twice (a
    retry after a dropped connection) makes one entry."""
    seq: Mapped[int | None]
    """The entry's number in the record; none while it is a draft."""
    state: Mapped[EntryState] = mapped_column(_enum(EntryState, "transcript_entry_state"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    """Who spoke: a participant of the hearing, or none for the court."""
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    """The moment of the hearing (and so of its recording) the entry belongs to."""
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    """Who wrote the current version (the draft's writer)."""
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Every UPDATE says ``WHERE version = <the version read>``: of two corrections made from the
    # same version at the same moment, the second changes no row and fails (StaleDataError), in
    # any process. The code sets the new version itself (a draft keeps its own).
    __mapper_args__ = {  # noqa: RUF012 (SQLAlchemy reads it from the class)
        "version_id_col": version,
        "version_id_generator": False,
    }


class TranscriptRevision(Base):
    """One committed version of an entry, the first included."""

    __tablename__ = "transcript_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("transcript_entries.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
