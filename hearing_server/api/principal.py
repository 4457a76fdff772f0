"""Finding out who sent a request: a session cookie or a personal invitation."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.roles import Role
from hearing_server.api.errors import ApiError
from hearing_server.auth import Principal, PrincipalKind, token_hash
from hearing_server.db.models import AuthSession, Participant, Terminal, User, utcnow

SESSION_COOKIE = "hs_session"
INVITATION_SCHEME = "Invitation"


async def resolve_principal(request: web.Request, db: AsyncSession) -> Principal | None:
    """The caller, or None for an anonymous request.

    A stale or unknown cookie counts as anonymous (the browser may keep it past
    logout); a bad invitation is an error, so its holder learns why it failed.
    """
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme != INVITATION_SCHEME or not token.strip():
            raise ApiError(
                401, "bad_authorization", f"use `Authorization: {INVITATION_SCHEME} <token>`"
            )
        participant = await invited_participant(db, token.strip())
        return participant_principal(participant)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return await session_principal(db, cookie)
    return None


def participant_principal(participant: Participant) -> Principal:
    return Principal(
        kind=PrincipalKind.PARTICIPANT,
        id=participant.id,
        role=participant.role,
        name=participant.name,
        hearing_id=participant.hearing_id,
    )


async def invited_participant(db: AsyncSession, token: str) -> Participant:
    """The participant an invitation token belongs to, if it is still valid; else 401."""
    participant = await db.scalar(
        select(Participant).where(Participant.invitation_token_hash == token_hash(token))
    )
    if participant is None:
        raise ApiError(
            401,
            "invitation_invalid",
            "this invitation link is not valid; ask the court for a new one",
        )
    if participant.invitation_revoked_at is not None:
        raise ApiError(401, "invitation_revoked", "this invitation was withdrawn by the court")
    if (
        participant.invitation_expires_at is not None
        and participant.invitation_expires_at <= utcnow()
    ):
        raise ApiError(
            401, "invitation_expired", "this invitation has expired; ask the court for a new one"
        )
    return participant


async def session_principal(db: AsyncSession, token: str) -> Principal | None:
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
        return Principal(
            kind=PrincipalKind.USER,
            id=user.id,
            role=user.role,
            name=user.display_name,
            court_id=user.court_id,
            csrf_token=session.csrf_token,
        )
    terminal = await db.get(Terminal, session.terminal_id)
    if terminal is None or not terminal.active:
        return None
    return Principal(
        kind=PrincipalKind.TERMINAL,
        id=terminal.id,
        role=Role.DETAINEE,
        name=terminal.name,
        centre_id=terminal.centre_id,
        csrf_token=session.csrf_token,
    )
