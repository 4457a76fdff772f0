"""Public broadcast benchmark: the encoder's cost, the latency to the public, the live hearing's
cost with the broadcast on, and the server's cost of serving viewers.

    python -m bench.broadcast [--quick] [--viewers N]

1. **Encoder** (`broadcast_cpu_cores`): four parties (640x360 VP8 at 30 fps and Opus each,
   bench/clip.py) are recorded through the real recorders, then the real broadcast process
   (hearing_server/broadcast_process.py) draws that recording as it would a live one, in real
   time, to 1280x720 at 25 fps (H.264 + AAC, HLS); its CPU over the window, in cores.
2. **Latency** (`glass_to_glass_s`): a hearing server broadcasts a public hearing with the
   shortest delay it allows; the judge (headless) sends pictures that carry their number
   (tests/integration/media_sources.py) and a viewer polls the playlist, reading the number in
   the first picture of each new segment: from the picture leaving the judge to the segment
   being listed, plus the hold-back of the public page's player (it plays 3 segments behind
   the live edge: a segment's first picture shows 2 segment lengths after it is listed).
   Measured with 1-s segments (the shortest a court may set) and again with the default 2 s
   (`glass_to_glass_2s_segments_s`).
3. **The live hearing** (`forwarding_cpu_ratio`): the forwarding bench's load (bench/load.py)
   on a public hearing in session, the broadcast on and then off (two servers, one after the
   other): the server process's CPU per forwarded stream, on / off. The broadcast process is
   the server's child, not counted: this is what the hearing itself pays.
4. **Viewers** (`viewers`, `viewers_cpu_cores`): the encoder's segments are made to look live
   (bench/broadcast_viewers.py) under a public hearing of a server without an encoder, and
   that many viewers in two processes poll and download them as players do; the server's CPU
   over the window.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import av
import numpy as np
from av import VideoFrame

from bench import broadcast_viewers
from bench.clip import encode_clip
from bench.load import Load, measure
from bench.loopback import use_loopback
from bench.proc import cpu_seconds, machine_busy_seconds
from bench.recording import PARTIES, START, record_hearing
from bench.servers import hearing_server
from config.broadcast import MIN_DELAY_SECONDS, BroadcastSettings
from hearing_server.broadcast_process import BroadcastJob, run
from recording.broadcast.hls import PART_SECONDS, HlsSettings
from recording.broadcast.playlist import HOLD_BACK_PARTS, SEGMENT_NAME
from recording.render import Interval
from recording.render.layout import fit, grid_layout
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.media_sources import HEIGHT, WIDTH, read_marks

SEGMENT = 2
"""Seconds per HLS segment by default (config/broadcast.py)."""
LOW_LATENCY_SEGMENT = 1
"""The shortest a court may set: `glass_to_glass_s` is measured with it, and again with the
default (`glass_to_glass_2s_segments_s`)."""
FIRST_PART = re.compile(r'URI="(seg-\d{5}\.0\.ts)"')
PLAYER_SEGMENTS = 3
"""Segments the public page's player stays behind the live edge (hls.js liveSyncDurationCount,
web_client/src/public/player.ts)."""
TARGETS = {
    "broadcast_cpu_cores": ("<=", 0.35),
    "glass_to_glass_s": ("<=", 6.0),
    "glass_to_glass_ll_s": ("<=", 3.0),
    "forwarding_cpu_ratio": ("<=", 1.05),
    "viewers_cpu_cores": ("<=", 0.3),
}


def encoder_cost(workdir: Path, warmup: float, window: float) -> dict[str, Any]:
    """The broadcast process drawing a 4-party recording in real time."""
    clips = [encode_clip(3.0, seed=seed) for seed in range(1, 5)]
    recording = workdir / "recording"
    recording.mkdir()
    length = warmup + window + 10
    far = Interval(START + 10 * length, START + 10 * length + 1)  # no recess
    asyncio.run(record_hearing(clips, recording, length, far))
    hls = HlsSettings(segment_seconds=SEGMENT, list_size=1000)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    job = BroadcastJob(
        hearing_id=1,
        recording=recording,
        output=workdir / "hls",
        title="北京市朝阳区人民法院  (2026)京0105民初1234号  买卖合同纠纷",
        footer="北京市朝阳区人民法院  (2026)京0105民初1234号",
        timezone="Asia/Shanghai",
        language="zh",
        delay=time.time() - START - 2,  # it shows the recording from its third second on
        hls=hls,
    )
    process = context.Process(target=run, args=(job, theirs), daemon=True)
    process.start()
    ours.send(("state", START, "in_session"))
    ours.send(("people", {who: (name, role) for who, name, role in PARTIES}))
    assert process.pid is not None
    time.sleep(warmup)
    cpu, busy, started = cpu_seconds(process.pid), machine_busy_seconds(), time.monotonic()
    time.sleep(window)
    used, elapsed = cpu_seconds(process.pid) - cpu, time.monotonic() - started
    others = (machine_busy_seconds() - busy - used) / elapsed
    ours.send(("stop",))
    process.join(30)
    frames = 0
    segments = sorted(
        path
        for path in (workdir / "hls").iterdir()
        if (name := SEGMENT_NAME.fullmatch(path.name)) and name[2] is None  # not a part
    )
    for segment in segments:
        with av.open(str(segment)) as container:
            frames += sum(1 for p in container.demux(video=0) if p.size)
    return {
        "broadcast_cpu_cores": round(used / elapsed, 3),
        "broadcast_fps": round(frames / (warmup + window), 1),
        "broadcast_other_load_cores": round(max(0.0, others), 2),
        "segments": segments,
    }


def glass_to_glass(workdir: Path, seconds: float, segment: int) -> dict[str, Any]:
    """The latency with the shortest delay and `segment`-second segments."""
    workdir.mkdir()
    server, hearing = hearing_server(
        workdir,
        1,
        public=True,
        broadcast={"delay_seconds": MIN_DELAY_SECONDS, "segment_seconds": segment},
    )
    with server:
        listed, parts = asyncio.run(
            _watch_latency(server.url, hearing.hearing_id, hearing, seconds, segment)
        )
    fps = BroadcastSettings().fps
    part = round(fps * PART_SECONDS) / fps
    return {
        "glass_to_glass_s": round(statistics.median(listed) + (PLAYER_SEGMENTS - 1) * segment, 2),
        "glass_to_glass_ll_s": round(statistics.median(parts) + (HOLD_BACK_PARTS - 1) * part, 2),
        "listed_after_s": round(statistics.median(listed), 2),
        "part_listed_after_s": round(statistics.median(parts), 2),
        "beyond_delay_s": round(statistics.median(listed) - MIN_DELAY_SECONDS, 2),
        "latency_segments": len(listed),
    }


async def _watch_latency(
    url: str, hearing_id: int, hearing: Any, seconds: float, segment: int
) -> tuple[list[float], list[float]]:
    """From a numbered picture leaving the judge to the segment it opens being listed, and
    to the part it opens (each segment's first, the one a player can start on) being
    listed."""
    use_loopback()
    times = SendTimes()
    judge = HeadlessParticipant(url, times, cookie=hearing.judge.cookie)
    await judge.join(hearing_id)
    for event in ("open", "start_session"):
        assert await judge.signal.call(event) == {"ok": True}, event
    base = f"/public/hearings/{hearing_id}/live/"
    seen: set[str] = set()
    latencies: list[float] = []
    parts: list[float] = []
    tile = fit(grid_layout(1, 1280, 720).tiles[0].video, WIDTH, HEIGHT)
    try:
        async with aiohttp.ClientSession(url) as http:
            until = time.monotonic() + seconds + 30
            while time.monotonic() < until and len(latencies) < seconds / segment:
                async with http.get(base + "index.m3u8") as response:
                    text = await response.text() if response.status == 200 else ""
                listed_at = time.monotonic()
                for names, found in (
                    (broadcast_viewers.SEGMENT.findall(text), latencies),
                    (FIRST_PART.findall(text), parts),
                ):
                    if not seen and names:  # listed before we looked: not timed
                        seen.update(broadcast_viewers.SEGMENT.findall(text))
                        seen.update(FIRST_PART.findall(text))
                    for name in names:
                        if name in seen:
                            continue
                        seen.add(name)
                        async with http.get(base + name) as response:
                            data = await response.read()
                        sent = _first_picture_sent(data, tile, times)
                        if sent is not None:
                            found.append(listed_at - sent)
                await asyncio.sleep(0.05)
    finally:
        await judge.close()
    if not latencies or not parts:
        raise RuntimeError("no segment or part of the judge's pictures was broadcast")
    return latencies, parts


def _first_picture_sent(data: bytes, tile: Any, times: SendTimes) -> float | None:
    """When the first picture of a segment left the judge (its number read in the tile)."""
    with av.open(io.BytesIO(data), "r") as container:
        for frame in container.decode(video=0):
            luma = frame.to_ndarray(format="gray")
            crop = np.ascontiguousarray(
                luma[tile.y : tile.y + tile.height, tile.x : tile.x + tile.width], dtype=np.uint8
            )
            picture = VideoFrame.from_ndarray(crop, format="gray").reformat(
                WIDTH, HEIGHT, "yuv420p"
            )
            counter, tag = read_marks(picture)
            return times.sent_at(tag, counter) if tag == 1 else None
    return None


def _segments_key(key: str, segment: int) -> str:
    """`glass_to_glass_s` measured with `segment`-s segments: `glass_to_glass_2s_segments_s`."""
    stem, seconds = (key[:-2], "_s") if key.endswith("_s") else (key, "")
    return f"{stem}_{segment}s_segments{seconds}"


def forwarding_ratio(workdir: Path, participants: int, window: float) -> dict[str, Any]:
    clip = encode_clip()
    load = Load(participants, warmup=3, duration=window, in_session=True)
    cost = {}
    for on in (True, False):
        folder = workdir / ("on" if on else "off")
        folder.mkdir()
        server, hearing = hearing_server(
            folder, participants, public=True, broadcast={"enabled": on}
        )
        with server:
            measured = measure(server, hearing, clip, load, by_timestamp=False, join_paths=True)
        cost[on] = measured.cpu_per_stream
        print(
            f"  broadcast {'on ' if on else 'off'}: {measured.video_streams} streams, "
            f"{measured.cpu_per_stream * 100:.3f} % of a core per stream"
        )
    return {
        "forwarding_cpu_ratio": round(cost[True] / cost[False], 3),
        "forwarding_cpu_per_stream_pct": {
            "on": round(cost[True] * 100, 3),
            "off": round(cost[False] * 100, 3),
        },
    }


def viewers_cost(
    workdir: Path, segments: list[Path], viewers: int, window: float
) -> dict[str, Any]:
    server, hearing = hearing_server(workdir, 1, public=True, broadcast={"enabled": False})
    sources = workdir / "sources"
    sources.mkdir()
    copies = []
    for segment in segments[2:-1]:  # whole segments of the steady state
        copies.append(Path(shutil.copy(segment, sources / segment.name)))
    folder = workdir / "broadcasts" / f"hearing-{hearing.hearing_id}"
    bitrate = sum(p.stat().st_size for p in copies) * 8 / (len(copies) * SEGMENT)
    with server, broadcast_viewers.LiveEdge(copies, folder, SEGMENT):
        context = multiprocessing.get_context("spawn")
        base = f"/public/hearings/{hearing.hearing_id}/live/"
        pipes, processes = [], []
        for share in (viewers // 2, viewers - viewers // 2):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=broadcast_viewers.run,
                args=(theirs, server.url, base, share, window + 3, SEGMENT),
                daemon=True,
            )
            process.start()
            pipes.append(ours)
            processes.append(process)
        time.sleep(3)  # all have arrived
        cpu, started = cpu_seconds(server.pid), time.monotonic()
        time.sleep(window)
        used, elapsed = cpu_seconds(server.pid) - cpu, time.monotonic() - started
        watched = [pipe.recv() for pipe in pipes]
        for process in processes:
            process.join(10)
    segments_got = sum(w.segments for w in watched)
    return {
        "viewers": viewers,
        "viewers_cpu_cores": round(used / elapsed, 3),
        "viewer_segments": segments_got,
        "viewer_failures": sum(w.failures for w in watched),
        "viewer_behind": sum(w.behind for w in watched),
        "viewer_mbps": round(sum(w.bytes for w in watched) * 8 / (window + 3) / 1e6, 1),
        "stream_kbps": round(bitrate / 1000),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short windows, 100 viewers")
    parser.add_argument("--viewers", type=int, help="simulated viewers (500; --quick 100)")
    args = parser.parse_args(argv)
    window = 15.0 if args.quick else 60.0
    viewers = args.viewers or (100 if args.quick else 500)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp:
        root = Path(tmp)
        for name in ("encoder", "forwarding", "viewers"):
            (root / name).mkdir()
        print(f"encoder: 4 parties to 1280x720 at 25 fps, {window:.0f} s window")
        encoder = encoder_cost(root / "encoder", 4.0, window)
        segments = encoder.pop("segments")
        print(f"  {encoder}")
        results.update(encoder)
        results["delay_s"] = MIN_DELAY_SECONDS
        for segment in (LOW_LATENCY_SEGMENT, SEGMENT):
            print(f"latency: the shortest delay, {segment}-s segments, numbered pictures")
            latency = glass_to_glass(
                root / f"latency{segment}", 20.0 if args.quick else 60.0, segment
            )
            print(f"  {latency}")
            if segment != LOW_LATENCY_SEGMENT:
                latency = {_segments_key(key, segment): value for key, value in latency.items()}
            results.update(latency)
        print("the live hearing's forwarding, broadcast on and off")
        results.update(forwarding_ratio(root / "forwarding", 4 if args.quick else 8, window))
        print(f"viewers: {viewers}, {window:.0f} s window")
        seen = viewers_cost(root / "viewers", segments, viewers, window)
        print(f"  {seen}")
        results.update(seen)
    for key, (_, target) in TARGETS.items():
        value = results[key]
        print(f"  {key:24} {value:8}  (target <= {target})")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
