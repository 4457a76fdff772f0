"""Whether an invitation still admits its holder: one rule for the REST API, the live
hearing's socket, signed recording links and staff's participant lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from court.roles import Role
from hearing_server.db.models import Participant
from hearing_server.invitations import InvitationStatus, invitation_status

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def invited(
    token_hash: str | None = "hash",
    expires_at: datetime | None = NOW + timedelta(hours=1),
    revoked_at: datetime | None = None,
) -> Participant:
    return Participant(
        hearing_id=1,
        role=Role.PARTY,
        name="张三",
        invitation_token_hash=token_hash,
        invitation_expires_at=expires_at,
        invitation_revoked_at=revoked_at,
    )


def test_an_invitation_is_active_until_it_expires() -> None:
    assert invitation_status(invited(), NOW) is InvitationStatus.ACTIVE
    assert invitation_status(invited(expires_at=None), NOW) is InvitationStatus.ACTIVE
    assert invitation_status(invited(expires_at=NOW), NOW) is InvitationStatus.EXPIRED
    assert invitation_status(invited(), NOW + timedelta(hours=2)) is InvitationStatus.EXPIRED


def test_a_withdrawn_invitation_is_revoked_even_once_it_has_expired() -> None:
    withdrawn = invited(expires_at=NOW - timedelta(hours=1), revoked_at=NOW - timedelta(hours=2))
    assert invitation_status(withdrawn, NOW) is InvitationStatus.REVOKED


def test_someone_never_invited_has_none() -> None:
    assert (
        invitation_status(invited(token_hash=None, expires_at=None), NOW) is InvitationStatus.NONE
    )
