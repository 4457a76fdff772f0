"""A mediation sitting and its queue of cases (court/sitting.py): each case is a hearing of its
own, in at most one sitting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearing_server.db.models import Base, utcnow


class SittingRow(Base):
    __tablename__ = "sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    starts_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SittingCase(Base):
    __tablename__ = "sitting_cases"
    __table_args__ = (UniqueConstraint("sitting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(
        ForeignKey("sittings.id", ondelete="CASCADE"), index=True
    )
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), unique=True
    )
    position: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="queued")
    called_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
