"""Per-participant TURN credentials (TURN REST-API scheme), checked by a real coturn."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aioice.stun import TransactionFailed
from aioice.turn import create_turn_endpoint

from config import Settings
from signaling.ice import TurnRest
from tests.callers import Caller
from tests.integration.courtroom import Courtroom
from tests.live_server import free_port
from tests.signal_client import SignalClient

SECRET = "turn-shared-secret-for-tests"


@dataclass(frozen=True)
class Coturn:
    port: int


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[Coturn]:
    """coturn on loopback with `use-auth-secret`, as the README's deployment sets it up."""
    binary = shutil.which("turnserver")
    if binary is None:
        pytest.fail("coturn is missing: `apt-get install coturn` (.ci/run does)")
    port = free_port()
    log = tmp_path / "turn.log"
    process = subprocess.Popen(
        [
            binary,
            "-n",
            f"--listening-port={port}",
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            "--min-port=49152",
            "--max-port=65535",
            "--use-auth-secret",
            f"--static-auth-secret={SECRET}",
            "--realm=court.test",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            "--allow-loopback-peers",
            f"--db={tmp_path / 'turn.db'}",
            f"--pidfile={tmp_path / 'turn.pid'}",
            "--log-file=stdout",
            "--simple-log",
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while "DB connection success" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"coturn did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    yield Coturn(port)
    process.terminate()
    process.wait(5)


@pytest.fixture
def settings(database_url: str, tmp_path: Path, coturn: Coturn) -> Settings:
    return Settings(
        database_url=database_url,
        recordings_dir=tmp_path / "recordings",
        signing_key_path=tmp_path / "keys" / "archive-ed25519.pem",
        public_url="http://courts.test",
        turn_urls=[f"turn:127.0.0.1:{coturn.port}?transport=udp"],
        turn_secret=SECRET,
        turn_ttl_seconds=3600,
    )


async def allocate(port: int, username: str, password: str) -> tuple[str, int]:
    """Ask coturn for a relay address with these credentials; its relayed address."""
    transport, _ = await create_turn_endpoint(
        asyncio.DatagramProtocol, ("127.0.0.1", port), username, password
    )
    try:
        relayed: tuple[str, int] = transport.get_extra_info("sockname")
        return relayed
    finally:
        transport.close()


async def welcome_turn(courtroom: Courtroom, name: str) -> dict[str, str]:
    seat = courtroom.seats[name]
    client = SignalClient(courtroom.url)
    await client.connect(courtroom.hearing_id, seat.invitation, seat.cookie)
    try:
        welcome = await client.wait_for("welcome")
    finally:
        await client.sio.disconnect()
    (turn,) = [s for s in welcome["ice_servers"] if s["urls"][0].startswith("turn:")]
    return dict(turn)


async def test_each_participant_gets_a_credential_that_coturn_accepts(
    courtroom: Courtroom, coturn: Coturn, judge: Caller
) -> None:
    party = await welcome_turn(courtroom, "party_a")
    other = await welcome_turn(courtroom, "party_b")
    bench = await welcome_turn(courtroom, "judge")
    assert len({party["username"], other["username"], bench["username"]}) == 3
    expiry, key = party["username"].split(":", 1)
    assert time.time() + 3500 < int(expiry) <= time.time() + 3600
    assert key == f"h{courtroom.hearing_id}p{courtroom.id('party_a')}"

    host, port = await allocate(coturn.port, party["username"], party["credential"])
    assert host == "127.0.0.1" and port > 0

    credential = party["credential"]
    forged = ("B" if credential[0] == "A" else "A") + credential[1:]  # one character changed
    with pytest.raises(TransactionFailed, match="401"):
        await allocate(coturn.port, party["username"], forged)
    # someone else's username with this password: the HMAC binds the two
    with pytest.raises(TransactionFailed, match="401"):
        await allocate(coturn.port, other["username"], party["credential"])


async def test_an_expired_credential_is_refused(coturn: Coturn) -> None:
    issued_yesterday = TurnRest(["turn:x"], SECRET, ttl_seconds=3600).credential(
        "h1p1", now=time.time() - 86400
    )
    with pytest.raises(TransactionFailed, match="401"):
        await allocate(coturn.port, *issued_yesterday)
