"""Reads one PDF in a process of its own, under `budget_child`'s budget; `evidence.pdf` runs it,
the server never imports it.

PDF is a format in which a small file can ask for a great deal: a page tree claiming a million
pages, a page 10 km wide, objects nested thousands deep, a content stream that inflates from a
kilobyte to gigabytes. PDFium guards against much of this but not all, and it is C++: a
pathological file may make it loop, allocate without bound or crash. Here that costs only this
process, stopped by the kernel at its CPU and memory limits and by the parent at its wall time
(`evidence.budget`). This file imports only the standard library and pypdfium2.

`probe(PATH, MAX_PAGES, MAX_PAGE_POINTS)` returns {"pages": N}, or {"refused": CODE} with CODE a
`Refusal` value, and with "actual" the pages or the longest page side (points) when known.
"""

from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

THUMBNAIL = 256
"""Longest side in pixels of the first page's trial rendering."""


def probe(path: str, max_pages: str, max_page_points: str) -> dict[str, Any]:
    """Open the document, count and measure its pages, and draw the first one small: opening
    alone reads only the cross-reference table and the catalog, drawing reads a page's content
    streams (where decompression bombs live)."""
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
    if pages > int(max_pages):
        return {"refused": "too_many_pages", "actual": pages}
    try:
        sizes = [pdf.get_page_size(index) for index in range(pages)]
    except pdfium.PdfiumError:
        return {"refused": "bad_pdf"}
    for width, height in sizes:
        if width <= 0 or height <= 0:
            return {"refused": "bad_pdf"}
        if max(width, height) > float(max_page_points):
            return {"refused": "page_too_large", "actual": max(width, height)}
    width, height = sizes[0]
    pdf[0].render(scale=THUMBNAIL / max(width, height))
    return {"pages": pages}
