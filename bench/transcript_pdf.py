"""CPU time of rendering a transcript's PDF: a three-hour hearing's 2,000 entries (Chinese and
English, one fact in ten) with 20 signers (PNG signatures drawn as a finger draws them; one in
five refused). Target: at most 10 CPU seconds (issue 15).

    python -m bench.transcript_pdf [--entries 2000] [--signers 20] [--runs 3]

Prints each run, then one JSON line: {"transcript_pdf_s": the median, "runs": [...]}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from hearing_server.transcript_pdf import render_pdf
from tests.transcript_documents import sample_document


def pdf_cpu_seconds(entries: int = 2000, signers: int = 20) -> float:
    """Process CPU seconds (user and system, this process's threads) of one render of a
    realistic document of ``entries`` lines and ``signers`` signers; the document is built
    before the clock starts."""
    document = sample_document(entries=entries, signers=signers)
    start = time.process_time()
    render_pdf(document)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--signers", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for run in range(args.runs):
        runs.append(round(pdf_cpu_seconds(args.entries, args.signers), 3))
        print(f"run {run + 1}: {runs[-1]:.2f} CPU s", flush=True)
    print(json.dumps({"transcript_pdf_s": statistics.median(runs), "runs": runs}))


if __name__ == "__main__":
    main()
