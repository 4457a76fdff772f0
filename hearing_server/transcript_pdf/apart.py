"""`render_pdf` in a child process, for the server.

Laying out a long hearing's transcript is a second or two of pure Python (fpdf2). In a thread
of the server it would hold the interpreter's lock that the live hearings of the same process
need (the forwarder and the signaling are Python), so it runs in a child: a fresh interpreter
(`subprocess`, not `fork`) given the document pickled on its standard input (the parent's own
object, never a person's bytes) and answering the PDF on its standard output, under a CPU,
memory and wall-time limit so that no transcript costs the server more than that.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import resource
import sys
from pathlib import Path

from hearing_server.transcript_pdf.document import TranscriptDocument
from hearing_server.transcript_pdf.fonts import FontMissing
from hearing_server.transcript_pdf.render import render_pdf

CPU_SECONDS = 120
"""About 75 times a three-hour hearing's 2,000 entries with 20 signatures."""
MEMORY_BYTES = 2 * 1024**3
WALL_SECONDS = 300.0
FONT_MISSING = 3
"""The child's exit status when there is no Chinese font (its message on standard error)."""
ROOT = Path(__file__).resolve().parents[2]
"""The project's folder, put on the child's path (the server may run from anywhere)."""


class RenderFailed(Exception):
    """The child went past its limits or crashed; the message says how."""


async def render_apart(document: TranscriptDocument) -> bytes:
    """The PDF of ``document``, made in a child process. Raises `FontMissing` without a
    Chinese font, `RenderFailed` past the limits or on a crash."""
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
    )
    try:
        pdf, errors = await asyncio.wait_for(
            process.communicate(pickle.dumps(document)), WALL_SECONDS
        )
    except TimeoutError:
        raise RenderFailed(f"the transcript's PDF took longer than {WALL_SECONDS:g} s") from None
    finally:
        if process.returncode is None:  # timed out, or the caller was cancelled
            process.kill()
            await process.wait()
    said = errors.decode(errors="replace").strip().splitlines()[-1:] or [""]
    if process.returncode == FONT_MISSING:
        raise FontMissing(said[0])
    if process.returncode != 0 or not pdf.startswith(b"%PDF-"):
        raise RenderFailed(
            f"rendering the transcript's PDF failed ({process.returncode}): {said[0]}"
        )
    return pdf


def _child() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    document = pickle.loads(sys.stdin.buffer.read())
    if not isinstance(document, TranscriptDocument):
        sys.exit("not a transcript document")
    try:
        pdf = render_pdf(document)
    except FontMissing as exc:
        print(exc, file=sys.stderr)
        sys.exit(FONT_MISSING)
    sys.stdout.buffer.write(pdf)


if __name__ == "__main__":
    _child()
