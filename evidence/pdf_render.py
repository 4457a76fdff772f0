"""Draws a PDF's pages to WebP pictures in a process of its own; `evidence.pages` runs this file
as a script, the server never imports it.

Drawing a page is where a hostile PDF costs the most (see `pdf_probe` for what such a file can
ask for), so it runs under the same kind of budget: before PDFium is loaded, the address space
is limited for the whole process, and before each page the CPU limit is moved to the time used
so far plus the page's allowance, so one page that draws forever is stopped by the kernel
(SIGXCPU) however many pages came before it. The parent adds a wall-clock limit per page. This
file imports only the standard library, pypdfium2 and Pillow, and runs with `python -I`.

Each page is drawn once, at the largest width asked for, and scaled down with Pillow for the
smaller ones (cheaper than drawing again, and the same picture).

Usage: python -I pdf_render.py REQUEST, REQUEST a JSON object with `path`, `folder`, `page`
(from 1; null for all), `widths` (pixels), `name` (a `str.format` pattern with `page` and
`width`), `quality` and `method` (WebP's), `cpu_seconds_per_page`, `memory_bytes`. Prints one
JSON line as each page is started, {"drawing": N}, and one per picture as soon as it is
written, {"page": N, "width": W, "height": H, "name": NAME, "bytes": B}, then {"done": PAGES}
(the document's page count); or, at any point, {"refused": CODE} with CODE a `Refusal` value,
and {"refused": "no_such_page", "pages": PAGES} for a page the document does not have.
"""

import json
import math
import resource
import sys
from pathlib import Path
from typing import Any

MAX_SIDE = 16_383
"""WebP's largest width or height: a page too tall for it is drawn narrower."""


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (request["memory_bytes"], request["memory_bytes"]))
    try:
        render(request)
    except MemoryError:
        say({"refused": "pdf_too_complex"})
    return 0


def say(answer: dict[str, Any]) -> None:
    print(json.dumps(answer), flush=True)


def allow_cpu(seconds: int) -> None:
    """Past `seconds` more CPU time from now the kernel sends SIGXCPU, which ends the process.
    The limit is whole seconds, so the allowance starts from the next whole second used."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = math.ceil(used.ru_utime + used.ru_stime) + seconds
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def render(request: dict[str, Any]) -> None:
    allow_cpu(request["cpu_seconds_per_page"])
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(request["path"])
    except pdfium.PdfiumError:
        say({"refused": "bad_pdf"})
        return
    count = len(pdf)
    pages = [request["page"]] if request["page"] else range(1, count + 1)
    if count == 0 or pages[-1] > count:
        say({"refused": "no_such_page", "pages": count})
        return
    for page in pages:
        say({"drawing": page})
        allow_cpu(request["cpu_seconds_per_page"])
        try:
            draw(pdf[page - 1], page, request)
        except (pdfium.PdfiumError, ValueError):
            say({"refused": "bad_pdf"})
            return
    say({"done": count})


def draw(page: Any, number: int, request: dict[str, Any]) -> None:
    """Write the page at each width asked for (narrower when the page is too tall for WebP);
    ValueError for a page without an area."""
    from PIL import Image

    width, height = page.get_size()
    if not (width > 0 and height > 0):
        raise ValueError(f"page {number} is {width} × {height} points")
    widths = sorted(set(request["widths"]), reverse=True)
    scale = min(widths[0] / width, MAX_SIDE / height)
    bitmap = page.render(scale=scale, rev_byteorder=True).to_pil()
    # PDFium's bitmap is ceil(points × scale) on each side: a pixel over when the product is a
    # hair above a whole number.
    largest = (
        min(round(width * scale), bitmap.width),
        max(1, min(round(height * scale), bitmap.height)),
    )
    picture = bitmap.crop((0, 0, *largest))
    for target in widths:
        wanted = min(target, largest[0])
        size = (wanted, max(1, round(largest[1] * wanted / largest[0])))
        if picture.size != size:
            picture = picture.resize(size, Image.Resampling.LANCZOS)
        name = request["name"].format(page=number, width=target)
        path = Path(request["folder"]) / name
        # under another name until whole: a process stopped mid-write leaves no half picture
        part = path.with_name(name + ".part")
        picture.save(part, format="WEBP", quality=request["quality"], method=request["method"])
        part.replace(path)
        say(
            {
                "page": number,
                "width": size[0],
                "height": size[1],
                "name": name,
                "bytes": path.stat().st_size,
            }
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
