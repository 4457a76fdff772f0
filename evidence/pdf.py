"""A PDF's page count, read in a child process under a budget (`pdf_probe` says why).

The child is a fresh interpreter (`subprocess`, not `fork`: a fork of the server would carry its
threads' locks and its memory), and the call blocks until it ends; async callers run it in a
thread (`asyncio.to_thread`). Whatever goes wrong in the child becomes a refusal, never an
exception of another kind and never a wait longer than `Limits.pdf_wall_seconds`.
"""

import json
import logging
import signal
import subprocess
import sys
from pathlib import Path

from evidence.limits import Limits
from evidence.refusal import Refusal, Refused

logger = logging.getLogger(__name__)

PROBE = Path(__file__).with_name("pdf_probe.py")
OVER_BUDGET = {-signal.SIGXCPU, -signal.SIGKILL, -signal.SIGABRT}
"""How the child ends when the kernel stops it at its CPU limit, or PDFium aborts it when an
allocation fails at the memory limit."""

MESSAGES = {
    Refusal.BAD_PDF: "This PDF is damaged or not a PDF the court can read.",
    Refusal.ENCRYPTED_PDF: "This PDF is password-protected or encrypted; please upload a copy "
    "without protection.",
    Refusal.PDF_TOO_COMPLEX: "This PDF takes too long or too much memory to read.",
}


def pdf_pages(path: Path, limits: Limits) -> int:
    """The number of pages of the PDF at `path`, or Refused."""
    command = [
        sys.executable,
        "-I",
        str(PROBE),
        str(path.resolve()),
        str(limits.max_pages),
        str(limits.max_page_points),
        str(limits.pdf_cpu_seconds),
        str(limits.pdf_memory_bytes),
    ]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=limits.pdf_wall_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise refused(Refusal.PDF_TOO_COMPLEX, limits) from None
    if done.returncode in OVER_BUDGET:
        raise refused(Refusal.PDF_TOO_COMPLEX, limits)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if done.returncode != 0 or not isinstance(answer, dict):
        logger.warning(
            "PDF probe of %s ended with %d: %s", path, done.returncode, done.stderr[-2000:]
        )
        raise refused(Refusal.BAD_PDF, limits)
    if "refused" in answer:
        raise refused(Refusal(answer["refused"]), limits)
    pages = answer["pages"]
    assert isinstance(pages, int)
    return pages


def refused(code: Refusal, limits: Limits) -> Refused:
    if code is Refusal.TOO_MANY_PAGES:
        return Refused(code, f"This PDF has more than {limits.max_pages} pages.")
    if code is Refusal.PAGE_TOO_LARGE:
        inches = limits.max_page_points / 72
        return Refused(code, f"A page of this PDF is larger than {inches:g} inches on a side.")
    return Refused(code, MESSAGES[code])
