"""The hearing's written record (docs/architecture.md#transcript): what a kill -9 of the server
costs the clerk's typing, and what its PDF costs to make.

```
python -m bench.transcript --quick    # ~2 min: 6 kills at random moments
python -m bench.transcript            # 20 kills
python -m bench.transcript --kills 10 --seed 7
```

**Typing lost to kill -9** (`draft_loss.py`): a real `hearing-server serve` on a new PostgreSQL
database; the clerk's console in Chromium types a transcript entry, one character every 100 ms,
and the server is killed with SIGKILL 3–6 s after the first character (uniformly at random),
then started again on the same database. Another HTTP client (not the browser, whose own copy
would hide the loss) reads the clerk's draft from the restarted server. Lost = from the first
character the server's draft lacks to the kill. `draft_loss_s` = the worst over the kills.
Target: ≤ 2. The console saves the draft every second while it changes, so expect up to ~1 s
plus the save's latency. `draft_save_p95_ms` is that latency as the browser sees it.

**The PDF** (`transcript_pdf.py`): CPU seconds of rendering a three-hour hearing's transcript of
2,000 entries with 20 signers, their signatures drawn (median of three renders).
`transcript_pdf_s` target: ≤ 10.

The last line is JSON: `transcript_pdf_s`, `draft_loss_s`, `draft_loss_median_s`,
`draft_kills`, `draft_save_p95_ms`; bench/README.md says how to read them.
"""

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from bench.draft_loss import draft_loss
from bench.transcript_pdf import pdf_cpu_seconds

QUICK_KILLS = 6
KILLS = 20
PDF_RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_KILLS} kills, not {KILLS}")
    parser.add_argument("--kills", type=int, help="this many kills")
    parser.add_argument("--seed", type=int, default=None, help="the kills' moments (random)")
    args = parser.parse_args()
    kills = args.kills or (QUICK_KILLS if args.quick else KILLS)
    renders = [round(pdf_cpu_seconds(), 3) for _ in range(PDF_RUNS)]
    print(f"transcript PDF, 2,000 entries and 20 signers: {renders} CPU s")
    with tempfile.TemporaryDirectory(prefix="bench-transcript-") as directory:
        loss = draft_loss(Path(directory), kills, args.seed)
    for line in loss.lines():
        print(line)
    figures = {"transcript_pdf_s": statistics.median(renders), **loss.figures()}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
