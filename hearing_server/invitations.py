"""Personal invitations: a random token per participant, of which only the hash is kept; issued,
withdrawn, and whether one still admits its holder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from court.roles import BENCH, Role
from hearing_server.auth import new_token, token_hash
from hearing_server.db.models import Participant, utcnow


@dataclass(frozen=True)
class IssuedInvitation:
    token: str
    url: str
    expires_at: datetime


def invitation_url(base_url: str, token: str) -> str:
    # The token rides in the fragment, which browsers never send to a server, so it
    # stays out of access logs and proxies.
    return f"{base_url}/join#{token}"


def issue_invitation(
    participant: Participant, base_url: str, valid_for: timedelta
) -> IssuedInvitation:
    """Give ``participant`` a fresh invitation; any earlier one stops working."""
    issued, participant.invitation_token_hash = new_invitation_token(base_url, valid_for)
    participant.invitation_expires_at = issued.expires_at
    participant.invitation_revoked_at = None
    return issued


def new_invitation_token(base_url: str, valid_for: timedelta) -> tuple[IssuedInvitation, str]:
    """A fresh invitation and the hash of its token, which is all the server keeps (for rows
    written in bulk, court/case_list.py's imports, rather than one participant at a time)."""
    token = new_token()
    issued = IssuedInvitation(token, invitation_url(base_url, token), utcnow() + valid_for)
    return issued, token_hash(token)


def revoke_invitation(participant: Participant) -> None:
    participant.invitation_revoked_at = utcnow()


class InvitationStatus(StrEnum):
    NONE = "none"
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


def invitation_status(participant: Participant, now: datetime) -> InvitationStatus:
    """The one rule for whether ``participant``'s invitation still admits them (only an active
    one does): to the hearing, to what the court granted after it, and on staff's lists."""
    if participant.invitation_token_hash is None:
        return InvitationStatus.NONE
    if participant.invitation_revoked_at is not None:
        return InvitationStatus.REVOKED
    if participant.invitation_expires_at is not None and participant.invitation_expires_at <= now:
        return InvitationStatus.EXPIRED
    return InvitationStatus.ACTIVE


def needs_invitation(role: Role) -> bool:
    """Bench members log in; detainees appear through their centre's terminal; the rest are invited."""
    return role not in BENCH and role is not Role.DETAINEE
