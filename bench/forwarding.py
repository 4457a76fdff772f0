"""Forwarding benchmark: the hearing server's RTP forwarding against aiortc's MediaRelay and Janus.

    python -m bench.forwarding [--quick | --soak] [--participants N] [--duration S] [--no-janus]

N participants join one hearing, each sending 640x360 VP8 at 30 fps (~800 kbps) and Opus and
receiving everyone else; after a warm-up the server's CPU time and memory are read over a
measured window, then one more participant joins to time its first frames. The parties' first
frames after the judge's admit-all, and a party's after it rejoins as a reloaded page does, are
timed too. The same is done
with Janus (bench/janus_server.py), a C SFU, with as many participants, when it is installed;
and with the MediaRelay baseline (bench/relay_server.py), which decodes and re-encodes for
every subscriber and so is run with fewer participants. Then the same participants publish
simulcast (bench/simulcast.py: 160x90, 320x180 and the 640x360 clip on one transceiver) to our
server and to Janus, each subscriber receiving one layer of each video. Last, one subscriber
behind a 300 kbit/s link while two others are not, the judge publishing simulcast
(bench/limited.py). See bench/README.md for how to
read it. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.clip import FPS, Clip, encode_clip
from bench.janus_server import JANUS, janus_available, janus_server
from bench.latency import percentile
from bench.limited import Limited, limited_subscriber
from bench.load import Load, Measurement, measure
from bench.relay_server import relay_hearing
from bench.servers import hearing_server, relay_server
from bench.simulcast import encode_simulcast_clip

NEVER = 99.0
WARMUP = 20.0
"""Seconds between the streams flowing and the measured window, outside --quick."""
OTHERS = 2
"""Unconstrained subscribers beside the limited one (bench/limited.py)."""
SIMULCAST_WARMUP = 6.0
"""Seconds before the simulcast window: our server starts each subscriber on the lowest layer
and moves it up once its estimate has let the better layers fit for 1.5 s."""
FULL_FPS = 29.0
"""Received frame rate below which a stream did not get the clip's 30 fps."""
TARGETS = {
    "streams_per_core": (">=", 250.0),
    "relay_cpu_ratio": (">=", 50.0),
    "added_latency_p95_ms": ("<=", 10.0),
    "late_join_first_frame_s": ("<=", 1.0),
    "admit_all_first_frame_p95_s": ("<=", 0.5),
    "rejoin_first_frame_s": ("<=", 0.5),
    "rss_growth_mb": ("<=", 5.0),
    "c_sfu_ratio_simulcast": (">=", 1.0),
    "limited_fps_min": (">=", 15.0),
    "limited_freezes": ("<=", 0.0),
    "others_bitrate_share": (">=", 0.9),
}


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.quick:
        forwarding = Load(args.participants or 8, warmup=3, duration=args.duration or 10)
        c_sfu = Load(forwarding.participants, warmup=3, duration=10)
        simulcast = Load(forwarding.participants, warmup=SIMULCAST_WARMUP, duration=10)
        baseline = Load(args.relay_participants or 3, warmup=3, duration=6)
        weak_link = (8.0, 25.0)
    else:
        duration = args.duration or (600 if args.soak else 60)
        interval = 10.0 if duration >= 300 else 1.0
        # the warm-up outlasts the filling of the NACK histories (1024 packets, ~14 s of
        # video), so that the memory samples show the steady state
        forwarding = Load(args.participants or 10, WARMUP, duration, rss_interval=interval)
        c_sfu = Load(forwarding.participants, warmup=5, duration=20)
        simulcast = Load(forwarding.participants, warmup=SIMULCAST_WARMUP, duration=20)
        baseline = Load(args.relay_participants or 3, warmup=5, duration=20)
        weak_link = (10.0, 40.0)
    with_janus = not args.no_janus and janus_available()
    if not args.no_janus and not with_janus:
        print(f"Janus baseline skipped: it needs {JANUS} (apt-get install janus) and cc")
    clip = encode_clip()
    print(f"clip: {len(clip.video)} VP8 frames 640x360, {clip.video_bitrate / 1000:.0f} kbps")
    layered = encode_simulcast_clip()
    rates = [f"{_kbps(frames):.0f}" for frames in [*layered.lower, layered.video]]
    print(f"simulcast clip: 160x90, 320x180, 640x360 at {' / '.join(rates)} kbps")

    with tempfile.TemporaryDirectory(prefix="bench-forwarding-") as tmp:
        workdir = Path(tmp, "hearing")
        workdir.mkdir()
        server, hearing = hearing_server(workdir, forwarding.participants)
        with server:
            print(
                f"hearing server: {forwarding.participants} participants, {forwarding.duration:.0f} s"
            )
            sfu = measure(server, hearing, clip, forwarding, by_timestamp=False, join_paths=True)
        janus = _janus(Path(tmp, "janus"), clip, c_sfu) if with_janus else None
        relay_dir = Path(tmp, "relay")
        relay_dir.mkdir()
        with relay_server(relay_dir, round(clip.video_bitrate)) as relay:
            print(
                f"MediaRelay baseline: {baseline.participants} participants, {baseline.duration:.0f} s"
            )
            base = measure(relay, relay_hearing(baseline.participants), clip, baseline, True)
        sim_dir = Path(tmp, "simulcast")
        sim_dir.mkdir()
        server, hearing = hearing_server(sim_dir, simulcast.participants)
        with server:
            print(f"simulcast: {simulcast.participants} participants, {simulcast.duration:.0f} s")
            sim = measure(server, hearing, layered, simulcast, by_timestamp=False, join_paths=True)
        janus_sim = _janus(Path(tmp, "janus-simulcast"), layered, simulcast) if with_janus else None
        limited = limited_subscriber(Path(tmp, "limited"), layered, OTHERS, *weak_link)

    columns = {"hearing server": sfu, "MediaRelay": base}
    if janus is not None:
        columns["Janus (C)"] = janus
    _print_table(columns)
    print("simulcast (each participant sends 3 layers, each subscriber receives one):")
    _print_table({"hearing server": sim} | ({} if janus_sim is None else {"Janus (C)": janus_sim}))
    if isinstance(limited, str):
        print(f"limited-subscriber scenario skipped: {limited}\n")
    else:
        _print_limited(limited)
    summary = _summary(sfu, base, janus) | _simulcast_summary(sim, janus_sim)
    summary |= _limited_summary(limited)
    for name, (sense, target) in TARGETS.items():
        value = summary[name]
        if value is None:
            print(f"  {name:26} {'n/a':>10}  target {sense} {target:g}  (not measured)")
            continue
        met = value >= target if sense == ">=" else value <= target
        print(f"  {name:26} {value:10.2f}  target {sense} {target:g}  {'ok' if met else 'MISSED'}")
    print(
        f"  {'relay_cpu_ratio_per_frame':26} {summary['relay_cpu_ratio_per_frame']:10.2f}"
        "  (the same per frame delivered, for reference)"
    )
    if janus is not None:
        print(
            f"  {'c_sfu_ratio':26} {summary['c_sfu_ratio']:10.2f}  (our streams per core / Janus',"
            f" {summary['janus_streams_per_core']:.0f}, on this machine now)"
        )
    if janus_sim is not None:
        print(
            f"  {'c_sfu_ratio_simulcast':26} {summary['c_sfu_ratio_simulcast']:10.2f}"
            f"  (the same with simulcast publishers, Janus"
            f" {summary['janus_streams_per_core_simulcast']:.0f})"
        )
        print(
            f"  {'c_sfu_ratio_simulcast_per_frame':26} "
            f"{summary['c_sfu_ratio_simulcast_per_frame']:10.2f}"
            "  (the same per frame delivered, for reference)"
        )
    lowest = {"ours": sfu.fps_min, "baseline": base.fps_min, "ours simulcast": sim.fps_min}
    if janus is not None:
        lowest["Janus"] = janus.fps_min
    if janus_sim is not None:
        lowest["Janus simulcast"] = janus_sim.fps_min
    if min(lowest.values()) < FULL_FPS:
        print(
            f"  note: a stream fell below {FULL_FPS:g} fps ("
            + ", ".join(f"{name} {fps:.1f}" for name, fps in lowest.items())
            + "): the ratios are not like for like"
        )
    print(json.dumps(summary, allow_nan=False))


def _janus(workdir: Path, clip: Clip, load: Load) -> Measurement:
    workdir.mkdir()
    server, room = janus_server(workdir, load.participants)
    with server:
        kind = "Janus simulcast" if clip.lower else "Janus baseline"
        print(f"{kind}: {load.participants} participants, {load.duration:.0f} s")
        measured = measure(server, room, clip, load, by_timestamp=False, signaling="janus")
    # Janus writes abs-send-time from a clock of its own (not wall-clock time): no such figure
    return dataclasses.replace(measured, forwarded_to_arrival_p95=float("nan"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.forwarding", description=__doc__.split("\n")[0]
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick", action="store_true", help="about 3 minutes: 8 participants, 10 s windows"
    )
    mode.add_argument("--soak", action="store_true", help="a 10-minute window, for memory")
    parser.add_argument("--participants", type=int, help="hearing server run (default 10)")
    parser.add_argument("--relay-participants", type=int, help="baseline run (default 3)")
    parser.add_argument("--duration", type=float, help="measured seconds (default 60)")
    parser.add_argument("--no-janus", action="store_true", help="skip the Janus baseline")
    return parser


ROWS: list[tuple[str, Callable[[Measurement], str]]] = [
    ("participants (each sends VP8 + Opus)", lambda m: f"{m.participants}"),
    ("video streams forwarded", lambda m: f"{m.video_streams}"),
    ("measured window, s", lambda m: f"{m.window:.1f}"),
    ("server CPU, cores", lambda m: f"{m.server_cores:.3f}"),
    ("load generator CPU, cores", lambda m: f"{m.generator_cores:.3f}"),
    ("other load on the machine, cores", lambda m: f"{m.other_cores:.3f}"),
    ("CPU per video stream, % of a core", lambda m: f"{m.cpu_per_stream * 100:.3f}"),
    ("CPU per 1000 frames delivered, core-ms", lambda m: f"{m.cpu_per_frame * 1e6:.1f}"),
    ("video streams per core", lambda m: _streams_per_core(m)),
    ("received fps per stream, mean / min", lambda m: f"{m.fps_mean:.1f} / {m.fps_min:.1f}"),
    ("send→arrival latency p50, ms", lambda m: _ms(m.latency_p50)),
    ("send→arrival latency p95, ms", lambda m: _ms(m.latency_p95)),
    ("server stamp→arrival p95, ms", lambda m: _ms(m.forwarded_to_arrival_p95)),
    ("frames matched for latency", lambda m: f"{m.latency_frames}"),
    ("late joiner first frame p50 / worst, s", lambda m: _late(m)),
    ("admit-all first frame p50 / p95, s", lambda m: _admitted(m)),
    ("rejoin first frame p50 / worst, s", lambda m: _rejoined(m)),
    ("server RSS start → end, MiB", lambda m: f"{m.rss[0]:.0f} → {m.rss[-1]:.0f}"),
    ("sample decoded (frames, size)", lambda m: _sample(m)),
    ("frames of the clip's top layer, share", lambda m: f"{m.clip_share:.3f}"),
]


def _print_table(columns: dict[str, Measurement]) -> None:
    width = max(len(label) for label, _ in ROWS)
    print(f"\n{'':{width}}" + "".join(f"  {name:>18}" for name in columns))
    for label, cell in ROWS:
        print(f"{label:{width}}" + "".join(f"  {cell(m):>18}" for m in columns.values()))
    print()


def _summary(sfu: Measurement, base: Measurement, janus: Measurement | None) -> dict[str, Any]:
    return {
        "streams_per_core": round(sfu.streams_per_core, 1),
        "relay_cpu_ratio": round(base.cpu_per_stream / sfu.cpu_per_stream, 1),
        "relay_cpu_ratio_per_frame": round(base.cpu_per_frame / sfu.cpu_per_frame, 1),
        "janus_streams_per_core": None if janus is None else round(janus.streams_per_core, 1),
        "c_sfu_ratio": (
            None if janus is None else round(sfu.streams_per_core / janus.streams_per_core, 3)
        ),
        "added_latency_p95_ms": round(sfu.latency_p95 * 1000, 2),
        "added_latency_p50_ms": round(sfu.latency_p50 * 1000, 2),
        "late_join_first_frame_s": round(_worst(sfu.late_join_first_frames, sfu.participants), 3),
        "admit_all_first_frame_p95_s": round(_admit_all_p95(sfu), 3),
        "rejoin_first_frame_s": round(_worst(sfu.rejoin_first_frames, sfu.participants - 1), 3),
        "rss_growth_mb": round(sfu.rss_growth, 2),
        "cpu_per_stream_pct": round(sfu.cpu_per_stream * 100, 3),
        "participants": sfu.participants,
        "video_streams": sfu.video_streams,
        "window_s": round(sfu.window, 1),
        "fps_min": round(sfu.fps_min, 1),
        "other_load_cores": round(sfu.other_cores, 2),
        "relay": _baseline(base),
        "janus": None if janus is None else _baseline(janus),
    }


def _simulcast_summary(sim: Measurement, janus: Measurement | None) -> dict[str, Any]:
    return {
        "streams_per_core_simulcast": round(sim.streams_per_core, 1),
        "janus_streams_per_core_simulcast": (
            None if janus is None else round(janus.streams_per_core, 1)
        ),
        "c_sfu_ratio_simulcast": (
            None if janus is None else round(sim.streams_per_core / janus.streams_per_core, 3)
        ),
        "c_sfu_ratio_simulcast_per_frame": (
            None if janus is None else round(janus.cpu_per_frame / sim.cpu_per_frame, 3)
        ),
        "simulcast": _baseline(sim) | {"top_layer_share": round(sim.clip_share, 3)},
        "janus_simulcast": (
            None
            if janus is None
            else _baseline(janus) | {"top_layer_share": round(janus.clip_share, 3)}
        ),
    }


def _kbps(frames: list[bytes]) -> float:
    return sum(map(len, frames)) * 8 * FPS / len(frames) / 1000


def _print_limited(limited: Limited) -> None:
    how = "tc netem" if limited.netem else "in the subscriber's process (no netem here)"
    print(f"limited subscriber (300 kbit/s by tc tbf; 100 ms delay and 2 % loss {how}):")
    rows = [
        ("decoded video fps before the limit", f"{limited.baseline_fps:.1f}"),
        ("decoded video fps per 1-s window after 5 s", " ".join(map(str, limited.fps_per_second))),
        (
            "freezes > 0.5 s after 5 s / longest, s",
            f"{limited.freezes} / {limited.longest_freeze:.1f}",
        ),
        ("longest audio gap after 5 s, s", f"{limited.audio_gap_max:.2f}"),
        ("audio frames decoded after 5 s, share", f"{limited.audio_share:.2f}"),
        ("its received video, kbps", f"{limited.limited_kbps:.0f}"),
        ("others' video unlimited → limited, kbps", _others(limited)),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:{width}}  {value}")
    print()


def _others(limited: Limited) -> str:
    pairs = zip(limited.others_baseline_kbps, limited.others_limited_kbps, strict=True)
    return ", ".join(f"{before:.0f} → {after:.0f}" for before, after in pairs)


def _limited_summary(limited: Limited | str) -> dict[str, Any]:
    if isinstance(limited, str):
        return dict.fromkeys(("limited_fps_min", "limited_freezes", "others_bitrate_share"))
    return {
        "limited_fps_min": limited.fps_min,
        "limited_freezes": limited.freezes,
        "others_bitrate_share": round(limited.others_share, 3),
        "limited_longest_freeze_s": round(limited.longest_freeze, 2),
        "limited_audio_gap_max_s": round(limited.audio_gap_max, 3),
        "limited_audio_share": round(limited.audio_share, 3),
        "limited_video_kbps": round(limited.limited_kbps, 1),
        "limited_baseline_fps": round(limited.baseline_fps, 1),
        "limited_netem": limited.netem,
    }


def _baseline(m: Measurement) -> dict[str, Any]:
    return {
        "participants": m.participants,
        "video_streams": m.video_streams,
        "cpu_per_stream_pct": round(m.cpu_per_stream * 100, 3),
        "fps_mean": round(m.fps_mean, 1),
        "fps_min": round(m.fps_min, 1),
        "added_latency_p95_ms": round(m.latency_p95 * 1000, 2),
        "late_join_first_frame_s": round(_worst(m.late_join_first_frames, m.participants), 3),
        "other_load_cores": round(m.other_cores, 2),
    }


def _worst(first_frames: list[float], publishers: int) -> float:
    """The last publisher's first frame; 99 s if some never arrived (JSON has no infinity)."""
    return max(first_frames) if len(first_frames) >= publishers else NEVER


def _admit_all_p95(m: Measurement) -> float:
    """p95 over every (admitted party, publisher) pair; 99 s if some video never arrived."""
    pairs = (m.participants - 1) ** 2  # each party receives the judge and the other parties
    times = m.admit_all_first_frames
    return percentile(times, 0.95) if len(times) >= pairs else NEVER


def _admitted(m: Measurement) -> str:
    times = sorted(m.admit_all_first_frames)
    if not times:
        return "n/a"
    return f"{times[len(times) // 2]:.2f} / {_admit_all_p95(m):.2f}"


def _rejoined(m: Measurement) -> str:
    times = m.rejoin_first_frames
    if not times:
        return "n/a"
    return f"{times[len(times) // 2]:.2f} / {_worst(times, m.participants - 1):.2f}"


def _streams_per_core(m: Measurement) -> str:
    return f"{m.streams_per_core:.{0 if m.streams_per_core >= 100 else 1}f}"


def _ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.2f}"


def _late(m: Measurement) -> str:
    times = m.late_join_first_frames
    if not times:
        return "none arrived"
    return f"{times[len(times) // 2]:.2f} / {_worst(times, m.participants):.2f}"


def _sample(m: Measurement) -> str:
    return "none" if m.sample is None else f"{m.sample[0]}, {m.sample[1]}x{m.sample[2]}"


if __name__ == "__main__":
    main()
