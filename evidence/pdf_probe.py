"""Reads one PDF in a process of its own; `evidence.pdf` runs this file as a script, the server
never imports it.

PDF is a format in which a small file can ask for a great deal: a page tree claiming a million
pages, a page 10 km wide, objects nested thousands deep, a content stream that inflates from a
kilobyte to gigabytes. PDFium guards against much of this but not all, and it is C++: a
pathological file may make it loop, allocate without bound or crash. Here that costs only this
process. Before PDFium is even loaded it limits its own CPU time and address space
(`resource.setrlimit`), so the kernel stops it when it goes past them; the parent adds a
wall-clock timeout for the time it spends waiting. This file imports only the standard library
and pypdfium2, so it runs with `python -I` (no project on the path, no environment variables).

Usage: python -I pdf_probe.py PATH MAX_PAGES MAX_PAGE_POINTS CPU_SECONDS MEMORY_BYTES
Prints one JSON object: {"pages": N}, or {"refused": CODE} with CODE a `Refusal` value.
"""

import json
import resource
import sys
from typing import Any

THUMBNAIL = 256
"""Longest side in pixels of the first page's trial rendering."""


def main(argv: list[str]) -> int:
    path, max_pages, max_page_points, cpu_seconds, memory_bytes = argv
    budget(int(cpu_seconds), int(memory_bytes))
    try:
        answer = probe(path, int(max_pages), float(max_page_points))
    except MemoryError:
        answer = {"refused": "pdf_too_complex"}
    print(json.dumps(answer))
    return 0


def budget(cpu_seconds: int, memory_bytes: int) -> None:
    """Past `cpu_seconds` the kernel sends SIGXCPU (and SIGKILL a second later); past
    `memory_bytes` allocations fail. No core file for either."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def probe(path: str, max_pages: int, max_page_points: float) -> dict[str, Any]:
    """Open the document, count and measure its pages, and draw the first one small: opening
    alone reads only the cross-reference table and the catalog, drawing reads a page's content
    streams (where decompression bombs live)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        locked = error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
        return {"refused": "encrypted_pdf" if locked else "bad_pdf"}
    # Encrypted with an empty user password: it opens, but only as long as a reader applies the
    # owner's restrictions; the court keeps files that any reader opens as they are.
    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        return {"refused": "encrypted_pdf"}
    pages = len(pdf)
    if pages == 0:
        return {"refused": "bad_pdf"}
    if pages > max_pages:
        return {"refused": "too_many_pages"}
    try:
        sizes = [pdf.get_page_size(index) for index in range(pages)]
    except pdfium.PdfiumError:
        return {"refused": "bad_pdf"}
    for width, height in sizes:
        if width <= 0 or height <= 0:
            return {"refused": "bad_pdf"}
        if max(width, height) > max_page_points:
            return {"refused": "page_too_large"}
    width, height = sizes[0]
    pdf[0].render(scale=THUMBNAIL / max(width, height))
    return {"pages": pages}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
