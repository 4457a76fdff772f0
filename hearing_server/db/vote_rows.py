"""A creditors' meeting's votes (docs/architecture.md#votes): each creditor's claim as the court
fixed it, the motions, and the ballots. One ballot per creditor and motion, by constraint, so a
double tap or a second process cannot count one twice."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from court.votes import Choice, ClaimGroup, Rule
from hearing_server.db.models import Base, _enum, utcnow


class MotionState(StrEnum):
    DRAFT = "draft"
    """Not voted on yet."""
    OPEN = "open"
    CLOSED = "closed"


class ClaimRow(Base):
    __tablename__ = "vote_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    """The creditor (one claim each)."""
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    group: Mapped[ClaimGroup] = mapped_column(_enum(ClaimGroup, "claim_group"))
    set_by: Mapped[str] = mapped_column(String(300))
    """Who fixed it last (their timeline label)."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MotionRow(Base):
    __tablename__ = "vote_motions"
    __table_args__ = (UniqueConstraint("hearing_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    """Its number in the meeting (第1项议案), from 1."""
    title: Mapped[str] = mapped_column(String(200))
    rule: Mapped[Rule] = mapped_column(_enum(Rule, "vote_rule"))
    state: Mapped[MotionState] = mapped_column(_enum(MotionState, "motion_state"))
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None]
    """court/vote_record.py's ``result_data``, once closed."""


class BallotRow(Base):
    __tablename__ = "vote_ballots"
    __table_args__ = (UniqueConstraint("motion_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(
        ForeignKey("vote_motions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    """The creditor whose ballot it is."""
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    """Who cast it: the creditor, or their agent."""
    choice: Mapped[Choice] = mapped_column(_enum(Choice, "ballot_choice"))
    opinion: Mapped[str | None] = mapped_column(Text)
    """A deliberation's ballot: its author's opinion (court/deliberation.py)."""
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
