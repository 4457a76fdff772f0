"""`hearing-server serve` drains on SIGTERM: running hearings go on, no new ones start."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import time
from pathlib import Path

import aiohttp
import pytest
import requests
import socketio

from tests.live_server import LiveServer
from tests.signal_client import SignalClient


def schedule(api: str, session: requests.Session, number: str) -> int:
    case = session.post(
        f"{api}/cases", json={"number": number, "title": "案", "kind": "civil_trial"}, timeout=10
    )
    assert case.status_code == 201, case.text
    hearing = session.post(
        f"{api}/cases/{case.json()['id']}/hearings",
        json={"scheduled_start": "2026-11-27T09:00:00+08:00"},
        timeout=10,
    )
    assert hearing.status_code == 201, hearing.text
    hearing_id: int = hearing.json()["id"]
    return hearing_id


async def status(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status


async def test_sigterm_drains_then_stops_when_the_last_person_leaves(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}",
        drain_seconds="60",
        log_format="json",
    )
    assert server.run("migrate").returncode == 0
    made = server.run("create-user", "judge1", "--role", "judge", "--court", "c1")
    password = re.search(r"judge1 / (\S+)", made.stdout)
    assert password is not None, made.stdout + made.stderr
    with server:
        assert server.process is not None
        api = server.url + "/api/v1"
        judge = requests.Session()
        login = judge.post(
            f"{api}/auth/login", json={"username": "judge1", "password": password[1]}, timeout=10
        )
        assert login.status_code == 200
        judge.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        running, later = (
            schedule(api, judge, "(2026)c1民初1号"),
            schedule(api, judge, "(2026)c1民初2号"),
        )
        cookie = judge.cookies["hs_session"]
        bench = SignalClient(server.url)
        await bench.connect(running, cookie=cookie)
        await bench.wait_for("welcome")

        server.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while await status(server.url + "/readyz") != 503:
            assert time.monotonic() < deadline, "readyz never turned 503"
            await asyncio.sleep(0.1)
        assert await status(server.url + "/healthz") == 200

        late = SignalClient(server.url)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await late.connect(later, cookie=cookie)
        assert [r["code"] for r in late.refusals] == ["draining"]

        assert (await bench.call("open")).get("ok") is True  # the running hearing goes on
        assert server.process.poll() is None
        await bench.sio.disconnect()
        returncode = await asyncio.to_thread(server.process.wait, 15)
        assert returncode == 0
        lines = [
            json.loads(line) for line in server.log.read_text().splitlines() if line[:1] == "{"
        ]
        assert any(line["message"].startswith("drained") for line in lines)
        joined = [line for line in lines if line["logger"] == "signaling.live.timeline"]
        assert joined and all(line["hearing_id"] == running for line in joined)
        assert all("participant_id" in line for line in joined)
