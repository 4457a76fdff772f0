"""A mediation agreement and its signatures (court/agreement.py). Nothing is overwritten but the
text, whose every version is on the timeline by digest; a signature of an earlier text stays."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hearing_server.db.models import Base, utcnow


class AgreementRow(Base):
    __tablename__ = "agreements"

    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    """1 for the first text, one more for each change (a change names the version it edits)."""
    written_by: Mapped[str] = mapped_column(String(300))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(300))
    sealed_sha256: Mapped[str | None] = mapped_column(String(64))
    """The SHA-256 of the agreement's document sealed with the hearing's recording."""


class AgreementSignature(Base):
    """One signature: the name written, the picture drawn (in the row, as the transcript's), the
    digest of the text read."""

    __tablename__ = "agreement_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.hearing_id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_by: Mapped[str] = mapped_column(String(300))
    image: Mapped[bytes] = mapped_column(LargeBinary)
    image_sha256: Mapped[str] = mapped_column(String(64))
