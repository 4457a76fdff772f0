"""Staff and terminal login, sessions, CSRF and login throttling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, AuthSession
from tests.callers import PASSWORD, TERMINAL_SECRET, Caller, World

NewCaller = Callable[[], Awaitable[Caller]]


async def test_login_sets_a_locked_down_cookie_and_me_answers(anon: Caller, world: World) -> None:
    response = await anon.client.post(
        "/api/v1/auth/login", json={"username": "judge", "password": PASSWORD}
    )
    assert response.status == 200
    body = await response.json()
    assert body["role"] == "judge" and body["court_id"] == world.court_id and body["csrf_token"]
    cookie = response.headers["Set-Cookie"]
    assert "hs_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    me = await anon.call("GET", "/auth/me")
    assert me["id"] == world.judge_id and me["csrf_token"] == body["csrf_token"]


async def test_the_session_names_the_court_time_zone(new_caller: NewCaller, world: World) -> None:
    """The browser shows "today" and hearing times in the court's zone, not the device's."""
    staff, terminal = await new_caller(), await new_caller()
    assert (await staff.login("clerk"))["time_zone"] == "Asia/Shanghai"
    assert (await staff.call("GET", "/auth/me"))["time_zone"] == "Asia/Shanghai"
    assert (await terminal.terminal_login(world.terminal_id))["time_zone"] == "Asia/Shanghai"


async def test_secure_cookie_when_served_over_https(new_caller: NewCaller, world: World) -> None:
    # The settings fixture uses an http public URL; the Secure flag follows the scheme.
    caller = await new_caller()
    response = await caller.client.post(
        "/api/v1/auth/login", json={"username": "judge", "password": PASSWORD}
    )
    assert "Secure" not in response.headers["Set-Cookie"]


async def test_session_token_is_stored_only_as_a_hash(
    anon: Caller, database: Database, world: World
) -> None:
    await anon.login("clerk")
    token = anon.client.session.cookie_jar.filter_cookies(anon.client.make_url("/"))[
        "hs_session"
    ].value
    async with database.session() as db:
        stored = list(await db.scalars(select(AuthSession)))
    assert len(stored) == 1
    assert token not in (stored[0].token_hash, stored[0].csrf_token)


async def test_wrong_password_and_unknown_user_look_the_same(anon: Caller, world: World) -> None:
    wrong = await anon.status("POST", "/auth/login", {"username": "judge", "password": "nope"})
    unknown = await anon.status("POST", "/auth/login", {"username": "nobody", "password": "nope"})
    assert wrong[0] == unknown[0] == 401
    assert wrong[1] == unknown[1]


async def test_login_is_throttled_after_repeated_failures(anon: Caller, world: World) -> None:
    for _ in range(3):  # the settings fixture allows 3 failures
        assert (await anon.status("POST", "/auth/login", {"username": "judge", "password": "x"}))[
            0
        ] == 401
    response = await anon.client.post(
        "/api/v1/auth/login", json={"username": "judge", "password": PASSWORD}
    )
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "try again" in (await response.json())["error"]["message"]


async def test_anonymous_caller_gets_401(anon: Caller, world: World) -> None:
    status, body = await anon.status("GET", "/auth/me")
    assert status == 401 and body["error"]["code"] == "unauthenticated"


async def test_cookie_writes_need_the_csrf_token(judge: Caller, world: World) -> None:
    csrf, judge.csrf = judge.csrf, None
    case = {"number": "(2026)A1", "title": "t", "kind": "civil_trial"}
    status, body = await judge.status("POST", "/cases", case)
    assert status == 403 and body["error"]["code"] == "csrf"
    judge.csrf = "forged"
    assert (await judge.status("POST", "/cases", case))[0] == 403
    judge.csrf = csrf
    assert (await judge.status("POST", "/cases", case))[0] == 201


async def test_logout_ends_the_session(judge: Caller) -> None:
    await judge.call("POST", "/auth/logout", expect=204)
    assert (await judge.status("GET", "/auth/me"))[0] == 401


async def test_terminal_logs_in_with_its_device_secret(anon: Caller, world: World) -> None:
    body = await anon.terminal_login(world.terminal_id)
    assert (
        body["kind"] == "terminal"
        and body["centre_id"] == world.centre_id
        and body["role"] == "detainee"
    )
    other = await anon.status(
        "POST", "/auth/terminal-login", {"terminal_id": world.terminal_id, "secret": "x"}
    )
    assert other[0] == 401
    missing = await anon.status(
        "POST", "/auth/terminal-login", {"terminal_id": 999, "secret": TERMINAL_SECRET}
    )
    assert missing[0] == 401


async def test_failed_logins_are_audited_alike_for_staff_and_terminals(
    anon: Caller, database: Database, world: World
) -> None:
    staff = await anon.status("POST", "/auth/login", {"username": "judge", "password": "x"})
    terminal = await anon.status(
        "POST", "/auth/terminal-login", {"terminal_id": world.terminal_id, "secret": "x"}
    )
    assert staff[0] == terminal[0] == 401
    assert staff[1]["error"]["code"] == terminal[1]["error"]["code"] == "bad_credentials"
    async with database.session() as db:
        rows = await db.execute(
            select(AuditEntry.actor, AuditEntry.object_type, AuditEntry.object_id, AuditEntry.ip)
            .where(AuditEntry.action == "login_failed")
            .order_by(AuditEntry.id)
        )
        assert list(rows) == [
            ("anonymous:judge", "user", None, "127.0.0.1"),
            (f"anonymous:{world.terminal_id}", "terminal", None, "127.0.0.1"),
        ]


async def test_terminal_login_is_throttled_like_staff_login(anon: Caller, world: World) -> None:
    wrong = {"terminal_id": world.terminal_id, "secret": "x"}
    for _ in range(3):  # the settings fixture allows 3 failures
        assert (await anon.status("POST", "/auth/terminal-login", wrong))[0] == 401
    response = await anon.client.post(
        "/api/v1/auth/terminal-login",
        json={"terminal_id": world.terminal_id, "secret": TERMINAL_SECRET},
    )
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 0
    body = await response.json()
    assert body["error"]["code"] == "too_many_attempts" and "try again" in body["error"]["message"]


async def test_a_terminal_is_no_staff_member(anon: Caller, world: World) -> None:
    await anon.terminal_login(world.terminal_id)
    status, _ = await anon.status(
        "POST", "/cases", {"number": "X", "title": "t", "kind": "civil_trial"}
    )
    assert status == 403
    assert (await anon.status("GET", "/cases"))[0] == 403
