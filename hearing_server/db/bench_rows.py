"""Judges of other courts on one hearing's panel (docs/architecture.md#bench)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hearing_server.db.models import Base, utcnow


class BenchGrant(Base):
    """The hearing's court lets a judge of another court sit on this one hearing's panel
    (docs/architecture.md#bench): their staff account sees the hearing, its case's exhibits and
    joins it live, through their seat, until the grant is revoked."""

    __tablename__ = "bench_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    granted_by: Mapped[str] = mapped_column(String(200))
    """The granting staff member, as the audit log names them."""
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]
