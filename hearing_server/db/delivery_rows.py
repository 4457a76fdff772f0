"""Invitations sent to a participant by mail or SMS (hearing_server/invitation_delivery.py):
one row per attempt, made when the court asks and finished when the mail server or the SMS
gateway answered (or did not), so that the clerk sees what reached whom. A failure never undoes
the invitation: the link works, and the clerk may pass it on by hand or send again."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hearing_server.db.models import Base, utcnow

Channel = Literal["mail", "sms"]
DeliveryState = Literal["sending", "sent", "failed"]
FailureReason = Literal["interrupted", "refused", "timeout", "unreachable", "other"]
"""Why an attempt failed, in a word the client translates (`detail` has the specifics)."""


class InvitationDelivery(Base):
    __tablename__ = "invitation_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(320))
    """The mail address or phone number it was sent to, as it was then."""
    state: Mapped[str] = mapped_column(String(16), default="sending")
    reason: Mapped[str | None] = mapped_column(String(16))
    """A `FailureReason` once it failed."""
    detail: Mapped[str | None] = mapped_column(String(500))
    """Why it failed, in words for the clerk (the server's or the gateway's answer)."""
    requested_by: Mapped[str] = mapped_column(String(300))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
