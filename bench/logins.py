"""`python -m bench.logins`: a login flood against a real server, and whether its owner gets in.

```
python -m bench.logins --quick    # 1,000 parallel wrong logins for `judge` from 127.0.0.1
python -m bench.logins            # the same, then 1,000 spread over 100 addresses (127.0.1.x)
python -m bench.logins --redis    # with the throttle shared through Redis (127.0.0.1:6379)
```

Starts `hearing-server serve` (SQLite, default throttle settings) in a temporary directory,
makes a judge with the CLI, and fires all the wrong logins at once while another address
probes `/healthz` every 10 ms. Then the judge logs in with the right password from an address
that took no part (127.0.0.5). The last line is JSON: `server_errors` (5xx answers and
failed requests), `healthz_p99_ms`, `guesses_accepted` (wrong passwords the server checked,
answered 401) against `guess_limit`, and `owner_login_ok`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import aiohttp

from bench.proc import cpu_seconds
from bench.seed import create_staff
from tests.live_server import LiveServer, child_env

GUESS_LIMIT = 5  # the server's default login_attempts per address and account
ACCOUNT_GUARD = 20  # its default login_account_attempts
OWNER_ADDRESS = "127.0.0.5"
PROBE_ADDRESS = "127.0.0.9"


@dataclass
class Flood:
    logins: int
    addresses: int
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    server_errors: int = 0
    guesses_accepted: int = 0
    guess_limit: int = 0
    server_cpu_seconds: float = 0.0
    healthz_probes: int = 0
    healthz_p50_ms: float = 0.0
    healthz_p99_ms: float = 0.0
    healthz_max_ms: float = 0.0
    owner_login_ok: bool = False
    owner_login_ms: float = 0.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def _client(address: str, keep_alive: bool = False) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=0, force_close=not keep_alive)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120))


async def _login(http: aiohttp.ClientSession, url: str, password: str) -> str:
    """The answer's status, or the name of the failure when there was none."""
    try:
        body = {"username": "judge", "password": password}
        async with http.post(f"{url}/api/v1/auth/login", json=body) as response:
            await response.read()
            return str(response.status)
    except (aiohttp.ClientError, TimeoutError) as exc:
        return type(exc).__name__


async def probe(url: str) -> None:
    """Time `/healthz` every 10 ms until stdin closes; print `ready`, then at the end the
    `[start, milliseconds]` pairs as JSON."""
    loop = asyncio.get_running_loop()
    closed = loop.run_in_executor(None, sys.stdin.read)
    timings: list[tuple[float, float]] = []
    async with _client(PROBE_ADDRESS, keep_alive=True) as http:
        while not closed.done():
            started, clock = time.time(), time.perf_counter()
            async with http.get(f"{url}/healthz") as response:
                await response.read()
                assert response.status == 200, response.status
            timings.append((started, (time.perf_counter() - clock) * 1000))
            if len(timings) == 1:
                print("ready", flush=True)
            await asyncio.sleep(0.01)
    print(json.dumps(timings))


async def attack(url: str, logins: int, addresses: int) -> None:
    """All the wrong logins at once; print their answers as JSON.

    The attacker runs niced: on its own machine it would not take the server's CPU, and on
    a shared one it would otherwise delay the server and the probe more than the flood does.
    """
    os.nice(10)
    sources = ["127.0.0.1"] if addresses == 1 else [f"127.0.1.{i + 1}" for i in range(addresses)]
    clients = [_client(address) for address in sources]
    try:
        answers = await asyncio.gather(
            *(_login(clients[n % len(clients)], url, f"wrong-{n}") for n in range(logins))
        )
    finally:
        for client in clients:
            await client.close()
    print(json.dumps(answers))


async def _child(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.logins",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=child_env(),
    )


async def flood(url: str, pid: int, password: str, logins: int, addresses: int) -> Flood:
    """``logins`` wrong logins at once from ``addresses`` addresses, then the owner's."""
    # per address and account; past ACCOUNT_GUARD attempts on it, one per new address
    limit = min(GUESS_LIMIT * addresses, ACCOUNT_GUARD + addresses)
    result = Flood(logins, addresses, guess_limit=limit)
    prober = await _child("--probe", url)
    assert prober.stdout is not None
    await prober.stdout.readline()  # ready
    began, clock, cpu = time.time(), time.perf_counter(), cpu_seconds(pid)
    attacker = await _child("--attack", url, "--logins", str(logins), "--addresses", str(addresses))
    output, _ = await attacker.communicate()
    ended = time.time()
    result.seconds = round(time.perf_counter() - clock, 2)
    result.server_cpu_seconds = round(cpu_seconds(pid) - cpu, 2)
    answers = Counter(json.loads(output))
    timings, _ = await prober.communicate(b"")
    latencies = [ms for start, ms in json.loads(timings) if began <= start <= ended]
    result.statuses = dict(sorted(answers.items()))
    result.server_errors = sum(n for k, n in answers.items() if not k.isdigit() or int(k) >= 500)
    result.guesses_accepted = answers.get("401", 0)
    result.healthz_probes = len(latencies)
    result.healthz_p50_ms = round(_percentile(latencies, 0.5), 1)
    result.healthz_p99_ms = round(_percentile(latencies, 0.99), 1)
    result.healthz_max_ms = round(max(latencies), 1)
    async with _client(OWNER_ADDRESS) as owner:
        started = time.perf_counter()
        result.owner_login_ok = await _login(owner, url, password) == "200"
        result.owner_login_ms = round((time.perf_counter() - started) * 1000, 1)
    return result


def start_server(workdir: Path, redis: bool) -> tuple[LiveServer, str]:
    """`hearing-server serve` on a new SQLite database with a judge; returns it and the password."""
    settings = {
        "database_url": f"sqlite+aiosqlite:///{workdir}/bench.db",
        "recordings_dir": str(workdir / "recordings"),
    }
    if redis:
        settings["redis_url"] = "redis://127.0.0.1:6379/0"
        settings["redis_prefix"] = f"bench-logins-{secrets.token_hex(4)}"
    server = LiveServer(workdir, **settings)
    server.run("migrate").check_returncode()
    password = create_staff(server)
    server.start()
    return server, password


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the one-address flood")
    parser.add_argument("--logins", type=int, default=1000)
    parser.add_argument("--redis", action="store_true", help="share the throttle through Redis")
    parser.add_argument("--addresses", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--attack", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        asyncio.run(probe(args.probe))
        return
    if args.attack:
        asyncio.run(attack(args.attack, args.logins, args.addresses))
        return
    floods: dict[str, Flood] = {}
    tracebacks = 0
    with tempfile.TemporaryDirectory(prefix="bench-logins-") as tmp:
        plans = {"one_address": 1} if args.quick else {"one_address": 1, "spread": 100}
        for name, addresses in plans.items():
            workdir = Path(tmp) / name
            workdir.mkdir()
            server, password = start_server(workdir, args.redis)
            with server:
                floods[name] = asyncio.run(
                    flood(server.url, server.pid, password, args.logins, addresses)
                )
            tracebacks += server.log.read_text(errors="replace").count("Traceback")
            print(f"{name}: {json.dumps(asdict(floods[name]))}", file=sys.stderr)
    first = floods["one_address"]
    summary = {
        **asdict(first),
        "server_errors": sum(f.server_errors for f in floods.values()),
        "log_tracebacks": tracebacks,
        "redis": args.redis,
        **({"spread": asdict(floods["spread"])} if "spread" in floods else {}),
    }
    summary["ok"] = (
        summary["server_errors"] == 0
        and tracebacks == 0
        and all(f.healthz_p99_ms < 100 for f in floods.values())
        and all(f.guesses_accepted <= f.guess_limit for f in floods.values())
        and all(f.owner_login_ok for f in floods.values())
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
