"""Who is calling: a session cookie's token or an invitation token resolved to a `Principal`.

Shared by both ways in: the REST API (`hearing_server/api/principal.py`, which reads the
credentials from a request and answers a refused invitation with 401) and the live hearing's
socket (`hearing_server/live_store.py`, which refuses the connection). Neither rule here knows
about HTTP or sockets.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.roles import Role
from court.states import LIVE
from hearing_server.auth import Principal, PrincipalKind, token_hash
from hearing_server.db.models import AuthSession, Hearing, Participant, Terminal, User, utcnow
from hearing_server.invitations import InvitationStatus, invitation_status

SESSION_COOKIE = "hs_session"


class InvitationRefused(Exception):
    """An invitation token that does not admit its holder: ``code`` is ``invitation_invalid``
    (no such token), ``invitation_revoked`` or ``invitation_expired``; ``message`` tells the
    holder what to do. Both the REST API and the socket send them on as they are."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


async def invited_participant(db: AsyncSession, token: str) -> Participant:
    """The participant an invitation token belongs to, if it still admits them."""
    participant = await db.scalar(
        select(Participant).where(Participant.invitation_token_hash == token_hash(token))
    )
    if participant is None:
        raise InvitationRefused(
            "invitation_invalid", "this invitation link is not valid; ask the court for a new one"
        )
    status = invitation_status(participant, utcnow())
    if status is InvitationStatus.REVOKED:
        raise InvitationRefused("invitation_revoked", "this invitation was withdrawn by the court")
    if status is InvitationStatus.EXPIRED:
        raise InvitationRefused(
            "invitation_expired", "this invitation has expired; ask the court for a new one"
        )
    return participant


async def session_principal(db: AsyncSession, token: str) -> Principal | None:
    """The staff member or terminal a session token belongs to; None for an unknown or ended
    session, or a deactivated account or terminal."""
    session = await db.scalar(
        select(AuthSession).where(
            AuthSession.token_hash == token_hash(token), AuthSession.expires_at > utcnow()
        )
    )
    if session is None:
        return None
    if session.user_id is not None:
        user = await db.get(User, session.user_id)
        if user is None or not user.active:
            return None
        return user_principal(user, session.csrf_token)
    terminal = await db.get(Terminal, session.terminal_id)
    if terminal is None or not terminal.active:
        return None
    return terminal_principal(terminal, session.csrf_token)


async def holder_principal(db: AsyncSession, kind: PrincipalKind, number: int) -> Principal | None:
    """Whom a credential made earlier (a signed link) was made for, as they stand now: None
    once their account is deactivated or their invitation withdrawn or expired, since the
    credential stands for theirs. Terminals hold no such credentials (their detainees' seats
    do)."""
    if kind is PrincipalKind.USER:
        user = await db.get(User, number)
        return user_principal(user) if user is not None and user.active else None
    if kind is PrincipalKind.PARTICIPANT:
        participant = await db.get(Participant, number)
        if participant is None:
            return None
        if participant.invitation_token_hash is None:
            return await _seat_holder(db, participant)
        active = invitation_status(participant, utcnow()) is InvitationStatus.ACTIVE
        return participant_principal(participant) if active else None
    return None


async def _seat_holder(db: AsyncSession, seat: Participant) -> Principal | None:
    """A seat taken without an invitation (the live hearing makes links for its seats): a staff
    member's stands for them while their account is active; a detainee's at a terminal for the
    seat while its hearing is under way (the terminal is shared outside it)."""
    if seat.user_id is not None:
        user = await db.get(User, seat.user_id)
        return user_principal(user) if user is not None and user.active else None
    if seat.role is Role.DETAINEE and seat.detention_centre_id is not None:
        hearing = await db.get(Hearing, seat.hearing_id)
        return participant_principal(seat) if hearing and hearing.state in LIVE else None
    return None


def user_principal(user: User, csrf_token: str | None = None) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        id=user.id,
        role=user.role,
        name=user.display_name,
        court_id=user.court_id,
        csrf_token=csrf_token,
    )


def terminal_principal(terminal: Terminal, csrf_token: str | None = None) -> Principal:
    return Principal(
        kind=PrincipalKind.TERMINAL,
        id=terminal.id,
        role=Role.DETAINEE,
        name=terminal.name,
        centre_id=terminal.centre_id,
        csrf_token=csrf_token,
    )


def participant_principal(participant: Participant) -> Principal:
    return Principal(
        kind=PrincipalKind.PARTICIPANT,
        id=participant.id,
        role=participant.role,
        name=participant.name,
        hearing_id=participant.hearing_id,
    )
