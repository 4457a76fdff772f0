"""What a scale run measured with P processes, step by step, and how a step is judged
(bench/scale.py runs the steps)."""

import os
from dataclasses import dataclass, field
from typing import Any

from bench.clip import FPS
from bench.latency import percentile
from bench.scale_worker import LateJoin

SUSTAINED = 0.95
"""A step holds when every subscriber gets this share of the frames sent, and publishers send
this share of the clip's 30 fps."""
CORES = os.cpu_count() or 1
SATURATED = 0.9
"""The machine is saturated when this share of its cores is busy over a window."""


@dataclass(frozen=True)
class Step:
    hearings: int
    placement: list[int]
    """Hearings held by each process."""
    participants: int
    video_streams: int
    """Subscriber-publisher video pairs that delivered frames in the window."""
    expected_streams: int
    window: float
    server_cores: list[float]
    generator_cores: float
    machine_cores: float
    """Busy cores of the whole machine."""
    worst_delivered: float
    """Lowest share, over subscribers, of the frames their publishers sent that arrived."""
    worst_stream: float
    """The same for the worst single stream."""
    received_fps: float
    """Mean over streams."""
    sent_fps_min: float
    recorded_rate: float
    """Bytes per second the recordings folder grew by over the window."""
    flowing: bool
    """Every participant got video from every other before the window."""
    setup: float = 0.0
    """Seconds taken to set up the step's new hearings (joins, admission, late joins)."""

    @property
    def delivered_ok(self) -> bool:
        return self.flowing and self.worst_delivered >= SUSTAINED

    @property
    def sending_ok(self) -> bool:
        return self.sent_fps_min >= SUSTAINED * FPS

    @property
    def sustained(self) -> bool:
        return self.delivered_ok and self.sending_ok

    @property
    def verdict(self) -> str:
        if self.sustained:
            return "ok"
        if not self.flowing:
            verdict = "NOT ALL FLOWING"
        elif not self.delivered_ok:
            verdict = "DELIVERY < 95%"
        else:
            verdict = "GENERATOR STARVED"
        if self.machine_cores >= SATURATED * CORES:
            verdict += " (machine saturated)"
        return verdict

    @property
    def other_cores(self) -> float:
        """Busy cores outside the servers and the load generator."""
        return self.machine_cores - self.generator_cores - sum(self.server_cores)

    @property
    def streams_per_core(self) -> float:
        cores = sum(self.server_cores)
        return self.video_streams / cores if cores else float("nan")


@dataclass
class Run:
    """Everything measured with P processes."""

    processes: int
    steps: list[Step] = field(default_factory=list)
    joins: int = 0
    redirected: int = 0
    late: list[tuple[int, LateJoin]] = field(default_factory=list)
    """(step number, late join), step numbers from 1."""
    capped: bool = False

    @property
    def sustained(self) -> int:
        """Steps sustained (steps stop at the first one that is not)."""
        return sum(1 for s in self.steps if s.sustained)

    @property
    def reported(self) -> Step:
        """The last sustained step; the first step if none was (then flagged as such)."""
        return self.steps[max(self.sustained, 1) - 1]

    def summary(self) -> dict[str, Any]:
        step = self.reported
        late = [j for number, j in self.late if number <= max(self.sustained, 1)]
        first = [j.first_frame for j in late if j.first_frame is not None]
        every = [j.all_frames for j in late if j.all_frames is not None]
        return {
            "processes": self.processes,
            "sustained": step.sustained,
            "hearings_per_process": step.hearings / self.processes if step.sustained else 0.0,
            "streams_per_process": step.video_streams / self.processes,
            "streams_per_core": round(step.streams_per_core, 1),
            "server_cores": round(sum(step.server_cores), 2),
            "join_p95_s": _rounded(percentile(first, 0.95)),
            "join_all_publishers_p95_s": _rounded(percentile(every, 0.95)),
            "late_joins": len(late),
            "late_joins_without_frame": len(late) - len(first),
            "joins": self.joins,
            "joins_redirected": self.redirected,
            "stopped_by": "cap" if self.capped else self.steps[-1].verdict,
            "other_load_cores_max": round(max(s.other_cores for s in self.steps), 2),
            "machine_cores_max": round(max(s.machine_cores for s in self.steps), 2),
        }


def _rounded(value: float) -> float | None:
    return None if value != value else round(value, 3)  # NaN: nothing measured
