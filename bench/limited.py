"""The limited-subscriber scenario of bench/forwarding.py: one subscriber on a weak link.

The judge publishes the clip (bench/forwarding.py gives it the simulcast one: three layers,
bench/simulcast.py, so that the server can send each subscriber the layer its link carries);
two or more parties receive it over loopback; one more party
receives it from inside a network namespace (tests/network_namespace.py), as a full receiver
(aiortc's jitter buffer, NACKs, receiver reports, REMB and decoder: the feedback the server
acts on). First a baseline window with nobody limited, then the link toward the namespace is
shaped (300 kbit/s with `tbf`, 100 ms delay and 2 % loss with `netem`; where the kernel has no
netem, the subscriber's process delays and drops its incoming RTP itself) and a second window
measures what the limited subscriber sees and what the others still get.

Figures: the limited subscriber's decoded video frames per 1-s window after the first 5 s of
the limit (the lowest), its freezes (gaps over 0.5 s between decoded frames after those 5 s),
its longest gap in decoded audio and the share of the audio frames it decoded; and for each other subscriber its received video bitrate
under the limit over its bitrate in the baseline window (the lowest is `others_bitrate_share`).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from bench import forwarding_worker
from bench.clip import AUDIO_RATE, AUDIO_SAMPLES, Clip
from bench.participant import Incoming
from bench.seed import BenchHearing
from bench.servers import hearing_server
from bench.workers import Workers
from tests.network_namespace import Namespace, NamespaceUnavailable, network_namespace

RATE = "300kbit"
DELAY_MS = 100
LOSS_PCT = 2.0
SETTLE = 5.0
"""Seconds after the limit begins that the limited subscriber's figures leave out."""
SIMULCAST_SETTLE = 5.0
"""Seconds before the baseline window with a simulcast publisher: our server starts every
subscriber on the lowest layer, and the unconstrained ones reach the top layer in ~3 s."""
FREEZE = 0.5
"""A gap between decoded video frames longer than this is a freeze."""


@dataclass(frozen=True)
class Limited:
    """What the scenario measured (see the module docstring)."""

    others: int
    baseline_window: float
    limited_window: float
    netem: bool
    """Delay and loss applied by the kernel (False: by the subscriber's process)."""
    baseline_fps: float
    """The limited subscriber's decoded video frame rate before the limit: ~30 shows that its
    receive path works, so that what it sees under the limit is the server's doing."""
    fps_per_second: list[int]
    """The limited subscriber's decoded video frames in each 1-s window after SETTLE."""
    freezes: int
    longest_freeze: float
    audio_gap_max: float
    audio_share: float
    """Audio frames decoded after SETTLE / those sent meanwhile (one per 20 ms)."""
    limited_kbps: float
    """The limited subscriber's received video (RTP payload) under the limit."""
    others_baseline_kbps: list[float]
    others_limited_kbps: list[float]

    @property
    def fps_min(self) -> int:
        return min(self.fps_per_second, default=0)

    @property
    def others_share(self) -> float:
        return min(
            (after / before if before else 0.0)
            for before, after in zip(
                self.others_baseline_kbps, self.others_limited_kbps, strict=True
            )
        )


def limited_subscriber(
    workdir: Path, clip: Clip, others: int, baseline: float, limited: float
) -> Limited | str:
    """Run the scenario on a server of its own; a sentence saying why not where this machine
    cannot make the namespace (it needs root and iproute2)."""
    workdir.mkdir()
    try:
        with network_namespace() as namespace:
            return _run(workdir, clip, namespace, others, baseline, limited)
    except NamespaceUnavailable as exc:
        return str(exc)


def _run(
    workdir: Path, clip: Clip, namespace: Namespace, others: int, baseline: float, limited: float
) -> Limited:
    server, hearing = hearing_server(workdir, others + 2, address=namespace.outside_address)
    with server:
        print(
            f"limited subscriber: the judge publishing{' simulcast' if clip.lower else ''},"
            f" {others} subscribers + 1 behind"
            f" {RATE}, {baseline:.0f} s unlimited then {limited:.0f} s limited"
        )
        near = Workers(1, forwarding_worker.run, server.url, hearing.hearing_id, clip, "hearing")
        run = forwarding_worker.run_in_namespace
        far = Workers(1, run, server.url, hearing.hearing_id, clip, namespace.name)
        try:
            settle = SIMULCAST_SETTLE if clip.lower else 2.0
            return _measure(near, far, hearing, namespace, others, (settle, baseline), limited)
        finally:
            far.close()
            near.close()


def _measure(
    near: Workers,
    far: Workers,
    hearing: BenchHearing,
    namespace: Namespace,
    others: int,
    windows: tuple[float, float],
    limited: float,
) -> Limited:
    """`windows`: the seconds between everyone receiving and the baseline window, and the
    baseline window's."""
    settle_first, baseline = windows
    judge = hearing.judge.participant_id
    seats = [dataclasses.replace(s, publishes=False) for s in hearing.parties[: others + 1]]
    weak = seats[-1]
    near.ask(0, "join", [hearing.judge], False)
    near.ask(0, "call", judge, "open")
    near.ask(0, "join", seats[:-1], False)
    far.ask(0, "join_receiving", weak)
    near.ask(0, "call", judge, "admit_all")
    _wait_receiving([near, far], others + 1)
    time.sleep(settle_first)

    before, _, baseline = _window([near, far], baseline)
    netem = namespace.shape(RATE, DELAY_MS, LOSS_PCT)
    if not netem:
        far.ask(0, "impair", weak.participant_id, DELAY_MS / 1000, LOSS_PCT / 100)
    after, started, window = _window([near, far], limited)
    namespace.lift()

    weak_id = weak.participant_id
    video, video_before = _video(after, weak_id), _video(before, weak_id)
    audio = next((s for pid, s in after if pid == weak_id and s.kind == "audio"), None)
    settled, end = started + SETTLE, started + window
    frames = _between(video, settled, end)
    gaps = _gaps(frames, settled, end)
    audio_frames = _between(audio, settled, end)
    audio_gaps = _gaps(audio_frames, settled, end)
    other_ids = [s.participant_id for s in seats[:-1]]
    return Limited(
        others=others,
        baseline_window=baseline,
        limited_window=window,
        netem=netem,
        baseline_fps=len(video_before.decoded_at) / baseline if video_before else 0.0,
        fps_per_second=[
            sum(1 for t in frames if settled + i <= t < settled + i + 1)
            for i in range(int(end - settled))
        ],
        freezes=sum(1 for gap in gaps if gap > FREEZE),
        longest_freeze=max(gaps, default=end - settled),
        audio_gap_max=max(audio_gaps, default=end - settled),
        audio_share=len(audio_frames) / ((end - settled) * AUDIO_RATE / AUDIO_SAMPLES),
        limited_kbps=_kbps(video, window),
        others_baseline_kbps=[_kbps(_video(before, pid), baseline) for pid in other_ids],
        others_limited_kbps=[_kbps(_video(after, pid), window) for pid in other_ids],
    )


def _wait_receiving(workers: list[Workers], subscribers: int, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while True:
        counts = {pid: n for w in workers for pid, n in w.flowing().items() if n}
        if len(counts) >= subscribers:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"subscribers receiving video after {limit} s: {counts}")
        time.sleep(0.2)


def _window(
    workers: list[Workers], seconds: float
) -> tuple[list[tuple[int, Incoming]], float, float]:
    """Reset the counts, wait, and return (subscriber id, stream) of everything received,
    the window's start (monotonic) and its length."""
    for w in workers:
        w.ask_all("reset")
    started = time.monotonic()
    time.sleep(seconds)
    window = time.monotonic() - started
    snapshots: list[forwarding_worker.Snapshot] = [
        s for w in workers for s in w.ask_all("snapshot")
    ]
    received = [(r.subscriber_id, r.stream) for s in snapshots for r in s.received]
    return received, started, window


def _video(received: list[tuple[int, Incoming]], subscriber_id: int) -> Incoming | None:
    return next((s for pid, s in received if pid == subscriber_id and s.kind == "video"), None)


def _kbps(stream: Incoming | None, seconds: float) -> float:
    return 0.0 if stream is None else stream.octets * 8 / seconds / 1000


def _between(stream: Incoming | None, start: float, end: float) -> list[float]:
    """When the stream's frames were decoded, from `start` to `end`."""
    return [] if stream is None else [t for t in stream.decoded_at if start <= t < end]


def _gaps(times: list[float], start: float, end: float) -> list[float]:
    """The gaps between `start`, each of `times` (sorted, within them) and `end`."""
    points = [start, *times, end]
    return [b - a for a, b in pairwise(points)]
