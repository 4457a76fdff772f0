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


def create_staff(server: LiveServer) -> str:
    """Create the judge and clerk accounts with the server's CLI; return the password."""
    password = secrets.token_urlsafe(16)
    for username, role in (("judge", "judge"), ("clerk", "clerk")):
        options = ("--role", role, "--court", "bench", "--password-stdin")
        server.run("create-user", username, *options, stdin=password + "\n").check_returncode()
    return password


async def seed_hearing(url: str, staff: Staff, parties: int) -> BenchHearing:
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def call(path: str, body: dict[str, Any] | None = None) -> Any:
            headers = {"X-CSRF-Token": staff.csrf, "Cookie": f"hs_session={staff.judge_cookie}"}
            method = "POST" if body is not None else "GET"
            async with http.request(method, API + path, json=body, headers=headers) as response:
                reply = await response.json()
                if response.status >= 300:
                    raise RuntimeError(f"{method} {path}: {response.status} {reply}")
                return reply

        number = f"(2026)Bench{secrets.token_hex(3)}"
        case = await call("/cases", {"number": number, "title": "bench", "kind": "civil_trial"})
        start = datetime.now(UTC).isoformat()
        hearing = await call(
            f"/cases/{case['id']}/hearings", {"scheduled_start": start, "clerk_id": staff.clerk_id}
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
        )


async def _login(http: aiohttp.ClientSession, username: str, password: str) -> tuple[int, str, str]:
    body = {"username": username, "password": password}
    async with http.post(API + "/auth/login", json=body) as response:
        reply = await response.json()
        if response.status != 200:
            raise RuntimeError(f"login {username}: {response.status} {reply}")
        return reply["id"], response.cookies["hs_session"].value, reply["csrf_token"]
