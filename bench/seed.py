"""Records for one benchmark hearing, made through the server's CLI and REST API.

A judge (who opens the hearing and admits everyone), parties with invitations, and a clerk
who joins late: as bench, a clerk enters without waiting to be admitted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp

from bench.participant import Seat
from tests.live_server import LiveServer

API = "/api/v1"


@dataclass(frozen=True)
class Staff:
    """The judge's and the clerk's sessions, logged in once for every hearing seeded: the
    server counts each login attempt against the account (bench/logins.py), so a bench that
    logged in per hearing would be refused past a handful of hearings."""

    judge_id: int
    judge_cookie: str
    csrf: str
    clerk_id: int
    clerk_cookie: str


async def log_in_staff(url: str, password: str) -> Staff:
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.DummyCookieJar()) as http:
        judge_id, judge_cookie, csrf = await _login(http, "judge", password)
        clerk_id, clerk_cookie, _ = await _login(http, "clerk", password)
    return Staff(judge_id, judge_cookie, csrf, clerk_id, clerk_cookie)


@dataclass(frozen=True)
class BenchHearing:
    hearing_id: int
    judge: Seat
    parties: list[Seat]
    late: Seat
    case_id: int | None = None
    """The case the hearing is of (None for a baseline's room)."""


def create_staff(server: LiveServer) -> str:
    """Create the judge and clerk accounts with the server's CLI; return the password."""
    password = secrets.token_urlsafe(16)
    for username, role in (("judge", "judge"), ("clerk", "clerk")):
        options = ("--role", role, "--court", "bench", "--password-stdin")
        server.run("create-user", username, *options, stdin=password + "\n").check_returncode()
    return password


async def staff_call(
    http: aiohttp.ClientSession,
    staff: Staff,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """The judge's REST call (a JSON `body`, or raw `data`); its JSON answer, raising on an
    error status."""
    sent = {"X-CSRF-Token": staff.csrf, "Cookie": f"hs_session={staff.judge_cookie}"}
    async with http.request(
        method, API + path, json=body, data=data, headers={**sent, **(headers or {})}
    ) as response:
        reply = await response.json()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {reply}")
        return reply


async def seed_hearing(url: str, staff: Staff, parties: int, public: bool = False) -> BenchHearing:
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def call(path: str, body: dict[str, Any] | None = None) -> Any:
            return await staff_call(http, staff, "GET" if body is None else "POST", path, body)

        number = f"(2026)Bench{secrets.token_hex(3)}"
        case = await call("/cases", {"number": number, "title": "bench", "kind": "civil_trial"})
        start = datetime.now(UTC).isoformat()
        hearing = await call(
            f"/cases/{case['id']}/hearings",
            {"scheduled_start": start, "clerk_id": staff.clerk_id, "public": public},
        )
        hearing_id = hearing["id"]
        seats = []
        for i in range(parties):
            made = await call(
                f"/hearings/{hearing_id}/participants", {"role": "party", "name": f"party {i}"}
            )
            seats.append(Seat(made["participant"]["id"], invitation=made["invitation"]["token"]))
        listed = (await call(f"/hearings/{hearing_id}/participants"))["items"]
        seat_of = {p["user_id"]: p["id"] for p in listed if p["user_id"] is not None}
        return BenchHearing(
            hearing_id=hearing_id,
            judge=Seat(seat_of[staff.judge_id], cookie=staff.judge_cookie),
            parties=seats,
            late=Seat(seat_of[staff.clerk_id], cookie=staff.clerk_cookie, publishes=False),
            case_id=case["id"],
        )


async def court_exhibit(
    url: str, staff: Staff, case_id: int, name: str, data: bytes
) -> tuple[int, int]:
    """The judge submits an exhibit on the court's list and uploads `data` as its file, in one
    chunk (the server inspects it as the last byte arrives); the exhibit's id and the file's."""
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.DummyCookieJar()) as http:
        submitted = {"title": name, "purpose": "bench"}
        exhibit = await staff_call(http, staff, "POST", f"/cases/{case_id}/exhibits", submitted)
        started = {"name": name, "size": len(data)}
        upload = await staff_call(
            http, staff, "POST", f"/exhibits/{exhibit['id']}/uploads", started
        )
        done = await staff_call(
            http,
            staff,
            "PATCH",
            f"/uploads/{upload['upload_id']}",
            data=data,
            headers={"Upload-Offset": "0", "Content-Type": "application/octet-stream"},
        )
        return exhibit["id"], done["file"]["id"]


async def _login(http: aiohttp.ClientSession, username: str, password: str) -> tuple[int, str, str]:
    body = {"username": username, "password": password}
    async with http.post(API + "/auth/login", json=body) as response:
        reply = await response.json()
        if response.status != 200:
            raise RuntimeError(f"login {username}: {response.status} {reply}")
        return reply["id"], response.cookies["hs_session"].value, reply["csrf_token"]
