"""Logging staff and terminals in and out."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import delete, select

from court.roles import Role
from hearing_server.api.errors import ApiError, error_response
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.auth import PasswordCheckBusy, Principal, new_token, token_hash
from hearing_server.client_address import client_address, throttle_key
from hearing_server.db.models import AuthSession, Terminal, User, utcnow
from hearing_server.identity import SESSION_COOKIE, terminal_principal, user_principal
from hearing_server.keys import LOGIN_THROTTLE, PASSWORD_CHECKER, SETTINGS


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TerminalLoginRequest(BaseModel):
    terminal_id: int = Field(ge=1, le=2**31 - 1)
    secret: str = Field(min_length=1, max_length=256)


class SessionOut(BaseModel):
    kind: str
    id: int
    name: str
    role: Role
    court_id: int | None = None
    centre_id: int | None = None
    hearing_id: int | None = None
    csrf_token: str | None = Field(
        default=None,
        description="Send it back as the X-CSRF-Token header on every write made with the cookie.",
    )
    time_zone: str = Field(
        description='The court\'s IANA time zone: what "today" and hearing times mean.'
    )


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/auth/login",
        summary="Staff login",
        tag="auth",
        body=LoginRequest,
        response=SessionOut,
        public=True,
        errors=(401, 429),
    )
    async def login(ctx: Ctx, body: LoginRequest) -> SessionOut:
        attempt = await _Attempt.admit(ctx, f"user:{body.username.lower()}")
        user = await ctx.db.scalar(select(User).where(User.username == body.username))
        right = await attempt.check(user.password_hash if user else None, body.password)
        if not right or user is None or not user.active:
            raise await attempt.failed(body.username, "user", "wrong username or password")
        await attempt.succeeded()
        csrf = await _start_session(ctx, user_id=user.id)
        return _logged_in(ctx, user_principal(user, csrf))

    @api.route(
        "POST",
        "/auth/terminal-login",
        summary="Detention terminal login",
        tag="auth",
        body=TerminalLoginRequest,
        response=SessionOut,
        public=True,
        errors=(401, 429),
    )
    async def terminal_login(ctx: Ctx, body: TerminalLoginRequest) -> SessionOut:
        attempt = await _Attempt.admit(ctx, f"terminal:{body.terminal_id}")
        terminal = await ctx.db.get(Terminal, body.terminal_id)
        right = await attempt.check(terminal.secret_hash if terminal else None, body.secret)
        if not right or terminal is None or not terminal.active:
            raise await attempt.failed(
                str(body.terminal_id), "terminal", "wrong terminal id or secret"
            )
        await attempt.succeeded()
        csrf = await _start_session(ctx, terminal_id=terminal.id)
        return _logged_in(ctx, terminal_principal(terminal, csrf))

    @api.route("POST", "/auth/logout", summary="End this session", tag="auth", status=204)
    async def logout(ctx: Ctx) -> None:
        ctx.user  # noqa: B018 - raises 401 when not logged in
        cookie = ctx.request.cookies.get(SESSION_COOKIE)
        if cookie:
            await ctx.db.execute(
                delete(AuthSession).where(AuthSession.token_hash == token_hash(cookie))
            )
        ctx.finishers.append(lambda response: response.del_cookie(SESSION_COOKIE, path="/"))

    @api.route("GET", "/auth/me", summary="Who am I", tag="auth", response=SessionOut)
    async def me(ctx: Ctx) -> SessionOut:
        return _session_out(ctx, ctx.user)


def _logged_in(ctx: Ctx, who: Principal) -> SessionOut:
    """Audit the login of ``who`` (a staff member or a terminal) and say who they now are."""
    audit(ctx.db, who.label, "login", who.kind.value, who.id, ctx.client_ip)
    return _session_out(ctx, who)


def _session_out(ctx: Ctx, who: Principal) -> SessionOut:
    return SessionOut(
        kind=who.kind,
        id=who.id,
        name=who.name,
        role=who.role,
        court_id=who.court_id,
        centre_id=who.centre_id,
        hearing_id=who.hearing_id,
        csrf_token=who.csrf_token,
        time_zone=ctx.request.app[SETTINGS].court_timezone,
    )


class _Attempt:
    """One login attempt on one account, counted by the throttle before it is checked."""

    def __init__(self, ctx: Ctx, address: str, account: str) -> None:
        self.ctx = ctx
        self.address = address
        self.account = account

    @classmethod
    async def admit(cls, ctx: Ctx, account: str) -> _Attempt:
        """The attempt, if the throttle lets it be checked; else 429 with Retry-After."""
        attempt = cls(ctx, throttle_key(ctx.client_ip), account)
        wait = await ctx.request.app[LOGIN_THROTTLE].admit(attempt.address, account)
        if wait > 0:
            raise _too_many_attempts(wait)
        return attempt

    async def check(self, stored_hash: str | None, secret: str) -> bool:
        """Whether ``secret`` matches; no database connection is held meanwhile (the
        records read so far stay usable: the session keeps them after a commit)."""
        await self.ctx.db.commit()
        try:
            return await self.ctx.request.app[PASSWORD_CHECKER].verify(stored_hash, secret)
        except PasswordCheckBusy:
            await self.ctx.request.app[LOGIN_THROTTLE].not_checked(self.address, self.account)
            raise ApiError(
                429,
                "busy",
                "the server is checking many logins at once; try again in 1 s",
                headers={"Retry-After": "1"},
            ) from None

    async def failed(self, given: str, object_type: str, message: str) -> ApiError:
        """Audit the failure under the name or id the caller gave (committed: the error that
        follows rolls the request back) and return the 401 to raise."""
        audit(
            self.ctx.db, f"anonymous:{given}", "login_failed", object_type, None, self.ctx.client_ip
        )
        await self.ctx.db.commit()
        return ApiError(401, "bad_credentials", message)

    async def succeeded(self) -> None:
        await self.ctx.request.app[LOGIN_THROTTLE].succeeded(self.address, self.account)


def _too_many_attempts(wait: float) -> ApiError:
    seconds = str(int(wait) + 1)
    return ApiError(
        429,
        "too_many_attempts",
        f"too many login attempts; try again in {seconds} s",
        headers={"Retry-After": seconds},
    )


_LOGIN_PATHS = ("/auth/login", "/auth/terminal-login")


@web.middleware
async def refuse_throttled_addresses(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Logins from an address past its limit are refused before their body is read or a
    database session is opened: a flood from one address then costs little beyond its
    connections, and the server stays free for everyone else."""
    if request.method == "POST" and request.path.endswith(_LOGIN_PATHS):
        address = throttle_key(client_address(request))
        wait = await request.app[LOGIN_THROTTLE].address_wait(address)
        if wait > 0:
            refusal = _too_many_attempts(wait)
            return error_response(429, refusal.code, refusal.message, headers=refusal.headers)
    return await handler(request)


async def _start_session(
    ctx: Ctx, *, user_id: int | None = None, terminal_id: int | None = None
) -> str:
    settings = ctx.request.app[SETTINGS]
    token, csrf = new_token(), secrets.token_urlsafe(24)
    ttl = timedelta(hours=settings.session_ttl_hours)
    await ctx.db.execute(delete(AuthSession).where(AuthSession.expires_at <= utcnow()))
    ctx.db.add(
        AuthSession(
            token_hash=token_hash(token),
            user_id=user_id,
            terminal_id=terminal_id,
            csrf_token=csrf,
            expires_at=utcnow() + ttl,
        )
    )

    def set_cookie(response: web.StreamResponse) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(ttl.total_seconds()),
            path="/",
            httponly=True,
            secure=settings.secure_cookies,
            samesite="Lax",
        )

    ctx.finishers.append(set_cookie)
    return csrf
