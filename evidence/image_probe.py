"""Reads one image in a process of its own, under `budget_child`'s budget; `evidence.image` runs
it, the server never imports it.

An image can ask for much more than its size: a PNG of a hundred bytes may announce
100 000 × 100 000 pixels and inflate to them (a decompression bomb), and a damaged file sends a
C decoder down paths no photo takes. The size is checked from the header before a single pixel
is decoded (Pillow reads the header lazily, so a huge image costs nothing until `load`), then
the image is decoded once to prove it whole. Pillow's own guard against bombs is off here: it
refuses in `open` without saying the size, and this process's budget is the guard. This file
imports only the standard library and Pillow.

`probe(PATH, FORMAT, MAX_PIXELS)` reads the file only as FORMAT (Pillow's name) and returns
{"width": W, "height": H}, or {"refused": CODE} with CODE a `Refusal` value, and with "actual"
the image's pixels for too_many_pixels.
"""

from typing import Any

from PIL import Image

Image.MAX_IMAGE_PIXELS = None


def probe(path: str, format: str, max_pixels: str) -> dict[str, Any]:
    try:
        with Image.open(path, formats=[format]) as image:
            width, height = image.size
            if width * height > int(max_pixels):
                return {"refused": "too_many_pixels", "actual": width * height}
            image.load()
    except (OSError, SyntaxError, ValueError):
        return {"refused": "bad_image"}
    return {"width": width, "height": height}
