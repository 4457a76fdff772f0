"""Test callers of the REST API and the records they act on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from court.kinds import HearingKind
from court.roles import Role
from hearing_server.db.database import Database
from hearing_server.db.models import (
    Case,
    Court,
    DetentionCentre,
    Hearing,
    Participant,
    Terminal,
    User,
)

PASSWORD = "correct horse battery staple"
TERMINAL_SECRET = "terminal-secret-0123456789"

# Cheap argon2id parameters: the server verifies with the parameters stored in each
# hash, so test logins stay fast while the code path is the production one.
_cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass(frozen=True)
class World:
    """Records made directly in the database, before any API call."""

    court_id: int
    other_court_id: int
    judge_id: int
    clerk_id: int
    other_judge_id: int
    centre_id: int
    terminal_id: int


async def seed_world(database: Database) -> World:
    password_hash = _cheap.hash(PASSWORD)
    async with database.session() as db:
        court, other = Court(code="a", name="A区人民法院"), Court(code="b", name="B区人民法院")
        db.add_all([court, other])
        await db.flush()
        users = {
            name: User(
                username=name,
                display_name=name,
                role=role,
                court_id=court_id,
                password_hash=password_hash,
            )
            for name, role, court_id in (
                ("admin", Role.ADMIN, None),
                ("judge", Role.JUDGE, court.id),
                ("clerk", Role.CLERK, court.id),
                ("judge_b", Role.JUDGE, other.id),
            )
        }
        db.add_all(users.values())
        centre = DetentionCentre(name="第一看守所")
        db.add(centre)
        await db.flush()
        terminal = Terminal(
            centre_id=centre.id, name="T1", secret_hash=_cheap.hash(TERMINAL_SECRET)
        )
        db.add(terminal)
        await db.commit()
        return World(
            court_id=court.id,
            other_court_id=other.id,
            judge_id=users["judge"].id,
            clerk_id=users["clerk"].id,
            other_judge_id=users["judge_b"].id,
            centre_id=centre.id,
            terminal_id=terminal.id,
        )


async def add_hearing(
    db: AsyncSession, world: World, number: str, kind: HearingKind, scheduled_start: datetime
) -> Hearing:
    """A case ``number`` in the world's court (its judge presiding) and a hearing of it,
    written straight to ``db`` (flushed, not committed): for tests that set up a record
    without the REST API."""
    case = Case(
        court_id=world.court_id, number=number, title="案件", kind=kind, judge_id=world.judge_id
    )
    db.add(case)
    await db.flush()
    hearing = Hearing(case_id=case.id, kind=kind, title="庭审", scheduled_start=scheduled_start)
    db.add(hearing)
    await db.flush()
    return hearing


async def expire_invitation(database: Database, participant_id: int) -> None:
    """The participant's invitation ran out a second ago (as if its hours had passed)."""
    async with database.session() as db:
        await db.execute(
            update(Participant)
            .where(Participant.id == participant_id)
            .values(invitation_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await db.commit()


class Caller:
    """One HTTP client with its own cookies; remembers its CSRF token or invitation."""

    def __init__(self, client: TestClient[web.Request, web.Application]) -> None:
        self.client = client
        self.csrf: str | None = None
        self.invitation: str | None = None

    async def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        body: dict[str, Any] = await self.call(
            "POST", "/auth/login", {"username": username, "password": password}
        )
        self.csrf = body["csrf_token"]
        return body

    async def terminal_login(
        self, terminal_id: int, secret: str = TERMINAL_SECRET
    ) -> dict[str, Any]:
        body: dict[str, Any] = await self.call(
            "POST", "/auth/terminal-login", {"terminal_id": terminal_id, "secret": secret}
        )
        self.csrf = body["csrf_token"]
        return body

    async def call(
        self, method: str, path: str, json: Any = None, expect: int | None = None
    ) -> Any:
        """Call ``/api/v1{path}``, check the status (any 2xx unless ``expect`` says), return the JSON body."""
        status, body = await self.status(method, path, json)
        if expect is not None:
            assert status == expect, f"{method} {path}: {status} {body}"
        else:
            assert status < 300, f"{method} {path}: {status} {body}"
        return body

    def credentials(self) -> dict[str, str]:
        """The headers that carry this caller's CSRF token or invitation."""
        headers = {}
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        if self.invitation:
            headers["Authorization"] = f"Invitation {self.invitation}"
        return headers

    async def status(self, method: str, path: str, json: Any = None) -> tuple[int, Any]:
        """The status and JSON body of a call; an error body must have the documented shape."""
        headers = self.credentials()
        response = await self.client.request(method, "/api/v1" + path, json=json, headers=headers)
        body = await response.json() if response.content_type == "application/json" else None
        if response.status >= 400:
            assert body is not None and set(body["error"]) >= {"code", "message"}, body
        return response.status, body


NewCaller = Callable[[], Awaitable[Caller]]


async def schedule_hearing(
    staff: Caller,
    number: str = "(2026)A民初1号",
    kind: str = "civil_trial",
    *,
    title: str = "案件",
    **extra: Any,
) -> dict[str, Any]:
    """A case and a hearing of it, scheduled through the REST API (``extra``: more of the
    hearing's fields); the hearing as the API returns it."""
    case = await staff.call(
        "POST", "/cases", {"number": number, "title": title, "kind": kind}, expect=201
    )
    # Starting now keeps the hearing on today's list, whatever the hour in the court's time zone.
    start = datetime.now(UTC).isoformat()
    hearing: dict[str, Any] = await staff.call(
        "POST", f"/cases/{case['id']}/hearings", {"scheduled_start": start, **extra}, expect=201
    )
    return hearing


async def invite(staff: Caller, hearing_id: int, **person: Any) -> dict[str, Any]:
    """Add a participant (a party named 张三 unless ``person`` says otherwise) to the hearing;
    the participant and their invitation, as the API returns them."""
    body = {"role": "party", "name": "张三", **person}
    created: dict[str, Any] = await staff.call(
        "POST", f"/hearings/{hearing_id}/participants", body, expect=201
    )
    return created


async def holder(new_caller: NewCaller, token: str) -> Caller:
    """A new caller presenting the invitation ``token``."""
    caller = await new_caller()
    caller.invitation = token
    return caller
