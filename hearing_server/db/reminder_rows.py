"""Reminders to a staggered hearing's participants who have not acted in an open stage
(docs/architecture.md#staggered-hearings, hearing_server/stage_reminders.py). There is no mail
or SMS yet: a reminder is delivered on the person's invitation page, and kept here and on the
timeline. The deadline sweep's reminder (``by`` null) is made once per person, stage and reason,
by a partial unique index, so that processes sweeping at once record it once; the bench's own
(``by`` the bench member) may be repeated."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from hearing_server.db.models import Base, utcnow

ReminderReason = Literal["turn", "question"]
"""``turn``: no statement submitted in the stage; ``question``: a question of the court to them
in it is unanswered."""


class ReminderRow(Base):
    __tablename__ = "staggered_reminders"
    __table_args__ = (
        Index(
            "uq_staggered_reminders_sweep",
            "stage_id",
            "participant_id",
            "reason",
            unique=True,
            sqlite_where=text("by IS NULL"),
            postgresql_where=text("by IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("staggered_stages.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))
    """A ``ReminderReason``."""
    deadline: Mapped[datetime]
    """The stage's deadline they were reminded of."""
    by: Mapped[str | None] = mapped_column(String(300))
    """The bench member who reminded them, as the timeline names them; null: the sweep."""
    at: Mapped[datetime] = mapped_column(default=utcnow)
