"""Court administration: only administrators manage courts, accounts, centres and terminals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import Terminal, User
from tests.callers import Caller, World

NewCaller = Callable[[], Awaitable[Caller]]


async def test_admin_sets_up_a_court(admin: Caller, new_caller: NewCaller) -> None:
    court = await admin.call(
        "POST", "/courts", {"code": "zj-0402", "name": "温州市鹿城区人民法院"}, expect=201
    )
    room = await admin.call(
        "POST", f"/courts/{court['id']}/courtrooms", {"name": "第三法庭"}, expect=201
    )
    rooms = await admin.call("GET", f"/courts/{court['id']}/courtrooms")
    assert rooms["items"] == [room]
    user = await admin.call(
        "POST",
        "/users",
        {
            "username": "liu",
            "display_name": "刘法官",
            "role": "judge",
            "court_id": court["id"],
            "password": "p" * 14,
        },
        expect=201,
    )
    assert (
        user["court_id"] == court["id"] and "password" not in user and "password_hash" not in user
    )
    liu = await new_caller()
    assert (await liu.login("liu", "p" * 14))["name"] == "刘法官"


async def test_passwords_are_argon2id_hashes(
    admin: Caller, database: Database, world: World
) -> None:
    body = {
        "username": "wu",
        "display_name": "吴",
        "role": "clerk",
        "court_id": world.court_id,
        "password": "q" * 12,
    }
    await admin.call("POST", "/users", body, expect=201)
    async with database.session() as db:
        user = await db.scalar(select(User).where(User.username == "wu"))
    assert (
        user is not None
        and user.password_hash.startswith("$argon2id$")
        and "q" * 12 not in user.password_hash
    )


async def test_terminal_secret_is_shown_once_and_works(
    admin: Caller, new_caller: NewCaller, database: Database
) -> None:
    centre = await admin.call("POST", "/detention-centres", {"name": "第二看守所"}, expect=201)
    created = await admin.call(
        "POST", f"/detention-centres/{centre['id']}/terminals", {"name": "T9"}, expect=201
    )
    terminal_id, secret = created["terminal"]["id"], created["secret"]
    async with database.session() as db:
        stored = await db.get(Terminal, terminal_id)
    assert stored is not None and secret not in stored.secret_hash
    device = await new_caller()
    assert (await device.terminal_login(terminal_id, secret))["centre_id"] == centre["id"]
    listed = await admin.call("GET", "/detention-centres")
    assert centre["id"] in [c["id"] for c in listed["items"]]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/courts", {"code": "x", "name": "X"}),
        ("/detention-centres", {"name": "X"}),
        ("/users", {"username": "x", "display_name": "x", "role": "admin", "password": "p" * 12}),
    ],
)
async def test_only_administrators_manage_accounts(
    judge: Caller, clerk: Caller, path: str, body: dict[str, str]
) -> None:
    for caller in (judge, clerk):
        status, body_out = await caller.status("POST", path, body)
        assert status == 403 and "admin" in body_out["error"]["message"]


async def test_account_conflicts_and_bad_fields(admin: Caller, world: World) -> None:
    assert (await admin.status("POST", "/courts", {"code": "a", "name": "dup"}))[0] == 409
    assert (await admin.status("POST", "/courts", {"code": "has space", "name": "X"}))[0] == 422
    base = {"display_name": "x", "court_id": world.court_id, "password": "p" * 12}
    assert (await admin.status("POST", "/users", {**base, "username": "judge", "role": "judge"}))[
        0
    ] == 409
    status, body = await admin.status("POST", "/users", {**base, "username": "pp", "role": "party"})
    assert status == 422 and "invitation" in body["error"]["details"][0]["problem"]
    assert (
        await admin.status(
            "POST", "/users", {**base, "username": "sh", "role": "judge", "password": "short"}
        )
    )[0] == 422
    status, body = await admin.status(
        "POST", "/users", {**base, "username": "nc", "role": "clerk", "court_id": None}
    )
    assert status == 422 and "court_id" in body["error"]["message"]
    assert (
        await admin.status(
            "POST", "/users", {**base, "username": "nc", "role": "clerk", "court_id": 4242}
        )
    )[0] == 422
    assert (await admin.status("POST", "/courts/4242/courtrooms", {"name": "X"}))[0] == 404
    assert (await admin.status("POST", "/detention-centres/4242/terminals", {"name": "X"}))[
        0
    ] == 404


async def test_staff_lists_are_scoped_to_the_court(
    admin: Caller, judge: Caller, world: World
) -> None:
    everyone = {u["username"] for u in (await admin.call("GET", "/users"))["items"]}
    assert everyone == {"admin", "judge", "clerk", "judge_b"}
    colleagues = {u["username"] for u in (await judge.call("GET", "/users"))["items"]}
    assert colleagues == {"judge", "clerk"}
    assert len((await judge.call("GET", "/courts"))["items"]) == 2
