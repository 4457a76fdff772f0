"""Creditors' meeting benchmark: N creditors on camera vote on a motion; how fast the result
reaches every client, and whether forwarded video holds its frame rate meanwhile.

    python -m bench.creditors [--quick] [--participants N] [--window S] [--workers W]

1. A real `hearing-server serve` on a new PostgreSQL database with Redis (bench/cluster.py, one
   process) and a creditors' meeting seeded through the REST API: N creditors with invitations,
   a claim each (a table of secured, employee, tax and ordinary claims drawn from a fixed seed),
   and one motion (an ordinary resolution, Art. 64).
2. Load-generator processes (bench/creditors_worker.py, 2 by default) run the judge and the N
   creditors: each publishes the pre-encoded clip (bench/clip.py: 640x360 VP8 ~800 kbps at 30
   fps, and Opus) and receives what the server forwards, counting packets and frames without
   decoding. The judge opens the hearing and starts the session (so every track is recorded),
   the creditors join, the judge admits all, sets the `vote` phase and mutes everyone off the
   bench (`mute_all`, as a bench does in a meeting this size; `--unmuted` leaves everyone's
   audio on). With more than 12 cameras the server forwards the bench's video and nine others
   (last-N, signaling/monitor.py: the last speakers, topped up in participant order; the clip's
   audio carries no voice flag, so the set stays put): each creditor receives 9 or 10 videos.
3. Once every participant receives every video it should, after a warm-up, frames are counted
   over the window. A third of the way into it the judge opens the vote on the motion, every
   creditor casts a ballot at once (choices drawn from the seed), and the judge closes it.
4. **`vote_result_p95_s`**: from just before the judge's `close_vote` call leaves its process
   to the `room` event carrying the closed vote arriving at each participant (the judge and
   every creditor), on the machine's monotonic clock that all processes share; p95 by nearest
   rank over the participants. Target <= 1 s. Every participant must get the same result, and it
   must be the one court/votes.py computes from the table (checked; the bench fails otherwise).
5. **`fps_min`**: the lowest received frame rate (complete VP8 frames, by the RTP marker bit,
   over the window) of any video stream the server should forward under last-N, counted at the
   receivers; a stream that should arrive and does not counts as 0. Target >= 29. The window
   includes the vote. `sent_fps_min` is the slowest publisher's send rate: below ~29 the load
   generator itself is starved and fps_min says nothing about the server. `delivered_min` is
   then the server's part: the lowest share of a publisher's frames sent in the window that
   one of its subscribers received (a starved receiving process loses some too, so it bounds the
   server's losses from above).

The last line is one JSON object: `participants` (N), `vote_result_p95_s`, `fps_min`, and more.

Limits: everything shares the machine's two cores. The load generator's receiving side is
aiortc in Python (SRTP and RTP parsing per packet) and costs about as much CPU per stream as the
server's forwarding (bench/scale.py), so with N = 25 the generator and the server together need
most of both cores; `machine_cores` near 2.0 means the figures are the machine's limit, not the
server's. bench/README.md has measured runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench import creditors_worker
from bench.clip import FPS, encode_clip
from bench.cluster import Cluster
from bench.creditors_worker import Result
from bench.participant import Seat
from bench.proc import cpu_seconds, machine_busy_seconds
from bench.scale_worker import Counts
from bench.seed import Staff, log_in_staff, staff_call
from bench.workers import Workers
from court.votes import Choice, Claim, ClaimGroup, Rule, compute
from signaling.monitor import LARGE_MEETING, LAST_N

W = 10_000_00
"""Ten thousand yuan, in fen."""


@dataclass(frozen=True)
class Meeting:
    hearing_id: int
    motion_id: int
    judge: Seat
    creditors: list[Seat]
    claims: list[Claim]


def claim_table(ids: list[int], rng: random.Random) -> list[Claim]:
    """One creditor in ten secured, two employees, one the tax office, the rest ordinary."""
    groups = [ClaimGroup.SECURED, ClaimGroup.EMPLOYEES, ClaimGroup.EMPLOYEES, ClaimGroup.TAXES]
    groups += [ClaimGroup.ORDINARY] * 6
    return [
        Claim(pid, rng.randint(1, 500) * W, groups[i % len(groups)]) for i, pid in enumerate(ids)
    ]


async def seed_meeting(url: str, staff: Staff, creditors: int, rng: random.Random) -> Meeting:
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
            return await staff_call(http, staff, method, path, body)

        number = f"(2026)Bench破{secrets.token_hex(3)}"
        case = await call(
            "POST", "/cases", {"number": number, "title": "bench", "kind": "creditors_meeting"}
        )
        start = datetime.now(UTC).isoformat()
        hearing = await call("POST", f"/cases/{case['id']}/hearings", {"scheduled_start": start})
        hid = hearing["id"]
        seats = []
        for i in range(creditors):
            made = await call(
                "POST",
                f"/hearings/{hid}/participants",
                {"role": "creditor", "name": f"债权人{i + 1}"},
            )
            seats.append(Seat(made["participant"]["id"], invitation=made["invitation"]["token"]))
        claims = claim_table([s.participant_id for s in seats], rng)
        items = [
            {"participant_id": c.participant_id, "amount_fen": c.amount_fen, "group": c.group}
            for c in claims
        ]
        await call("PUT", f"/hearings/{hid}/claims", {"items": items})
        motion = await call(
            "POST", f"/hearings/{hid}/motions", {"title": "财产变价方案", "rule": "ordinary"}
        )
        listed = (await call("GET", f"/hearings/{hid}/participants"))["items"]
        judge = next(p["id"] for p in listed if p["user_id"] == staff.judge_id)
        return Meeting(
            hid, motion["id"], Seat(judge, cookie=staff.judge_cookie), seats, claims
        )  # fmt: skip


def expected_sources(meeting: Meeting) -> dict[int, set[int]]:
    """Subscriber -> the publishers whose video the server should forward to them: everyone's
    in a small meeting; past LARGE_MEETING, the bench's and the first LAST_N others' (nobody
    is flagged speaking, so they are topped up in participant order: signaling/monitor.py)."""
    judge = meeting.judge.participant_id
    everyone = [judge, *(s.participant_id for s in meeting.creditors)]
    sources = set(everyone)
    if len(everyone) > LARGE_MEETING:
        sources = {judge, *sorted(p for p in everyone if p != judge)[:LAST_N]}
    return {member: sources - {member} for member in everyone}


def _checked(reply: dict[str, Any], what: str) -> dict[str, Any]:
    if "error" in reply:
        raise RuntimeError(f"{what}: {reply['error']}")
    return reply


def p95(values: list[float]) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


@dataclass(frozen=True)
class Options:
    participants: int
    warmup: float
    window: float
    workers: int
    muted: bool
    seed: int


class Run:
    """One meeting on one server, its load generator, and the measurement."""

    def __init__(self, cluster: Cluster, pool: Workers, meeting: Meeting, options: Options):
        self.cluster = cluster
        self.pool = pool
        self.meeting = meeting
        self.options = options
        self.url = cluster.urls[0]
        self.expected = expected_sources(meeting)
        self.rng = random.Random(options.seed)
        self.join_retries = 0
        """Connections that failed as creditors joined and were tried again."""

    def judge(self, event: str, data: Any = None) -> dict[str, Any]:
        pid = self.meeting.judge.participant_id
        return _checked(self.pool.ask(0, "call", pid, event, data), event)

    def set_up(self) -> float:
        """Join everyone and bring the meeting to its vote phase; seconds it took."""
        started = time.monotonic()
        hid = self.meeting.hearing_id
        self.pool.ask(0, "join", self.url, hid, [self.meeting.judge])
        self.judge("open")
        self.judge("start_session")
        n = len(self.pool.conns)
        shares = [self.meeting.creditors[i::n] for i in range(n)]
        batch = 5  # a handful at a time per worker, as people arrive
        for start in range(0, max(len(s) for s in shares), batch):
            replies = self.pool.gather(
                {i: ("join", self.url, hid, s[start : start + batch]) for i, s in enumerate(shares)}
            )
            self.join_retries += sum(replies.values())
        # the phase and the mutes first: admitting everyone at once sets off a storm of
        # renegotiations (each new subscriber, each new track) that delays other calls
        self.judge("set_phase", {"phase": "vote"})
        if self.options.muted:
            self.judge("mute_all")
        admitted = self.judge("admit_all")["admitted"]
        if len(admitted) != len(self.meeting.creditors):
            raise RuntimeError(f"admitted {len(admitted)} of {len(self.meeting.creditors)}")
        return time.monotonic() - started

    def wait_flowing(self, limit: float) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            flowing = self.pool.flowing()
            if all(flowing.get(m, 0) >= len(srcs) for m, srcs in self.expected.items()):
                return True
            time.sleep(0.5)
        return False

    def vote(self) -> tuple[list[float], bool, bool, float]:
        """Open, every ballot at once, close. The seconds from the close to each participant's
        result, whether everyone got the result court/votes.py computes, that result, and the
        seconds the ballots took."""
        motion = self.meeting.motion_id
        self.judge("open_vote", {"motion_id": motion})
        choices = {
            s.participant_id: self.rng.choices(["for", "against", "abstain"], [6, 3, 1])[0]
            for s in self.meeting.creditors
        }
        cast_started = time.monotonic()
        cast = sum(self.pool.ask_all("cast", motion, choices))
        cast_s = time.monotonic() - cast_started
        if cast != len(choices):
            raise RuntimeError(f"{cast} ballots cast of {len(choices)}")
        closed_at, reply = self.pool.ask(0, "close_vote", self.meeting.judge.participant_id, motion)
        _checked(reply, "close_vote")
        got: dict[int, Result | None] = {}
        for part in self.pool.ask_all("results", motion, 10.0):
            got.update(part)
        missing = [pid for pid, result in got.items() if result is None]
        if missing:
            raise RuntimeError(f"no result reached {len(missing)} participants: {missing[:5]}")
        ballots = {pid: Choice(choice) for pid, choice in choices.items()}
        present = [s.participant_id for s in self.meeting.creditors]
        passed = compute(Rule.ORDINARY, self.meeting.claims, ballots, present).passed
        results = [r for r in got.values() if r is not None]
        correct = reply.get("passed") is passed and all(r.passed is passed for r in results)
        return [r.arrived_at - closed_at for r in results], correct, passed, cast_s

    def measure(self) -> dict[str, Any]:
        options = self.options
        flowing = self.wait_flowing(120.0)
        print(f"media flowing to everyone: {flowing}", flush=True)
        time.sleep(options.warmup)
        server = self.cluster.servers[0].pid
        self.pool.ask_all("reset")
        server_start, generator_start = cpu_seconds(server), sum(map(cpu_seconds, self.pool.pids))
        busy_start, started = machine_busy_seconds(), time.monotonic()
        time.sleep(options.window / 3)
        delays, correct, passed, cast_s = self.vote()
        time.sleep(max(0.0, started + options.window - time.monotonic()))
        counts: list[Counts] = self.pool.ask_all("counts")
        window = time.monotonic() - started
        server_cores = (cpu_seconds(server) - server_start) / window
        generator_cores = (sum(map(cpu_seconds, self.pool.pids)) - generator_start) / window
        machine_cores = (machine_busy_seconds() - busy_start) / window
        received = {pair: n for c in counts for pair, n in c.received.items()}
        spans = {pid: c.window for c in counts for pid in c.sent}
        sent_fps = [n / spans[pid] for c in counts for pid, n in c.sent.items()]
        fps = [
            received.get((sub, pub), 0) / spans[sub]
            for sub, pubs in self.expected.items()
            for pub in pubs
        ]
        sent = {pid: n for c in counts for pid, n in c.sent.items()}
        delivered = [
            received.get((sub, pub), 0) / sent[pub] if sent[pub] else 0.0
            for sub, pubs in self.expected.items()
            for pub in pubs
        ]
        extra = sum(
            1
            for (sub, pub), n in received.items()
            if n > 0 and pub not in self.expected.get(sub, set())
        )
        return {
            "participants": len(self.meeting.creditors),
            "vote_result_p95_s": round(p95(delays), 3),
            "fps_min": round(min(fps), 1),
            "vote_result_max_s": round(max(delays), 3),
            "vote_result_median_s": round(sorted(delays)[len(delays) // 2], 3),
            "result_correct": correct,
            "passed": passed,
            "ballots_s": round(cast_s, 3),
            "fps_median": round(sorted(fps)[len(fps) // 2], 1),
            "streams_below_29_fps": sum(1 for f in fps if f < FPS - 1),
            "video_streams": len(fps),
            "unexpected_streams": extra,
            "sent_fps_min": round(min(sent_fps), 1),
            "delivered_min": round(min(delivered), 3),
            "delivered_median": round(sorted(delivered)[len(delivered) // 2], 3),
            "server_cores": round(server_cores, 2),
            "generator_cores": round(generator_cores, 2),
            "machine_cores": round(machine_cores, 2),
            "other_load_cores": round(machine_cores - server_cores - generator_cores, 2),
            "flowing_before_window": flowing,
            "window_s": round(window, 1),
            "muted": options.muted,
            "workers": options.workers,
        }


def run(options: Options) -> dict[str, Any]:
    rng = random.Random(options.seed)
    clip = encode_clip()
    with (
        tempfile.TemporaryDirectory(prefix="bench-creditors-") as tmp,
        Cluster(1, Path(tmp)) as cluster,
    ):
        staff = asyncio.run(log_in_staff(cluster.urls[0], cluster.password))
        meeting = asyncio.run(seed_meeting(cluster.urls[0], staff, options.participants, rng))
        pool = Workers(options.workers, creditors_worker.run, clip)
        try:
            bench_run = Run(cluster, pool, meeting, options)
            setup = bench_run.set_up()
            print(f"{options.participants} creditors and the judge joined in {setup:.1f} s")
            figures = bench_run.measure()
            return {**figures, "setup_s": round(setup, 1), "join_retries": bench_run.join_retries}
        finally:
            pool.close()


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    options = Options(
        participants=args.participants or (25 if args.quick else 60),
        warmup=3.0 if args.quick else 5.0,
        window=args.window or (15.0 if args.quick else 30.0),
        workers=args.workers,
        muted=not args.unmuted,
        seed=args.seed,
    )
    started = time.monotonic()
    print(
        f"clip: 640x360 VP8 at {FPS} fps + Opus; {options.participants} creditors and the judge "
        f"publishing, last-N video, {options.window:g} s window, {options.workers} generator "
        f"processes, creditors {'muted by the bench' if options.muted else 'unmuted'}",
        flush=True,
    )
    figures = run(options)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    print(json.dumps({**figures, "seconds": round(time.monotonic() - started, 1)}))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.creditors", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="25 creditors, a 15 s window")
    parser.add_argument("--participants", type=int, help="creditors (25 quick, 60 otherwise)")
    parser.add_argument("--window", type=float, help="measured seconds")
    parser.add_argument("--workers", type=int, default=2, help="load-generator processes")
    parser.add_argument("--unmuted", action="store_true", help="leave the creditors' audio on")
    parser.add_argument("--seed", type=int, default=16, help="claims and ballots")
    return parser


if __name__ == "__main__":
    main()
