"""Staggered hearing benchmark: many parties submit video statements within a minute; whether
every acknowledged statement is kept byte-exact, what the server spends per recorded minute,
and how long sealing the record takes.

    python -m bench.statements --quick     # 24 statements of 30 s, starts over 7.2 s
    python -m bench.statements             # 200 statements of 2 minutes, starts over 60 s
    python -m bench.statements --parties 50 --seconds 60 --spread 30 --chunk-mib 4

1. A real `hearing-server serve` on its embedded defaults (SQLite and a recordings folder,
   `var/` of a temporary folder), a judge and a clerk made with its CLI.
2. The judge schedules a staggered hearing (`async_hearing`) with N invited parties; every
   party agrees to taking part online through its invitation; the judge adds one stage listing
   them all (`on_submit`; a stage lists at most 100 people, so one stage per hundred) and
   starts the hearing.
3. One real statement is encoded (bench/statement_files.py: WebM as MediaRecorder writes it,
   VP8 320x240 15 fps and Opus, ~375 kbps) and N distinct files derived from it by remuxing.
4. The parties submit, each with its own HTTP client and invitation, in chunks (default
   1 MiB; bench/statement_upload.py); their starts spread evenly over `--spread` seconds (0:
   all at once). The window runs from the first start to the last answer.
5. The judge lists the stage's turns and downloads every acknowledged statement's file
   (`GET /turns/{id}/media`), hashing it; then closes the hearing
   (`POST /hearings/{id}/staggered/close`, which seals the record) and times it.

The last line is one JSON object:
- `statements`: submissions acknowledged (201 with the turn).
- `statements_lost` (target 0): acknowledged, but not listed afterwards as the same turn with
  the SHA-256 of the file sent, or the stored file's SHA-256 differs.
- `cpu_s_per_recorded_minute`: the server's CPU time over the window (user + system, all its
  threads, plus its probe children: /proc/<pid>/stat) / minutes of statement acknowledged.
- `seal_s`: wall time of the close; null when the server has no such endpoint (404/405).
  Then `sealed_statements`: acknowledged statements that the sealed manifest lists as
  statement files with the SHA-256 sent, and `seal_verified`: `hearing-server verify` (which
  hashes every file again) finds the record intact.
and more: `refused` (not acknowledged, by status and code), `upload_p50_s`/`upload_p95_s` (from
a party's first request to its acknowledgement), `finish_p50_s`/`finish_p95_s` (from sending
the chunk that completes the file to the acknowledgement), `window_s`, `throughput_mb_s`,
`server_cores`, `bench_cores`, `other_load_cores`, `log_tracebacks`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench.proc import cpu_seconds, machine_busy_seconds
from bench.seed import API, Staff, create_staff, log_in_staff
from bench.statement_files import Statement, statements
from bench.statement_upload import Party, Submission, session, submit
from hearing_server.api.stages_api import MAX_LISTED
from tests.live_server import LiveServer

NOTICE_VERSION = "2026-12"
"""The online-participation notice the parties agree to (court/consent.py)."""


class Judge:
    """The judge's REST calls, logged in once."""

    def __init__(self, http: aiohttp.ClientSession, staff: Staff) -> None:
        self.http, self.staff = http, staff

    async def status(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        headers = {
            "X-CSRF-Token": self.staff.csrf,
            "Cookie": f"hs_session={self.staff.judge_cookie}",
        }
        async with self.http.request(method, API + path, json=body, headers=headers) as response:
            is_json = response.content_type == "application/json"
            return response.status, await response.json() if is_json else await response.text()

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        status, reply = await self.status(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {reply}")
        return reply

    async def media_sha256(self, turn_id: int) -> str | None:
        """The SHA-256 of the statement's file as the server serves it (None: not served)."""
        headers = {"Cookie": f"hs_session={self.staff.judge_cookie}"}
        async with self.http.get(f"{API}/turns/{turn_id}/media", headers=headers) as response:
            if response.status != 200:
                return None
            digest = hashlib.sha256()
            async for block in response.content.iter_chunked(1 << 20):
                digest.update(block)
            return digest.hexdigest()


async def seed(judge: Judge, url: str, count: int) -> tuple[int, list[Party]]:
    """A started staggered hearing with `count` consenting parties listed on one open stage
    (on one per hundred: a stage lists at most MAX_LISTED); the hearing's id and the parties,
    each with their stage."""
    number = f"(2026)Bench错{secrets.token_hex(3)}"
    case = await judge.call(
        "POST", "/cases", {"number": number, "title": "bench", "kind": "async_hearing"}
    )
    start = datetime.now(UTC).isoformat()
    hearing = await judge.call("POST", f"/cases/{case['id']}/hearings", {"scheduled_start": start})
    hid = hearing["id"]
    parties = []
    for n in range(count):
        made = await judge.call(
            "POST", f"/hearings/{hid}/participants", {"role": "party", "name": f"当事人{n + 1}"}
        )
        parties.append(Party(made["participant"]["id"], made["invitation"]["token"]))
    consents = asyncio.Semaphore(8)

    async def agree(party: Party) -> None:
        async with consents, session(party) as http:
            body = {"agreed": True, "notice_version": NOTICE_VERSION}
            async with http.post(f"{url}{API}/invitation/consent", json=body) as response:
                if response.status != 201:
                    raise RuntimeError(f"consent: {response.status} {await response.text()}")

    await asyncio.gather(*(agree(p) for p in parties))
    listed = []
    for first in range(0, count, MAX_LISTED):
        group = parties[first : first + MAX_LISTED]
        stage = await judge.call(
            "POST",
            f"/hearings/{hid}/stages",
            {
                "kind": "claims_statement",
                "participant_ids": [p.participant_id for p in group],
                "deadline": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                "visibility": "on_submit",
            },
        )
        listed += [replace(p, stage_id=stage["id"]) for p in group]
    await judge.call("POST", f"/hearings/{hid}/staggered/start")
    return hid, listed


async def submit_all(url: str, subs: list[Submission], spread: float, chunk: int) -> None:
    """Every party submits its statement, the n-th starting n/N of `spread` seconds in."""
    began = time.monotonic()

    async def one(n: int, sub: Submission) -> None:
        await asyncio.sleep(max(0.0, began + spread * n / len(subs) - time.monotonic()))
        async with session(sub.party) as http:
            await submit(http, url, sub, chunk)

    await asyncio.gather(*(one(n, sub) for n, sub in enumerate(subs)))


async def count_lost(judge: Judge, acknowledged: list[Submission]) -> list[str]:
    """What is wrong with each acknowledged statement that is not kept as it was sent."""
    listed = {}
    for stage_id in sorted({s.party.stage_id for s in acknowledged}):
        turns = (await judge.call("GET", f"/stages/{stage_id}/turns"))["items"]
        listed.update({t["id"]: t for t in turns})
    downloads = asyncio.Semaphore(4)
    problems: list[str] = []

    async def check(sub: Submission) -> None:
        assert sub.turn is not None
        sent, turn = sub.statement.sha256, listed.get(sub.turn["id"])
        who = f"participant {sub.party.participant_id}"
        if turn is None or turn["participant_id"] != sub.party.participant_id:
            problems.append(f"{who}: turn {sub.turn['id']} not listed")
        elif turn["sha256"] != sent:
            problems.append(f"{who}: listed with SHA-256 {turn['sha256'][:12]}, sent {sent[:12]}")
        else:
            async with downloads:
                stored = await judge.media_sha256(turn["id"])
            if stored != sent:
                problems.append(f"{who}: stored file's SHA-256 {stored and stored[:12]}")

    await asyncio.gather(*(check(sub) for sub in acknowledged))
    return problems


async def seal(judge: Judge, hearing_id: int) -> tuple[float | None, Any]:
    """Seconds the close took (None when the endpoint does not exist), and its answer."""
    clock = time.perf_counter()
    status, reply = await judge.status("POST", f"/hearings/{hearing_id}/staggered/close")
    seconds = time.perf_counter() - clock
    if status in (404, 405):
        return None, {"status": status, "reply": reply}
    if status != 200:
        raise RuntimeError(f"close: {status} {reply}")
    return seconds, reply


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else None


async def run(
    server: LiveServer, password: str, files: list[Statement], args: Any
) -> tuple[dict[str, Any], int, set[str]]:
    """The figures; the hearing's id and the SHA-256 of each acknowledged statement."""
    url = server.url
    staff = await log_in_staff(url, password)
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.DummyCookieJar()) as http:
        judge = Judge(http, staff)
        hearing_id, parties = await seed(judge, url, len(files))
        subs = [Submission(p, f) for p, f in zip(parties, files, strict=True)]
        server_cpu, bench_cpu = cpu_seconds(server.pid, True), cpu_seconds(os.getpid())
        busy, clock = machine_busy_seconds(), time.monotonic()
        await submit_all(url, subs, args.spread, args.chunk_mib << 20)
        window = time.monotonic() - clock
        server_cpu = cpu_seconds(server.pid, True) - server_cpu
        bench_cpu = cpu_seconds(os.getpid()) - bench_cpu
        busy = machine_busy_seconds() - busy
        acknowledged = [s for s in subs if s.turn is not None]
        problems = await count_lost(judge, acknowledged)
        seal_s, sealed = await seal(judge, hearing_id)
    minutes = sum(s.turn["duration_s"] or 0 for s in acknowledged if s.turn) / 60
    sent_mb = sum(s.statement.size for s in acknowledged) / 1e6
    times = [s.seconds for s in acknowledged]
    finishing = [s.finished - s.last_chunk for s in acknowledged]
    for problem in problems:
        print(f"LOST {problem}")
    figures = {
        "statements": len(acknowledged),
        "statements_lost": len(problems),
        "cpu_s_per_recorded_minute": round(server_cpu / minutes, 3) if minutes else None,
        "seal_s": None if seal_s is None else round(seal_s, 3),
        "parties": len(subs),
        "statement_s": args.seconds,
        "statement_mb": round(files[0].size / 1e6, 2),
        "spread_s": args.spread,
        "chunk_mib": args.chunk_mib,
        "refused": dict(Counter(s.refusal for s in subs if s.turn is None)),
        "resumes": sum(s.resumes for s in subs),
        "resumed_after": dict(Counter(n for s in subs for n in s.notes)),
        "upload_p50_s": _rounded(percentile(times, 0.5)),
        "upload_p95_s": _rounded(percentile(times, 0.95)),
        "upload_max_s": _rounded(max(times, default=None)),
        "finish_p50_s": _rounded(percentile(finishing, 0.5)),
        "finish_p95_s": _rounded(percentile(finishing, 0.95)),
        "window_s": round(window, 2),
        "throughput_mb_s": round(sent_mb / window, 2),
        "recorded_minutes": round(minutes, 2),
        "server_cpu_s": round(server_cpu, 2),
        "server_cores": round(server_cpu / window, 2),
        "bench_cores": round(bench_cpu / window, 2),
        "other_load_cores": round((busy - server_cpu - bench_cpu) / window, 2),
        "seal": sealed,
    }
    return figures, hearing_id, {s.statement.sha256 for s in acknowledged}


def check_seal(server: LiveServer, hearing_id: int, sent: set[str]) -> dict[str, Any]:
    """After the close: how many acknowledged statements the sealed manifest lists as
    statement files with the SHA-256 sent, and whether `hearing-server verify` finds the record
    intact (it hashes every file again)."""
    manifest = server.workdir / "var" / "recordings" / f"hearing-{hearing_id}" / "manifest.json"
    entries = json.loads(manifest.read_text())["entries"]
    hashes = {
        e["data"]["sha256"]
        for e in entries
        if e["type"] == "file" and e["data"].get("kind") == "statement"
    }
    clock = time.perf_counter()
    verified = server.run("verify", str(hearing_id))
    return {
        "sealed_statements": len(sent & hashes),
        "seal_verified": verified.returncode == 0,
        "verify_s": round(time.perf_counter() - clock, 2),
        "verify_says": (verified.stdout or verified.stderr).strip().splitlines()[:1],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def start_server(workdir: Path) -> tuple[LiveServer, str]:
    """`hearing-server serve` with no database or storage settings: its defaults under `var/`
    of `workdir` (SQLite, the recordings folder); a judge and a clerk made with the CLI."""
    server = LiveServer(workdir)
    server.run("migrate").check_returncode()
    password = create_staff(server)
    server.start()
    return server, password


def report(result: dict[str, Any]) -> None:
    print(
        f"{result['statements']}/{result['parties']} statements of {result['statement_s']:g} s "
        f"({result['statement_mb']} MB each) acknowledged in a {result['window_s']} s window "
        f"(starts spread over {result['spread_s']:g} s, {result['chunk_mib']} MiB chunks); "
        f"lost: {result['statements_lost']}; refused: {result['refused'] or 'none'}; "
        f"resumed uploads: {result['resumes']} {result['resumed_after'] or ''}"
    )
    print(
        f"upload (first request to acknowledgement): p50 {result['upload_p50_s']} s, "
        f"p95 {result['upload_p95_s']} s, max {result['upload_max_s']} s; of which the last "
        f"chunk to acknowledgement (probe, hash, store) p50 {result['finish_p50_s']} s, "
        f"p95 {result['finish_p95_s']} s; "
        f"throughput {result['throughput_mb_s']} MB/s, "
        f"{result['statements'] / result['window_s'] * 60:.0f} statements/min"
    )
    print(
        f"server CPU {result['server_cpu_s']} s over the window ({result['server_cores']} cores) "
        f"for {result['recorded_minutes']} recorded minutes: "
        f"{result['cpu_s_per_recorded_minute']} s per recorded minute; bench "
        f"{result['bench_cores']} cores, other load on the machine {result['other_load_cores']} "
        "cores"
    )
    if result["seal_s"] is None:
        print(f"seal: the server has no close endpoint ({result['seal']['status']}): seal_s null")
        return
    print(
        f"seal (POST /staggered/close): {result['seal_s']} s, {result['seal']}; the manifest "
        f"lists {result['sealed_statements']} of the {result['statements']} statements; "
        f"hearing-server verify ({result['verify_s']} s): {result['verify_says']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="24 statements of 30 s over 7.2 s")
    parser.add_argument("--parties", type=int, help="statements submitted (default 200)")
    parser.add_argument("--seconds", type=float, help="each statement's length (default 120)")
    parser.add_argument("--spread", type=float, help="starts spread over this long (default 60)")
    parser.add_argument("--chunk-mib", type=int, default=1, help="upload chunk (default 1)")
    args = parser.parse_args()
    quick = {"parties": 24, "seconds": 30.0, "spread": 7.2}  # the full run's arrival rate
    full = {"parties": 200, "seconds": 120.0, "spread": 60.0}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    with tempfile.TemporaryDirectory(prefix="bench-statements-") as tmp:
        folder = Path(tmp) / "statements"
        folder.mkdir()
        clock = time.perf_counter()
        files = statements(folder, args.parties, args.seconds)
        made = time.perf_counter() - clock
        print(f"made {len(files)} statements of {args.seconds:g} s in {made:.1f} s")
        workdir = Path(tmp) / "server"
        workdir.mkdir()
        server, password = start_server(workdir)
        with server:
            result, hearing_id, sent = asyncio.run(run(server, password, files, args))
            if result["seal_s"] is not None:
                result.update(check_seal(server, hearing_id, sent))
        result["log_tracebacks"] = server.log.read_text(errors="replace").count("Traceback")
    report(result)
    print(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
