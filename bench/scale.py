"""Scale benchmark: many small hearings on P server processes that form one system.

    python -m bench.scale [--quick] [--processes 1,2] [--participants 6] [--max-hearings N]

For P = 1, then P = 2 (`--processes`), a fresh system is started (bench/cluster.py): P real
`hearing-server serve` processes (gathering loopback ICE candidates, bench/launcher.py) on one
new PostgreSQL database, coordinated through Redis under a prefix of their own, sharing a
recordings folder. Hearings (6 participants by default) are seeded through the REST API
(bench/seed.py). Two load-generator processes (bench/scale_worker.py) run the participants:
each sends the pre-encoded clip (bench/clip.py: 640x360 VP8 ~800 kbps at 30 fps, and Opus) and
receives everyone else in its hearing, counting packets and frames without decoding.

Hearings are added in steps of P (1, 2, 3 ... hearings per process). Each new hearing:

1. The judge (a staff session cookie) joins, `open`s it and `start_session`s it, so it is
   recorded (every published track goes to the shared recordings folder: real server work).
   The parties (invitations) join and wait; the judge `admit_all`s them.
2. The clerk joins late and publishes too (the bench enters without being admitted): its
   **join latency** is the time from its socket.io connect (the first attempt, before any
   `moved` redirect) to its first complete VP8 frame received from any publisher, measured
   while all earlier hearings run; the time to a frame from every publisher is printed too.

First connections are spread round-robin over the processes (participant j of hearing k first
connects to process (k + j) mod P), as a front proxy would: the judge's join places the
hearing on the least-loaded process, and a join that reaches another process is refused with
`moved` and follows `node_url` (bench/participant.py). Hearings are set up one at a time, so
each placement sees the load reported by the previous ones (heartbeats every second).

When every participant receives every other publisher's video (waited for up to 30 s, 10 s
with --quick), after a warm-up, frames are counted over a window, and each server's CPU time
(user + system, all threads, from /proc/<pid>/stat) is read around it, as are the load
generator's and the whole machine's (/proc/stat). A step is **sustained** when every
subscriber received >= 95 % of the video frames its publishers sent in the window, and the
publishers sent >= 95 % of 30 fps (below that the load generator itself is starved). The run
of one P stops at the first step that is not sustained, or at `--max-hearings` per process
(12; 3 with --quick). Received/sent can read a little over 100 %: each worker opens and closes
its window when it gets the command, a few frames apart under load.

Table columns: `placed` = hearings held by each process; `streams` = video streams that
delivered frames / expected; `server cores` = each process's CPU seconds / window seconds;
`str/core` = streams / the sum of those; `worst sub` = the lowest received/sent share of a
subscriber (over its publishers), `worst str` of a single stream; `rx fps` = mean received
frame rate; `tx fps min` = the slowest publisher; `gen cores` = the load generator;
`other` = busy cores outside servers and generator (other programs; reads slightly negative
on an idle VM); `machine` = all busy cores; `rec MB/s` = how fast the shared recordings
folder grew over the window (the recording is really written); `setup s` = seconds taken by the
step's new hearings' joins, admissions and late joins. A failed step says why, and "(machine saturated)"
when >= 90 % of the cores were busy.

Figures (from the last sustained step):

- **hearings per process** = hearings running / P.
- **streams per core** = forwarded video streams (subscriber-publisher pairs that delivered
  frames; each has an Opus stream too, included in the cost; recording of every track too) /
  (CPU seconds of all server processes over the window / window seconds).
- **join p95** over the late joiners of the sustained steps (nearest rank: with --quick that
  is the slowest of a handful).
- **joins redirected**: joins (judge, parties, clerk) refused with `moved` and followed.

If not even the first step is sustained, hearings per process is 0 and the other figures are
the first step's, with `"sustained": false`.

The last line is one JSON object: `hearings_per_process`, `streams_per_core`, `join_p95_s`
(and more) from the largest P, with every P's figures under `runs`.

Limits of the method: the load generator shares the machine's two cores with the servers and
needs about as much CPU per stream as they do (aiortc SRTP and RTP parsing in Python), so the
step that fails is limited by the machine as a whole (the `machine` column near 2.0), not by a
server process: hearings per process is then a lower bound of what a process sustains on a
core of its own, and lower for P = 2 than for P = 1 on the same two cores (twice the
processes, the same generator). Streams per core, from the servers' own CPU time, is the
figure that carries over to a machine where the servers have the cores to themselves. Other
programs' load changes the figures both ways (see bench/README.md on the forwarding bench);
compare runs made under similar load. --quick windows are 4 s and its cap is small: coarse.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench import scale_worker
from bench.clip import FPS, Clip, encode_clip
from bench.cluster import Cluster
from bench.participant import Seat
from bench.proc import cpu_seconds, machine_busy_seconds
from bench.scale_results import Run, Step
from bench.scale_worker import Counts, Joined, LateJoin
from bench.seed import BenchHearing, log_in_staff, seed_hearing
from bench.workers import Workers


@dataclass(frozen=True)
class Options:
    processes: list[int]
    participants: int
    max_hearings: int
    """Per process."""
    warmup: float
    window: float
    workers: int
    limit: float
    """Seconds to wait for media to flow after a step's joins, and for a late joiner's frames."""


@dataclass(frozen=True)
class Running:
    """A hearing set up in the system."""

    hearing_id: int
    members: list[int]
    """Participant ids, all publishing."""
    holder: str
    """URL of the process that holds it."""


def _checked(reply: dict[str, Any], what: str) -> None:
    if "error" in reply:
        raise RuntimeError(f"{what}: {reply['error']}")


class Scenario:
    """One system of P processes, the load generator, and the hearings running on them."""

    def __init__(self, cluster: Cluster, pool: Workers, options: Options) -> None:
        self.cluster = cluster
        self.pool = pool
        self.options = options
        self.running: list[Running] = []
        self.run = Run(cluster.processes)

    def _entry(self, hearing: int, member: int) -> str:
        urls = self.cluster.urls
        return urls[(hearing + member) % len(urls)]

    def _count(self, joined: list[Joined]) -> None:
        self.run.joins += len(joined)
        self.run.redirected += sum(1 for j in joined if j.moves)

    def add(self, hearing: BenchHearing, step: int) -> None:
        """Open a hearing, start its session, admit its parties, then time a late joiner."""
        k, n = len(self.running), len(self.pool.conns)
        w = k % n
        judge = hearing.judge.participant_id
        [joined] = self.pool.ask(w, "join", self._entry(k, 0), hearing.hearing_id, [hearing.judge])
        self._count([joined])
        for event in ("open", "start_session"):
            _checked(self.pool.ask(w, "call", judge, event), event)
        parties = hearing.parties[: self.options.participants - 2]
        by_worker: dict[int, list[tuple[int, Seat]]] = {}
        for j, seat in enumerate(parties, start=1):
            by_worker.setdefault((w + j) % n, []).append((j, seat))
        # one join command per worker and entry URL
        commands: dict[int, list[tuple[Any, ...]]] = {}
        for index, seats in by_worker.items():
            for j in sorted({j % len(self.cluster.urls) for j, _ in seats}):
                group = [s for i, s in seats if i % len(self.cluster.urls) == j]
                commands.setdefault(index, []).append(
                    ("join", self._entry(k, j), hearing.hearing_id, group)
                )
        while any(commands.values()):
            batch = {i: queue.pop(0) for i, queue in commands.items() if queue}
            for replies in self.pool.gather(batch).values():
                self._count(replies)
        _checked(self.pool.ask(w, "call", judge, "admit_all"), "admit_all")
        clerk = replace(hearing.late, publishes=True)
        publishers = self.options.participants - 1
        late_entry = self._entry(k, self.options.participants - 1)
        late: LateJoin = self.pool.ask(
            (w + 1) % n, "late_join", late_entry, hearing.hearing_id, clerk, publishers,
            self.options.limit,
        )  # fmt: skip
        self._count([late.joined])
        self.run.late.append((step, late))
        members = [judge, *(s.participant_id for s in parties), clerk.participant_id]
        self.running.append(Running(hearing.hearing_id, members, joined.url))

    def _wait_flowing(self) -> bool:
        deadline = time.monotonic() + self.options.limit
        want = self.options.participants - 1
        while time.monotonic() < deadline:
            flowing = self.pool.flowing()
            if all(flowing.get(m, 0) >= want for h in self.running for m in h.members):
                return True
            time.sleep(0.3)
        return False

    def measure(self) -> Step:
        flowing = self._wait_flowing()
        time.sleep(self.options.warmup)
        servers = [s.pid for s in self.cluster.servers]
        self.pool.ask_all("reset")
        server_start = [cpu_seconds(pid) for pid in servers]
        generator_start = sum(map(cpu_seconds, self.pool.pids))
        busy_start, started = machine_busy_seconds(), time.monotonic()
        recorded = self.cluster.recorded_bytes()
        time.sleep(self.options.window)
        recorded = self.cluster.recorded_bytes() - recorded
        server_end = [cpu_seconds(pid) for pid in servers]
        generator = sum(map(cpu_seconds, self.pool.pids)) - generator_start
        busy, window = machine_busy_seconds() - busy_start, time.monotonic() - started
        counts: list[Counts] = self.pool.ask_all("counts")
        server = [
            (end - start) / window for start, end in zip(server_start, server_end, strict=True)
        ]
        cores = (generator / window, busy / window)
        return self._step(counts, window, server, cores, recorded / window, flowing)

    def _step(
        self,
        counts: list[Counts],
        window: float,
        server: list[float],
        cores: tuple[float, float],
        recorded: float,
        flowing: bool,
    ) -> Step:
        """`cores`: the load generator's and the whole machine's busy cores."""
        received = {pair: frames for c in counts for pair, frames in c.received.items()}
        sent = {pid: frames for c in counts for pid, frames in c.sent.items()}
        spans = {pid: c.window for c in counts for pid in c.sent}
        delivered, streams, fps = [], [], []
        for hearing in self.running:
            for subscriber in hearing.members:
                got = expected = 0
                for publisher in hearing.members:
                    if publisher == subscriber:
                        continue
                    frames = received.get((subscriber, publisher), 0)
                    got, expected = got + frames, expected + sent[publisher]
                    streams.append(frames / sent[publisher] if sent[publisher] else 0.0)
                    fps.append(frames / window)
                delivered.append(got / expected if expected else 0.0)
        urls = self.cluster.urls
        return Step(
            hearings=len(self.running),
            placement=[sum(1 for h in self.running if h.holder == url) for url in urls],
            participants=sum(len(h.members) for h in self.running),
            video_streams=sum(1 for frames in received.values() if frames > 0),
            expected_streams=len(streams),
            window=window,
            server_cores=server,
            generator_cores=cores[0],
            machine_cores=cores[1],
            worst_delivered=min(delivered),
            worst_stream=min(streams),
            received_fps=sum(fps) / len(fps),
            sent_fps_min=min(sent[p] / spans[p] for p in sent),
            recorded_rate=recorded,
            flowing=flowing,
        )


def run_processes(processes: int, clip: Clip, options: Options) -> Run:
    total = processes * options.max_hearings
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        Cluster(processes, Path(tmp)) as cluster,
    ):
        hearings = asyncio.run(_seed(cluster, total, options.participants))
        pool = Workers(options.workers, scale_worker.run, clip)
        print(
            f"P={processes}: servers up and {total} hearings seeded in "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )
        try:
            scenario = Scenario(cluster, pool, options)
            for number in range(1, options.max_hearings + 1):
                began = time.monotonic()
                for hearing in hearings[(number - 1) * processes : number * processes]:
                    scenario.add(hearing, number)
                setup = time.monotonic() - began
                step = replace(scenario.measure(), setup=setup)
                scenario.run.steps.append(step)
                _print_step(processes, step)
                if not step.sustained:
                    break
            else:
                scenario.run.capped = True
            return scenario.run
        finally:
            pool.close()


async def _seed(cluster: Cluster, count: int, participants: int) -> list[BenchHearing]:
    """`count` hearings, each with the judge, participants - 2 parties and the clerk."""
    urls = cluster.urls
    staff = await log_in_staff(urls[0], cluster.password)  # sessions hold in every process
    return list(
        await asyncio.gather(
            *(seed_hearing(urls[i % len(urls)], staff, participants - 2) for i in range(count))
        )
    )


HEADER = (
    f"{'P':>2} {'hearings':>8} {'placed':>7} {'people':>6} {'streams':>9} {'server cores':>14} "
    f"{'str/core':>8} {'worst sub':>9} {'worst str':>9} {'rx fps':>6} {'tx fps min':>10} "
    f"{'gen cores':>9} {'other':>6} {'machine':>7} {'rec MB/s':>8} {'setup s':>7}  verdict"
)


def _print_step(processes: int, step: Step) -> None:
    cores = "+".join(f"{c:.2f}" for c in step.server_cores)
    placed = "/".join(map(str, step.placement))
    streams = f"{step.video_streams}/{step.expected_streams}"
    print(
        f"{processes:>2} {step.hearings:>8} {placed:>7} {step.participants:>6} {streams:>9} "
        f"{cores:>14} {step.streams_per_core:>8.0f} {step.worst_delivered:>9.1%} "
        f"{step.worst_stream:>9.1%} {step.received_fps:>6.1f} {step.sent_fps_min:>10.1f} "
        f"{step.generator_cores:>9.2f} {step.other_cores:>6.2f} {step.machine_cores:>7.2f} "
        f"{step.recorded_rate / 1e6:>8.2f} {step.setup:>7.1f}  {step.verdict}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    options = Options(
        processes=[int(p) for p in args.processes.split(",")],
        participants=args.participants,
        max_hearings=args.max_hearings or (3 if args.quick else 12),
        warmup=args.warmup or (1.5 if args.quick else 5.0),
        window=args.window or (4.0 if args.quick else 20.0),
        workers=args.workers,
        limit=10.0 if args.quick else 30.0,
    )
    started = time.monotonic()
    clip = encode_clip()
    print(
        f"clip: 640x360 VP8 {clip.video_bitrate / 1000:.0f} kbps at {FPS} fps + Opus; "
        f"{options.participants} participants per hearing, all publishing, recording on; "
        f"steps of P hearings, {options.warmup:g} s warm-up, {options.window:g} s window"
    )
    print(HEADER, flush=True)
    runs = [run_processes(p, clip, options) for p in options.processes]
    print()
    for run in runs:
        s = run.summary()
        print(
            f"P={run.processes}: {s['hearings_per_process']:g} hearings/process sustained "
            f"{'' if s['sustained'] else '(none: figures of the first step) '}"
            f"({s['streams_per_process']} video streams/process, {s['streams_per_core']} "
            f"streams/core); join p95 {s['join_p95_s']} s to the first frame, "
            f"{s['join_all_publishers_p95_s']} s to every publisher's "
            f"({s['late_joins']} late joins); {s['joins_redirected']} of {s['joins']} joins "
            f"redirected (moved); stopped by {s['stopped_by']}"
        )
    last = runs[-1].summary()
    result = {
        "hearings_per_process": last["hearings_per_process"],
        "streams_per_core": last["streams_per_core"],
        "join_p95_s": last["join_p95_s"],
        "processes": last["processes"],
        "sustained": last["sustained"],
        "participants_per_hearing": options.participants,
        "join_measured": "late publishing joiner: socket.io connect (before any moved "
        "redirect) to its first complete video frame",
        "recording": True,
        "sustained_when": "every subscriber >= 95% of frames sent, publishers >= 95% of 30 fps",
        "window_s": options.window,
        "seconds": round(time.monotonic() - started, 1),
        "runs": [run.summary() for run in runs],
    }
    print(json.dumps(result))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="short windows, at most 3 steps")
    parser.add_argument("--processes", default="1,2", help="process counts to run, e.g. 1,2")
    parser.add_argument("--participants", type=int, default=6, help="per hearing (>= 3)")
    parser.add_argument("--max-hearings", type=int, help="cap, per process")
    parser.add_argument("--warmup", type=float, help="seconds after a step's joins")
    parser.add_argument("--window", type=float, help="measured seconds per step")
    parser.add_argument("--workers", type=int, default=2, help="load-generator processes")
    return parser


if __name__ == "__main__":
    main()
