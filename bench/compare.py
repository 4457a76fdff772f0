"""Forwarding CPU of this checkout against another revision, or Janus, both measured at the
same time.

    python -m bench.compare [--quick] [--rounds N] [--participants N] [--single-layer] REVISION
    python -m bench.compare [--quick] [--rounds N] [--participants N] [--single-layer] --janus

`bench.forwarding` measures one server after another, and on a shared machine the load of
other programs drifts by more between two runs a minute apart (±15 % seen) than a change to the
forwarder moves its cost. Here the two servers run side by side: this checkout's and
REVISION's (a git revision of this repository, exported to a temporary folder and its C part
compiled there), each with a hearing of N participants publishing the simulcast clip (or the
single-layer one) and its own load generator, in the same measured window. Whatever else loads
the machine then loads both alike. Rounds alternate which one starts first.

With `--janus` the other server is Janus's VideoRoom (bench/janus_server.py) with the same
participants: `bench.forwarding`'s `c_sfu_ratio_simulcast` measures the two one after the
other, and Janus's own figure moved by a quarter between two runs minutes apart (bench/
README.md); side by side, the drift falls on both. The ratio is then ours / Janus's CPU per
stream (below 1: cheaper than Janus; `bench.forwarding`'s ratio is its inverse).

Each round prints both servers' CPU per video stream and their ratio; the last line is one JSON
object: `cpu_ratio` (this checkout's CPU per stream / REVISION's or Janus's, the median over the
rounds; below 1 is cheaper), `rounds` (each round's ratio), `participants`, `simulcast`,
`against`. Both run on
two cores with their load generators, so keep N small enough that every stream holds 30 fps
(the bench prints the lowest): a server that falls behind reads cheaper than it is.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

from bench.clip import Clip, encode_clip
from bench.janus_server import janus_available, janus_server
from bench.load import Load, Measurement, measure
from bench.seed import BenchHearing
from bench.servers import hearing_server
from bench.simulcast import encode_simulcast_clip
from tests.live_server import ROOT, LiveServer, ServerProcess

WARMUP = 8.0
"""Seconds from the streams flowing to the window (a simulcast subscriber climbs to the top
layer first)."""


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.janus == (args.revision is not None):
        parser.error("give a REVISION or --janus")
    if args.janus and not janus_available():
        parser.error("--janus needs Janus (apt-get install janus) and cc")
    window = 20.0 if args.quick else 60.0
    rounds = args.rounds or (2 if args.quick else 4)
    clip = encode_clip() if args.single_layer else encode_simulcast_clip()
    load = Load(args.participants, warmup=WARMUP, duration=window)
    ratios: list[float] = []
    against = "Janus" if args.janus else args.revision
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        other = JANUS if args.janus else _export(args.revision, Path(tmp, "revision"))
        sources: dict[str, Path | str | None] = {"this checkout": None, against: other}
        for round_number in range(rounds):
            order = list(sources.items())
            if round_number % 2:
                order.reverse()
            measured = _side_by_side(order, clip, load, Path(tmp, f"round-{round_number}"))
            ours, theirs = measured["this checkout"], measured[against]
            ratio = _per_stream(ours) / _per_stream(theirs)
            ratios.append(ratio)
            print(
                f"round {round_number + 1}: this checkout {_per_stream(ours):.3f} %,"
                f" {against} {_per_stream(theirs):.3f} % of a core per video stream"
                f" (fps min {ours.fps_min:.1f} / {theirs.fps_min:.1f},"
                f" other load {ours.other_cores:.2f}): ratio {ratio:.3f}"
            )
    summary = {
        "cpu_ratio": round(statistics.median(ratios), 3),
        "rounds": [round(r, 3) for r in ratios],
        "participants": args.participants,
        "simulcast": not args.single_layer,
        "against": against,
    }
    print(json.dumps(summary))


def _export(revision: str, folder: Path) -> Path:
    """`revision` of this repository in `folder`, with its C parts compiled in place."""
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    # as setup.py builds them, without a build environment of its own (no download): each
    # _NAME.c a module, the other files linked into each
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    include = sysconfig.get_paths()["include"]
    media = folder / "signaling/media"
    shared = [str(f) for f in sorted(media.glob("[!_]*.c"))]
    for source in sorted(media.glob("_*.c")):
        built = source.with_suffix(sysconfig.get_config_var("EXT_SUFFIX"))
        options = ["-O2", "-Wall", "-shared", "-fPIC", f"-I{include}", str(source), *shared]
        subprocess.run([compiler, *options, "-o", str(built), "-lm"], check=True)
    return folder


JANUS = "janus"
"""The other side of `--janus` (in place of a revision's source folder)."""


def _side_by_side(
    order: list[tuple[str, Path | str | None]], clip: Clip, load: Load, workdir: Path
) -> dict[str, Measurement]:
    """Start both servers, then measure both at once (the second 0.5 s after the first). A
    source is this checkout (None), another revision's folder, or `JANUS`."""
    servers: list[tuple[str, ServerProcess, BenchHearing]] = []
    try:
        for index, (name, source) in enumerate(order):
            folder = workdir / str(index)
            folder.mkdir(parents=True)
            if source == JANUS:
                janus, room = janus_server(folder, load.participants)
                janus.start()
                servers.append((name, janus, room))
            else:
                assert not isinstance(source, str)
                servers.append((name, *hearing_server(folder, load.participants, source=source)))
        results: dict[str, Measurement] = {}
        failures: list[BaseException] = []

        def run(name: str, server: ServerProcess, hearing: BenchHearing) -> None:
            try:
                if isinstance(server, LiveServer):
                    measured = measure(
                        server, hearing, clip, load, by_timestamp=False, join_paths=True
                    )
                else:
                    measured = measure(
                        server, hearing, clip, load, by_timestamp=False, signaling="janus"
                    )
                results[name] = measured
            except BaseException as exc:  # raised again in the main thread
                failures.append(exc)

        threads = [threading.Thread(target=run, args=entry) for entry in servers]
        for thread in threads:
            thread.start()
            time.sleep(0.5)
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        return results
    finally:
        for _, server, _ in servers:
            server.stop()


def _per_stream(measured: Measurement) -> float:
    """Percent of a core per video stream."""
    return 100 * measured.server_cores / measured.video_streams


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "revision", nargs="?", help="a git revision of this repository, e.g. HEAD~3"
    )
    parser.add_argument("--janus", action="store_true", help="compare with Janus instead")
    parser.add_argument("--quick", action="store_true", help="two rounds of 20 s")
    parser.add_argument("--rounds", type=int, help="rounds (default 4, 2 with --quick)")
    parser.add_argument("--participants", type=int, default=6, help="per server (default 6)")
    parser.add_argument("--single-layer", action="store_true", help="publish the single-layer clip")
    return parser


if __name__ == "__main__":
    main()
