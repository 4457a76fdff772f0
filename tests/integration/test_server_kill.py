"""`kill -9` of the whole server in mid-session (docs/architecture.md#recording-and-archive,
issue 4's checks).

A real `hearing-server serve` child process; headless participants join over loopback, the
judge starts the session and media flows for several seconds; the server is killed with
SIGKILL and started again on the same database and recordings folder. At start-up the
segments it left open are finalised and the interruption is written to the hearing's
timeline; the judge comes back and closes the hearing, and the archive shows every
participant's frame counters up to about 2 s before the kill, then a card marking the gap.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Participant, Recording, Segment
from hearing_server.identity import SESSION_COOKIE
from recording.digest import sha256_file
from tests.callers import PASSWORD, World
from tests.conftest import DATABASE_KINDS, empty_database
from tests.integration.archive_frames import (
    LOSS_BOUND,
    archived,
    assert_shown,
    eventually,
    read_archive,
    sidecar_state,
)
from tests.integration.courtroom import CAST, Courtroom, Seat, receiving, start
from tests.live_server import LiveServer

MEDIA_SECONDS = 7.0


@pytest.fixture(params=DATABASE_KINDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Both databases: recovery at start-up is database work."""
    async with empty_database(request.param, tmp_path) as url:
        yield url


class Http:
    """A staff member's HTTP session with the child server (cookies and CSRF token kept)."""

    def __init__(self, url: str) -> None:
        self.session = aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def login(self, username: str) -> None:
        body = await self.call("POST", "/auth/login", {"username": username, "password": PASSWORD})
        self.csrf = body["csrf_token"]

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        async with self.session.request(
            method, "/api/v1" + path, json=body, headers=headers
        ) as response:
            data = await response.json()
            assert response.status < 300, (method, path, response.status, data)
            return data

    def cookie(self) -> str:
        return next(c.value for c in self.session.cookie_jar if c.key == SESSION_COOKIE)


async def _schedule(url: str, world: World) -> tuple[int, dict[str, Seat]]:
    judge = Http(url)
    try:
        await judge.login("judge")
        case = await judge.call(
            "POST",
            "/cases",
            {"number": "(2026)A刑初7号", "title": "案件", "kind": "criminal_trial"},
        )
        hearing = await judge.call(
            "POST",
            f"/cases/{case['id']}/hearings",
            {
                "scheduled_start": datetime.now(UTC).isoformat(),
                "public": True,
                "clerk_id": world.clerk_id,
            },
        )
        hearing_id = hearing["id"]
        people = await judge.call("GET", f"/hearings/{hearing_id}/participants")
        bench = {p["role"]: p["id"] for p in people["items"]}
        seats = {"judge": Seat(bench["judge"], cookie=judge.cookie())}
        for name in ("party_a", "party_b"):
            created = await judge.call("POST", f"/hearings/{hearing_id}/participants", CAST[name])
            seats[name] = Seat(created["participant"]["id"], created["invitation"]["token"])
        return hearing_id, seats
    finally:
        await judge.session.close()


def _server(settings: Settings, workdir: Path) -> LiveServer:
    return LiveServer(
        workdir,
        module="tests.integration.server_child",
        database_url=settings.database_url,
        recordings_dir=str(settings.recordings_dir),
        signing_key_path=str(settings.signing_key_path),
    )


async def test_a_killed_server_recovers_its_segments_and_the_archive_keeps_all_but_the_last_seconds(
    database: Database, world: World, settings: Settings, tmp_path: Path
) -> None:
    first = _server(settings, tmp_path)
    with first:
        hearing_id, seats = await _schedule(first.url, world)
        courtroom = Courtroom(first.url, hearing_id, seats)
        try:
            people = await start(courtroom, "party_a", "party_b")
            judge = people["judge"]
            for source in ("party_a", "party_b"):
                await receiving(judge, courtroom.id(source), frames=10)
            await receiving(people["party_a"], courtroom.id("judge"), frames=10)
            await asyncio.sleep(MEDIA_SECONDS)
            assert first.process is not None
            killed_at, killed_wall = time.monotonic(), time.time()
            os.kill(first.process.pid, signal.SIGKILL)
            first.process.wait()
        finally:
            await courtroom.close()
    # by picture tag, what the server had of each camera while recording, up to 2 s before the
    # kill: the pictures another participant received from it by then (the server forwards what
    # it receives, so this does not depend on how fast a loaded machine let the clients send)
    wanted: dict[int, set[int]] = {}
    for name, receiver in (("judge", "party_a"), ("party_a", "judge"), ("party_b", "judge")):
        track = people[name].video
        assert track is not None
        arrived = people[receiver].reception(courtroom.id(name)).video
        wanted[track.tag] = {
            frame.counter
            for frame in arrived
            if killed_at - MEDIA_SECONDS <= frame.at <= killed_at - LOSS_BOUND
        }
        assert wanted[track.tag], f"nothing of {name} arrived in the recorded seconds"

    folder = settings.recordings_dir / f"hearing-{hearing_id}"
    left_open = {p for p in folder.glob("*.json") if sidecar_state(p) == "recording"}
    assert left_open, "segments were open when the server was killed"
    # the publishers' RTCP sender reports anchored the tracks (lip sync), not first arrivals,
    # and what they gave survives the kill; on a loaded machine a track's refined anchor may
    # not have reached its sidecar before the kill (seen for one track of six), so this asks
    # it of the recording, not of every track (recording/anchor.py's tests cover each rule)
    anchors: dict[str, set[str]] = {}
    for sidecar in folder.glob("*.json"):
        data = json.loads(sidecar.read_text())
        anchors.setdefault(data["track"], set()).add(data["anchor"]["source"])
    rtcp = [track for track, sources in anchors.items() if "rtcp" in sources]
    assert len(rtcp) * 2 > len(anchors), anchors

    second = _server(settings, tmp_path)
    with second:  # start-up: recovery happens before the server answers /healthz
        assert {sidecar_state(p) for p in left_open} == {"recovered"}
        async with database.session() as db:
            segments = {s.path: s for s in await db.scalars(select(Segment))}
            recording = await db.scalar(select(Recording).where(Recording.hearing_id == hearing_id))
            [interrupted] = await db.scalars(
                select(HearingEvent).where(
                    HearingEvent.hearing_id == hearing_id,
                    HearingEvent.kind == "recording_interrupted",
                )
            )
        for sidecar in left_open:
            key = sidecar.with_suffix(".mkv").relative_to(settings.recordings_dir).as_posix()
            assert segments[key].sha256 == sha256_file(settings.recordings_dir / key)
        # so are the segments it had closed, also one whose row it had no time to write
        written = {p.relative_to(settings.recordings_dir).as_posix() for p in folder.glob("*.mkv")}
        assert written <= set(segments), sorted(written - set(segments))
        assert recording is not None and recording.state == "recording"
        assert interrupted.data is not None
        assert interrupted.data["segments_recovered"] == len(left_open)
        gap_start = interrupted.at.replace(tzinfo=UTC).timestamp()
        # from the end of the last frame kept (which may end a frame's length past the kill,
        # and, timed by its arrival on a loaded machine, seconds later than it was sent)
        assert killed_wall - LOSS_BOUND - 1 < gap_start < killed_wall + LOSS_BOUND

        # the judge comes back (publishing again) and closes the hearing
        courtroom = Courtroom(second.url, hearing_id, seats)
        try:
            judge = await courtroom.join("judge")
            assert judge.signal.room["state"] == "in_session"
            await asyncio.sleep(2)
            assert (await judge.signal.call("close")) == {"ok": True}
            closed = await judge.signal.wait_for("closed", within=20)
            assert closed["verification_code"]
        finally:
            await courtroom.close()
        await eventually(lambda: archived(database, hearing_id), 90)

    async with database.session() as db:
        recording = await db.scalar(select(Recording).where(Recording.hearing_id == hearing_id))
        publishers = await db.scalar(
            select(Participant.id).where(Participant.hearing_id == hearing_id).limit(1)
        )
    assert recording is not None and recording.archive_path is not None and publishers
    assert recording.state == "sealed"
    frames = read_archive(settings.recordings_dir / recording.archive_path, tiles=3)
    assert frames.card, "the interruption is marked in the archive"
    for tag, sent in wanted.items():
        seen = frames.before.get(tag, [])
        # every picture of those seconds, but for the odd one a decoder skipped
        assert_shown(seen, sent, folder, tag)
        assert seen and max(seen) >= max(sent), (tag, max(seen, default=None), max(sent))
