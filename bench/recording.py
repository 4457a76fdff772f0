"""Recording costs: the live recorder's CPU per track, and the archive render's speed.

```
python -m bench.recording --quick    # < 2 min: 15 s recorder windows, a 60 s hearing
python -m bench.recording            # 30 s windows, a 10-minute hearing
```

1. **Live recorder**: N video and N audio `TrackRecorder`s are fed pre-encoded RTP packets
   (640x360 VP8 ~800 kbps at 30 fps, Opus 20 ms: `clip.py`) at the real-time rate, in this
   process, each by a synchronous `forward_now` call as the publisher's fan-out makes it. The process's CPU (all threads, the recorders' writer threads included) over the
   window, minus that of the same packet loop with no recorder, divided by the tracks, is the
   recorder's cost per track as % of one core; video and audio are measured apart.
2. **Render**: a 4-party hearing (640x360 video and audio each, one recess, a phase change
   every two minutes) is recorded through the same recorders on a simulated clock, then
   rendered to 1280x720 at 25 fps. Speed = archive duration / wall-clock time of the render.

The last line is JSON: `record_cpu_pct_per_track` (video, the dearer kind),
`record_audio_cpu_pct_per_track`, `render_x_realtime`, and more.
"""

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from aiortc.codecs.vpx import Vp8Encoder

from bench.clip import AUDIO_SAMPLES, FPS, Clip, encode_clip
from bench.proc import cpu_seconds, machine_busy_seconds
from recording.recorder import TrackRecorder
from recording.render import (
    Interval,
    PhaseChange,
    RenderJob,
    RenderPlan,
    SegmentRef,
    Timeline,
    TrackPlan,
)
from recording.segment import SegmentInfo
from tests.integration.synthetic_rtp import Packet

VIDEO_CLOCK = 90_000
START = 1_767_000_000.0
"""Wall-clock at which the simulated hearing starts."""
AUDIO_RATE = 48_000
PARTIES = (
    ("judge", "王法官", "审判长 Judge"),
    ("plaintiff", "张三", "原告 Plaintiff"),
    ("defendant", "李四", "被告 Defendant"),
    ("clerk", "赵书记员", "书记员 Clerk"),
)


class Feed:
    """One track's packets, on a loop of the clip, with sequence numbers and timestamps."""

    def __init__(self, payloads: list[list[bytes]], step: int, ssrc: int) -> None:
        self._payloads = payloads
        self._step = step
        self._ssrc = ssrc
        self._sequence = 0
        self.count = 0

    def next_packets(self) -> list[Packet]:
        parts = self._payloads[self.count % len(self._payloads)]
        timestamp = (self.count * self._step) & 0xFFFFFFFF
        packets = []
        for i, payload in enumerate(parts):
            packets.append(
                Packet(self._ssrc, self._sequence, timestamp, i == len(parts) - 1, payload)
            )
            self._sequence = (self._sequence + 1) & 0xFFFF
        self.count += 1
        return packets


def packetize(clip: Clip) -> tuple[list[list[bytes]], list[list[bytes]]]:
    """RTP payloads (VP8 payload descriptor included) of each video frame and audio packet."""
    encoder = Vp8Encoder()
    video = []
    for frame in clip.video:
        packet = av.Packet(frame)
        packet.pts = 0
        packet.time_base = Fraction(1, VIDEO_CLOCK)  # unused: the feeds stamp their own
        video.append(encoder.pack(packet)[0])
    return video, [[payload] for payload in clip.audio]


def make_recorder(
    directory: Path,
    name: str,
    kind: str,
    found: list[SegmentInfo],
    clock: Callable[[], float] | None = None,
) -> TrackRecorder:
    """A recorder; with `clock` (simulated seconds), its wall clock is `START` + clock."""
    mime, rate = ("video/VP8", VIDEO_CLOCK) if kind == "video" else ("audio/opus", AUDIO_RATE)

    async def no_keyframe() -> None:
        pass

    def fail(error: Exception) -> None:
        raise SystemExit(f"recording {name} failed: {error}")

    if clock is None:
        wall_clock, monotonic = time.time, time.monotonic  # the recorder's own defaults
    else:
        wall_clock, monotonic = (lambda: START + clock()), clock
    return TrackRecorder(
        directory,
        name,
        mime,
        rate,
        on_segment=found.append,
        on_error=fail,
        request_keyframe=no_keyframe,
        wall_clock=wall_clock,
        monotonic=monotonic,
    )


async def paced(seconds: float, feeds: list[tuple[Feed, Callable[[Packet], None], float]]) -> None:
    """Deliver every feed's packets at its real-time interval for `seconds`."""
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < seconds:
        for feed, deliver, interval in feeds:
            while feed.count * interval <= elapsed:
                for packet in feed.next_packets():
                    deliver(packet)
        await asyncio.sleep(0.005)


async def recorder_cpu(
    clip: Clip, tracks: int, seconds: float, kind: str | None, directory: Path
) -> float:
    """Process CPU seconds per second while feeding `tracks` tracks of `kind` (None: nobody
    records, the baseline)."""
    video, audio = packetize(clip)
    recorders: list[TrackRecorder] = []
    feeds: list[tuple[Feed, Callable[[Packet], None], float]] = []
    for n in range(tracks):
        for feed_kind, payloads, step, interval in (
            ("video", video, VIDEO_CLOCK // FPS, 1 / FPS),
            ("audio", audio, AUDIO_SAMPLES, AUDIO_SAMPLES / AUDIO_RATE),
        ):
            feed = Feed(payloads, step, 100 * n + len(feeds))
            if feed_kind == kind:
                recorder = make_recorder(directory, f"{kind}{n}", kind, [])
                recorders.append(recorder)
                deliver = _forward_to(recorder)
            else:
                deliver = _discard
            feeds.append((feed, deliver, interval))
    await paced(1.0, feeds)  # warm-up: first segments opened
    before = cpu_seconds(os.getpid())
    started = time.monotonic()
    await paced(seconds, feeds)
    used = (cpu_seconds(os.getpid()) - before) / (time.monotonic() - started)
    for recorder in recorders:
        await recorder.close()
    return used


def _forward_to(recorder: TrackRecorder) -> Callable[[Packet], None]:
    """Hands a packet to `recorder` as the publisher's fan-out does: a synchronous call."""

    def deliver(packet: Packet) -> None:
        recorder.forward_now(packet, 0.0, 0)

    return deliver


def _discard(packet: Packet) -> None:
    pass


async def record_hearing(
    clips: list[Clip], directory: Path, seconds: float, recess: Interval
) -> list[TrackPlan]:
    """Record 4 parties for `seconds` of simulated time, as fast as the recorders go."""
    now = 0.0
    tracks: list[
        tuple[tuple[str, str, str], str, list[SegmentInfo], TrackRecorder, Feed, float]
    ] = []
    for party, clip in zip(PARTIES, clips, strict=True):
        video, audio = packetize(clip)
        for kind, payloads, step, interval in (
            ("video", video, VIDEO_CLOCK // FPS, 1 / FPS),
            ("audio", audio, AUDIO_SAMPLES, AUDIO_SAMPLES / AUDIO_RATE),
        ):
            found: list[SegmentInfo] = []
            recorder = make_recorder(directory, f"{party[0]}-{kind}", kind, found, lambda: now)
            tracks.append(
                (party, kind, found, recorder, Feed(payloads, step, len(tracks)), interval)
            )
    paused = False
    tick = 0
    while (now := tick / 100) < seconds:
        in_recess = recess.start <= START + now < recess.end
        if in_recess != paused:
            for track in tracks:
                (track[3].pause if in_recess else track[3].resume)()
            paused = in_recess
        for _, _, _, recorder, feed, interval in tracks:
            while feed.count * interval <= now:
                for packet in feed.next_packets():
                    recorder.forward_now(packet, 0.0, 0)
        tick += 1
        if tick % 10 == 0:
            await asyncio.sleep(0.002)  # let the writer threads keep up
    for track in tracks:
        await track[3].close()
    return [
        TrackPlan(party[0], party[1], party[2], kind, tuple(SegmentRef.from_info(s) for s in found))
        for party, kind, found, *_ in tracks
    ]


@dataclass(frozen=True, slots=True)
class RenderRun:
    archive: float
    """Seconds of archive."""
    wall: float
    """Seconds the render took."""
    cpu: float
    """CPU seconds this process used during the render."""
    others: float
    """Cores kept busy by other programs during the render, on average."""
    recorded: float
    """Seconds it took to record the hearing on the simulated clock."""


def render_speed(clips: list[Clip], seconds: float, directory: Path) -> RenderRun:
    start = START
    recess = Interval(start + seconds * 0.5, start + seconds * 0.6)
    began = time.monotonic()
    tracks = asyncio.run(record_hearing(clips, directory, seconds, recess))
    recorded = time.monotonic() - began
    phases = tuple(
        PhaseChange(start + at, name)
        for at, name in zip(
            range(0, int(seconds), 120),
            ("身份核对", "法庭调查", "法庭辩论", "最后陈述", "宣判"),
            strict=False,
        )
    )
    plan = RenderPlan(
        "张三诉李四合同纠纷",
        "(2026)京0105民初1234号",
        tuple(tracks),
        Timeline(start, start + seconds, (recess,), phases),
        directory / "archive.mp4",
    )
    began, cpu, busy = time.monotonic(), cpu_seconds(os.getpid()), machine_busy_seconds()
    RenderJob(plan).run()
    rendered = time.monotonic() - began
    cpu = cpu_seconds(os.getpid()) - cpu
    others = (machine_busy_seconds() - busy - cpu) / rendered
    with av.open(str(plan.output)) as archive:
        duration = float(archive.duration or 0) / av.time_base
    return RenderRun(duration, rendered, cpu, max(0.0, others), recorded)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short windows and a 60 s hearing")
    parser.add_argument("--tracks", type=int, default=8, help="recorded tracks of each kind")
    args = parser.parse_args()
    window = 15.0 if args.quick else 30.0
    hearing = 60.0 if args.quick else 600.0
    clips = [encode_clip(3.0, seed=seed) for seed in range(1, 5)]
    directory = Path(tempfile.mkdtemp(prefix="bench-recording-"))
    try:
        cpu = {
            kind: asyncio.run(
                recorder_cpu(clips[0], args.tracks, window, kind, directory / (kind or "none"))
            )
            for kind in (None, "video", "audio")
        }
        per_track = {
            k: max(0.0, cpu[k] - cpu[None]) / args.tracks * 100 for k in ("video", "audio")
        }
        print(
            f"live recorder, {args.tracks} tracks of each kind, {window:.0f} s windows at real time"
        )
        print(f"  baseline packet loop (no recorder)  {cpu[None] * 100:6.2f} % of a core")
        for kind in ("video", "audio"):
            print(
                f"  {kind:5} recorders  {cpu[kind] * 100:6.2f} % of a core -> {per_track[kind]:.3f} % per track"
            )
        run = render_speed(clips, hearing, directory / "hearing")
        cores = os.cpu_count() or 1
        print(
            f"render: 4 parties, {hearing:.0f} s hearing (recorded in {run.recorded:.1f} s), "
            "640x360 -> 1280x720 at 25 fps"
        )
        print(
            f"  archive {run.archive:.1f} s rendered in {run.wall:.1f} s = "
            f"{run.archive / run.wall:.2f}x real time"
        )
        print(
            f"  render CPU {run.cpu:.1f} s ({run.cpu / run.archive:.2f} s per archive second; "
            f"{cores} idle cores would give ~{run.archive * cores / run.cpu:.2f}x)"
        )
        print(f"  other load on the machine: {run.others:.2f} cores busy (0 for a clean run)")
        print(
            json.dumps(
                {
                    "record_cpu_pct_per_track": round(per_track["video"], 3),
                    "record_audio_cpu_pct_per_track": round(per_track["audio"], 3),
                    "render_x_realtime": round(run.archive / run.wall, 2),
                    "render_cpu_s_per_archive_s": round(run.cpu / run.archive, 3),
                    "render_seconds": round(run.wall, 1),
                    "archive_seconds": round(run.archive, 1),
                    "other_load_cores": round(run.others, 2),
                    "cores": cores,
                }
            )
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
