"""One measured run: N participants in one hearing on a running server, everyone receiving
everyone else, then a late joiner and a party rejoining as a reloaded page does.

The participants are spread over worker processes (bench/forwarding_worker.py); this process
only directs them and reads the server's CPU time and memory from /proc around a measured
window that starts after a warm-up.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from bench import forwarding_worker
from bench.clip import Clip, SendLog
from bench.latency import latencies, percentile
from bench.participant import Incoming
from bench.proc import cpu_seconds, machine_busy_seconds, rss_mb
from bench.seed import BenchHearing
from bench.workers import Workers
from tests.live_server import ServerProcess

WAITING_SECONDS = 1.0
"""How long the parties wait, connected, before the judge admits them all."""


@dataclass(frozen=True)
class Load:
    participants: int
    warmup: float
    duration: float
    workers: int = 2
    rss_interval: float = 1.0
    in_session: bool = False
    """The judge starts the session after opening the hearing (it is then recorded, and
    broadcast if public)."""


@dataclass(frozen=True)
class Measurement:
    participants: int
    video_streams: int
    """Video streams that delivered frames in the window (each also has an audio stream)."""
    window: float
    server_cores: float
    """Server CPU time over the window / window length (1.0 = one core busy)."""
    generator_cores: float
    """The same for all load-generator workers together."""
    other_cores: float
    """Busy cores of the machine outside the server and the workers: anything well above
    zero means something else competed for the CPU and the figures are not clean."""
    fps_mean: float
    fps_min: float
    latency_p50: float
    latency_p95: float
    latency_frames: int
    forwarded_to_arrival_p95: float
    """From the server's abs-send-time stamp (taken as it forwards) to arrival: the part of
    the latency spent after the server (NaN where the server does not stamp, or stamps from
    a clock of its own, as Janus does)."""
    late_join_first_frames: list[float]
    """Seconds from the late joiner's connect to the first frame of each publisher."""
    admit_all_first_frames: list[float]
    """Seconds from the judge's `admit_all` to the first frame of each video each admitted
    party receives (empty where nobody is admitted, as in a Janus room)."""
    rejoin_first_frames: list[float]
    """Seconds from a party's new connect, after its connection dropped as a reloaded page's
    does, to the first frame of each publisher (empty where nobody is admitted)."""
    rss: list[float]
    sample: tuple[int, int, int] | None
    clip_share: float = float("nan")
    """Of the video frames received in the window, the share recognised as the clip's own
    (bench/clip.py fingerprints): with a simulcast clip, its top layer's."""

    @property
    def cpu_per_stream(self) -> float:
        """Fraction of one core per forwarded video stream (audio included)."""
        return self.server_cores / self.video_streams if self.video_streams else float("nan")

    @property
    def cpu_per_frame(self) -> float:
        """Core-seconds per video frame delivered (each stream's audio included): the cost
        per stream divided by the frame rate the streams really got."""
        return self.cpu_per_stream / self.fps_mean if self.fps_mean else float("nan")

    @property
    def streams_per_core(self) -> float:
        return self.video_streams / self.server_cores if self.server_cores else float("inf")

    @property
    def rss_growth(self) -> float:
        """MiB between the medians of the first and the last three memory samples."""
        if len(self.rss) < 2:
            return 0.0
        return _median(self.rss[-3:]) - _median(self.rss[:3])


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def measure(
    server: ServerProcess,
    hearing: BenchHearing,
    clip: Clip,
    load: Load,
    by_timestamp: bool,
    signaling: forwarding_worker.Signaling = "hearing",
    join_paths: bool = False,
) -> Measurement:
    """`join_paths`: also time the admitted parties' and a rejoining party's first frames
    (the hearing server only: the MediaRelay baseline and Janus let everyone in at once)."""
    count = min(load.workers, load.participants)
    workers = Workers(count, forwarding_worker.run, server.url, hearing.hearing_id, clip, signaling)
    try:
        return _measure(
            workers, server.pid, hearing, load, by_timestamp, signaling == "hearing", join_paths
        )
    finally:
        workers.close()


def _measure(
    workers: Workers,
    pid: int,
    hearing: BenchHearing,
    load: Load,
    by_timestamp: bool,
    admits: bool,
    join_paths: bool,
) -> Measurement:
    """`admits`: the judge opens the hearing and admits the others (a Janus room lets anyone
    in)."""
    parties = hearing.parties[: load.participants - 1]
    judge = hearing.judge.participant_id
    workers.ask(0, "join", [hearing.judge], False)
    if admits:
        workers.ask(0, "call", judge, "open")
        if load.in_session:
            workers.ask(0, "call", judge, "start_session")
    n = len(workers.conns)
    workers.gather({i: ("join", parties[i::n], i == 0) for i in range(n)})
    admitted_at = 0.0
    if join_paths:
        time.sleep(WAITING_SECONDS)
        admitted_at = time.monotonic()  # the workers' monotonic clock is the same one
        workers.ask(0, "call", judge, "admit_all")
    _wait_flowing(workers, load.participants)
    party_ids = [seat.participant_id for seat in parties]
    admit_all = (
        [t for reply in workers.ask_all("first_frames", party_ids, admitted_at) for t in reply]
        if join_paths
        else []
    )
    time.sleep(load.warmup)

    workers.ask_all("reset")
    pids = workers.pids
    load_start, busy_start = sum(map(cpu_seconds, pids)), machine_busy_seconds()
    cpu_start, started = cpu_seconds(pid), time.monotonic()
    rss = [rss_mb(pid)]
    while (left := started + load.duration - time.monotonic()) > 0:
        time.sleep(min(load.rss_interval, left))
        rss.append(rss_mb(pid))
    cpu_end, window = cpu_seconds(pid), time.monotonic() - started
    generator = (sum(map(cpu_seconds, pids)) - load_start) / window
    other = (
        (machine_busy_seconds() - busy_start) / window - generator - (cpu_end - cpu_start) / window
    )
    snapshots: list[forwarding_worker.Snapshot] = workers.ask_all("snapshot")

    late = workers.ask(n - 1, "late_join", hearing.late, load.participants, 10.0)
    # parties[0] runs in worker 0; everyone else publishes to it
    rejoin = (
        workers.ask(0, "rejoin", parties[0].participant_id, load.participants - 1, 10.0)
        if join_paths
        else []
    )
    cores = ((cpu_end - cpu_start) / window, generator, other)
    measured = _summarise(load, snapshots, window, cores, late, rss, by_timestamp)
    return dataclasses.replace(
        measured, admit_all_first_frames=admit_all, rejoin_first_frames=rejoin
    )


def _wait_flowing(workers: Workers, participants: int, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while True:
        counts = workers.flowing()
        if all(n >= participants - 1 for n in counts.values()):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"video streams flowing per participant after {limit} s: {counts}")
        time.sleep(0.2)


def _summarise(
    load: Load,
    snapshots: list[forwarding_worker.Snapshot],
    window: float,
    cores: tuple[float, float, float],
    late: list[float],
    rss: list[float],
    by_timestamp: bool,
) -> Measurement:
    streams: list[Incoming] = [r.stream for s in snapshots for r in s.received]
    sent: dict[int, SendLog] = {k: v for s in snapshots for k, v in s.sent.items()}
    video = [s for s in streams if s.kind == "video" and s.frames > 0]
    fps = [s.frames / window for s in video] or [0.0]
    found = latencies(streams, sent, by_timestamp)
    return Measurement(
        participants=load.participants,
        video_streams=len(video),
        window=window,
        server_cores=cores[0],
        generator_cores=cores[1],
        other_cores=cores[2],
        fps_mean=sum(fps) / len(fps),
        fps_min=min(fps),
        latency_p50=percentile(found, 0.5),
        latency_p95=percentile(found, 0.95),
        latency_frames=len(found),
        forwarded_to_arrival_p95=percentile([t for s in video for t in s.since_forwarded], 0.95),
        late_join_first_frames=late,
        admit_all_first_frames=[],
        rejoin_first_frames=[],
        rss=rss,
        sample=next((s.sample for s in snapshots if s.sample is not None), None),
        clip_share=_clip_share(video),
    )


def _clip_share(video: list[Incoming]) -> float:
    frames = sum(len(s.index) for s in video)
    known = sum(1 for s in video for index in s.index if index >= 0)
    return known / frames if frames else float("nan")
