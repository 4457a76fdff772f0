"""Finding out who sent a request: a session cookie or a personal invitation, read from the
request and resolved by `hearing_server/identity.py`."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.api.errors import ApiError
from hearing_server.auth import Principal
from hearing_server.identity import (
    SESSION_COOKIE,
    InvitationRefused,
    invited_participant,
    participant_principal,
    session_principal,
)

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
        try:
            participant = await invited_participant(db, token.strip())
        except InvitationRefused as exc:
            raise ApiError(401, exc.code, exc.message) from exc
        return participant_principal(participant)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return await session_principal(db, cookie)
    return None
