"""Forwarding benchmark: the hearing server's RTP forwarding against aiortc's MediaRelay.

    python -m bench.forwarding [--quick | --soak] [--participants N] [--duration S]

N participants join one hearing, each sending 640x360 VP8 at 30 fps (~800 kbps) and Opus and
receiving everyone else; after a warm-up the server's CPU time and memory are read over a
measured window, then one more participant joins to time its first frames. The same is done
with the MediaRelay baseline (bench/relay_server.py), which decodes and re-encodes for every
subscriber and so is run with fewer participants. See bench/README.md for how to read it.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.clip import encode_clip
from bench.load import Load, Measurement, measure
from bench.relay_server import relay_hearing
from bench.servers import hearing_server, relay_server

NEVER = 99.0
FULL_FPS = 29.0
"""Received frame rate below which a stream did not get the clip's 30 fps."""
TARGETS = {
    "streams_per_core": (">=", 250.0),
    "relay_cpu_ratio": (">=", 50.0),
    "added_latency_p95_ms": ("<=", 10.0),
    "late_join_first_frame_s": ("<=", 1.0),
    "rss_growth_mb": ("<=", 5.0),
}


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.quick:
        forwarding = Load(args.participants or 8, warmup=3, duration=args.duration or 10)
        baseline = Load(args.relay_participants or 3, warmup=3, duration=6)
    else:
        duration = args.duration or (600 if args.soak else 60)
        interval = 10.0 if duration >= 300 else 1.0
        forwarding = Load(args.participants or 10, 5, duration, rss_interval=interval)
        baseline = Load(args.relay_participants or 3, warmup=5, duration=20)
    clip = encode_clip()
    print(f"clip: {len(clip.video)} VP8 frames 640x360, {clip.video_bitrate / 1000:.0f} kbps")

    with tempfile.TemporaryDirectory(prefix="bench-forwarding-") as tmp:
        workdir = Path(tmp, "hearing")
        workdir.mkdir()
        server, hearing = hearing_server(workdir, forwarding.participants)
        with server:
            print(
                f"hearing server: {forwarding.participants} participants, {forwarding.duration:.0f} s"
            )
            sfu = measure(server, hearing, clip, forwarding, by_timestamp=False)
        relay_dir = Path(tmp, "relay")
        relay_dir.mkdir()
        with relay_server(relay_dir, round(clip.video_bitrate)) as relay:
            print(
                f"MediaRelay baseline: {baseline.participants} participants, {baseline.duration:.0f} s"
            )
            base = measure(relay, relay_hearing(baseline.participants), clip, baseline, True)

    _print_table(sfu, base)
    summary = _summary(sfu, base)
    for name, (sense, target) in TARGETS.items():
        value = summary[name]
        met = value >= target if sense == ">=" else value <= target
        print(f"  {name:26} {value:10.2f}  target {sense} {target:g}  {'ok' if met else 'MISSED'}")
    print(
        f"  {'relay_cpu_ratio_per_frame':26} {summary['relay_cpu_ratio_per_frame']:10.2f}"
        "  (the same per frame delivered, for reference)"
    )
    if min(sfu.fps_min, base.fps_min) < FULL_FPS:
        print(
            f"  note: a stream fell below {FULL_FPS:g} fps (ours {sfu.fps_min:.1f}, baseline"
            f" {base.fps_min:.1f}): the two ratios differ and the run is not like for like"
        )
    print(json.dumps(summary, allow_nan=False))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.forwarding", description=__doc__.split("\n")[0]
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="under a minute: 8 participants, 10 s")
    mode.add_argument("--soak", action="store_true", help="a 10-minute window, for memory")
    parser.add_argument("--participants", type=int, help="hearing server run (default 10)")
    parser.add_argument("--relay-participants", type=int, help="baseline run (default 3)")
    parser.add_argument("--duration", type=float, help="measured seconds (default 60)")
    return parser


def _print_table(sfu: Measurement, base: Measurement) -> None:
    rows: list[tuple[str, str, str]] = [
        ("participants (each sends VP8 + Opus)", f"{sfu.participants}", f"{base.participants}"),
        ("video streams forwarded", f"{sfu.video_streams}", f"{base.video_streams}"),
        ("measured window, s", f"{sfu.window:.1f}", f"{base.window:.1f}"),
        ("server CPU, cores", f"{sfu.server_cores:.3f}", f"{base.server_cores:.3f}"),
        ("load generator CPU, cores", f"{sfu.generator_cores:.3f}", f"{base.generator_cores:.3f}"),
        ("other load on the machine, cores", f"{sfu.other_cores:.3f}", f"{base.other_cores:.3f}"),
        ("CPU per video stream, % of a core", _pct(sfu.cpu_per_stream), _pct(base.cpu_per_stream)),
        ("CPU per 1000 frames delivered, core-ms", _per_frame(sfu), _per_frame(base)),
        ("video streams per core", f"{sfu.streams_per_core:.0f}", f"{base.streams_per_core:.1f}"),
        ("received fps per stream, mean / min", _fps(sfu), _fps(base)),
        ("send→arrival latency p50, ms", _ms(sfu.latency_p50), _ms(base.latency_p50)),
        ("send→arrival latency p95, ms", _ms(sfu.latency_p95), _ms(base.latency_p95)),
        (
            "server stamp→arrival p95, ms",
            _ms(sfu.forwarded_to_arrival_p95),
            _ms(base.forwarded_to_arrival_p95),
        ),
        ("frames matched for latency", f"{sfu.latency_frames}", f"{base.latency_frames}"),
        ("late joiner first frame p50 / worst, s", _late(sfu), _late(base)),
        ("server RSS start → end, MiB", _rss(sfu), _rss(base)),
        ("sample decoded (frames, size)", _sample(sfu), _sample(base)),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'':{width}}  {'hearing server':>18}  {'MediaRelay':>18}")
    for label, ours, theirs in rows:
        print(f"{label:{width}}  {ours:>18}  {theirs:>18}")
    print()


def _summary(sfu: Measurement, base: Measurement) -> dict[str, Any]:
    return {
        "streams_per_core": round(sfu.streams_per_core, 1),
        "relay_cpu_ratio": round(base.cpu_per_stream / sfu.cpu_per_stream, 1),
        "relay_cpu_ratio_per_frame": round(base.cpu_per_frame / sfu.cpu_per_frame, 1),
        "added_latency_p95_ms": round(sfu.latency_p95 * 1000, 2),
        "added_latency_p50_ms": round(sfu.latency_p50 * 1000, 2),
        "late_join_first_frame_s": round(_worst(sfu.late_join_first_frames, sfu.participants), 3),
        "rss_growth_mb": round(sfu.rss_growth, 2),
        "cpu_per_stream_pct": round(sfu.cpu_per_stream * 100, 3),
        "participants": sfu.participants,
        "video_streams": sfu.video_streams,
        "window_s": round(sfu.window, 1),
        "fps_min": round(sfu.fps_min, 1),
        "other_load_cores": round(sfu.other_cores, 2),
        "relay": {
            "participants": base.participants,
            "video_streams": base.video_streams,
            "cpu_per_stream_pct": round(base.cpu_per_stream * 100, 2),
            "fps_mean": round(base.fps_mean, 1),
            "fps_min": round(base.fps_min, 1),
            "added_latency_p95_ms": round(base.latency_p95 * 1000, 2),
            "late_join_first_frame_s": round(
                _worst(base.late_join_first_frames, base.participants), 3
            ),
        },
    }


def _worst(first_frames: list[float], publishers: int) -> float:
    """The last publisher's first frame; 99 s if some never arrived (JSON has no infinity)."""
    return max(first_frames) if len(first_frames) >= publishers else NEVER


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.3f}"


def _per_frame(m: Measurement) -> str:
    return f"{m.cpu_per_frame * 1e6:.1f}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _fps(m: Measurement) -> str:
    return f"{m.fps_mean:.1f} / {m.fps_min:.1f}"


def _late(m: Measurement) -> str:
    times = m.late_join_first_frames
    if not times:
        return "none arrived"
    return f"{times[len(times) // 2]:.2f} / {_worst(times, m.participants):.2f}"


def _rss(m: Measurement) -> str:
    return f"{m.rss[0]:.0f} → {m.rss[-1]:.0f}"


def _sample(m: Measurement) -> str:
    return "none" if m.sample is None else f"{m.sample[0]}, {m.sample[1]}x{m.sample[2]}"


if __name__ == "__main__":
    main()
