"""A PDF's pages as pictures for the screen and the archive, drawn in one child process under a
budget per page (`pdf_render` says how, `budget` why a child process).

The pictures come back one by one as the child writes them, so a caller can show page 1 while
page 50 is being drawn; all the pages of a document cost one process, not one per page. Whatever
goes wrong in the child becomes a refusal, never an exception of another kind and never a wait
of more than `Limits.page_wall_seconds` for the next page. The call blocks; async callers run it
in a thread (`asyncio.to_thread`).
"""

import json
import logging
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from evidence.budget import OVER_BUDGET
from evidence.limits import Limits
from evidence.pdf import refused
from evidence.picture import METHOD, PAGE_NAME, QUALITY, Picture
from evidence.refusal import Refusal, Refused

logger = logging.getLogger(__name__)

RENDERER = Path(__file__).with_name("pdf_render.py")


def page_pictures(
    path: Path, folder: Path, widths: Sequence[int], limits: Limits, page: int | None = None
) -> Iterator[Picture]:
    """Pictures of page `page` (from 1) of the PDF at `path`, or of every page when None, each
    at every width of `widths` (pixels; narrower for a page too tall for WebP), written to
    `folder` as `picture.PAGE_NAME`, in page order then from the widest. Refused with
    `no_such_page` for a page the PDF does not have, `pdf_too_complex` when a page cannot be
    drawn within the budget (the pictures of the pages before it stand)."""
    if page is not None and page < 1:
        raise Refused(Refusal.NO_SUCH_PAGE, "Pages are numbered from 1.")
    if not widths or min(widths) < 1:
        raise ValueError(f"widths must be whole pixels: {widths}")
    folder.mkdir(parents=True, exist_ok=True)
    request = {
        "path": str(path.resolve()),
        "folder": str(folder.resolve()),
        "page": page,
        "widths": list(widths),
        "name": PAGE_NAME,
        "quality": QUALITY,
        "method": METHOD,
        "cpu_seconds_per_page": limits.page_cpu_seconds,
        "memory_bytes": limits.pdf_memory_bytes,
    }
    drawing = page or 1  # the page the child said it is drawing, which a refusal names
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-I", str(RENDERER), json.dumps(request)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            for answer in answers(child, limits.page_wall_seconds):
                if "refused" in answer:
                    raise refusal(answer, page, drawing, limits)
                if "done" in answer:
                    return
                if "drawing" in answer:
                    drawing = answer["drawing"]
                    continue
                yield Picture(
                    folder / answer["name"],
                    answer["width"],
                    answer["height"],
                    answer["bytes"],
                    answer["page"],
                )
        except TimeoutError:
            raise too_complex(drawing) from None
        finally:
            child.kill()
            child.wait()
        if child.returncode in OVER_BUDGET:
            raise too_complex(drawing)
        errors.seek(0)
        logger.warning(
            "PDF rendering of %s ended with %d: %s",
            path,
            child.returncode,
            errors.read()[-2000:].decode(errors="replace"),
        )
        raise refused(Refusal.BAD_PDF, limits)


def answers(child: subprocess.Popen[bytes], seconds: float) -> Iterator[dict[str, Any]]:
    """The child's JSON lines as they come, until it closes its output; TimeoutError when
    `seconds` pass without a whole line. The child is waited for after the last line."""
    assert child.stdout is not None
    stdout = child.stdout.fileno()
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while True:
            line, newline, rest = buffer.partition(b"\n")
            if newline:
                buffer = rest
                deadline = time.monotonic() + seconds
                answer = json.loads(line)
                assert isinstance(answer, dict)
                yield answer
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise TimeoutError
            chunk = os.read(stdout, 1 << 16)
            if not chunk:
                child.wait()
                return
            buffer += chunk


def refusal(answer: dict[str, Any], page: int | None, drawing: int, limits: Limits) -> Refused:
    code = Refusal(answer["refused"])
    if code is Refusal.NO_SUCH_PAGE:
        pages = answer["pages"]
        return Refused(code, f"There is no page {page}: this PDF has {pages} page(s).")
    if code is Refusal.PDF_TOO_COMPLEX:
        return too_complex(drawing)
    return refused(code, limits)


def too_complex(page: int) -> Refused:
    return Refused(
        Refusal.PDF_TOO_COMPLEX,
        f"Page {page} of this PDF takes too long or too much memory to draw.",
    )
