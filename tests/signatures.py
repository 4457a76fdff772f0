"""Signature pictures for tests: drawn strokes, blank canvases, other formats."""

from __future__ import annotations

import base64
import io
import random

from PIL import Image, ImageDraw


def png(
    width: int = 400, height: int = 150, strokes: int = 3, seed: int = 1, mode: str = "RGBA"
) -> bytes:
    """A signature as a canvas draws it: dark strokes on a transparent background."""
    image = Image.new(mode, (width, height), (0, 0, 0, 0) if mode == "RGBA" else "white")
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(strokes):
        points = [(rng.randrange(width), rng.randrange(height)) for _ in range(6)]
        draw.line(points, fill=(20, 20, 60, 255) if mode == "RGBA" else "black", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def blank_png(width: int = 400, height: int = 150, colour: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 400, height: int = 150) -> bytes:
    image = Image.open(io.BytesIO(png(width, height))).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
