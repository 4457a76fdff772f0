"""Realistic exhibit files, made in the bench. The PDF is written object by object: A4 pages,
each with a heading and about thirty lines of text (Helvetica, one of PDF's standard fonts, as a
word processor's export names it), vector drawings (a table's rules, a bar chart, a curved
stamp) and a photo-like JPEG of its own (1200 × 800, ~150 KB), so each page asks the renderer
for text, paths and a large image to scale down. The photo is smooth shading with fine noise,
as a camera gives, at any size and with any EXIF."""

import io
import random
import zlib

import numpy as np
from PIL import Image

from tests.pdf_files import CATALOG, pdf_bytes

PAGE = (595, 842)
"""A4 in points."""
PHOTO = (1200, 800)
CLAUSE = (
    "the parties agree that delivery of the goods shall take place at the buyer's warehouse "
    "within thirty days of payment and that any defect notified in writing before acceptance "
    "shall be remedied at the seller's cost including transport insurance and storage"
)
"""The words of the text, shuffled line by line."""


def photo(seed: int, size: tuple[int, int] = PHOTO, exif: Image.Exif | None = None) -> bytes:
    """A JPEG that compresses like a photograph: gradients, a few soft blobs, sensor noise."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    picture = np.zeros((height, width, 3), np.float32)
    for channel in range(3):
        picture[..., channel] = 60 + 120 * (x / width) * rng.uniform(0.3, 1) + 50 * (y / height)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(60, 250)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
        picture += blob[..., None] * rng.uniform(-80, 80, 3)
    picture += rng.standard_normal(picture.shape, dtype=np.float32) * 6
    out = io.BytesIO()
    image = Image.fromarray(picture.clip(0, 255).astype(np.uint8))
    image.save(out, format="JPEG", quality=85, exif=exif or Image.Exif())
    return out.getvalue()


def text_lines(rng: random.Random, count: int) -> list[str]:
    words = CLAUSE.split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(9, 13))) for _ in range(count)]


def page_content(number: int, rng: random.Random) -> bytes:
    ops = [f"BT /F2 16 Tf 56 790 Td (Exhibit P-3, page {number}: contract of sale) Tj ET"]
    ops.append("BT /F1 9.5 Tf 12 TL 56 765 Td")
    for line in text_lines(rng, 24):
        ops.append(f"({line}) '")
    ops.append("ET")
    # the photo, 300 × 200 points
    ops.append("q 300 0 0 200 56 250 cm /Im1 Do Q")
    # a table's rules and a bar chart beside the photo
    ops.append("0.4 w 0 0 0 RG")
    for row in range(9):
        ops.append(f"380 {250 + row * 25} m 540 {250 + row * 25} l S")
    ops.append("380 250 m 380 450 l S 460 250 m 460 450 l S 540 250 m 540 450 l S")
    for bar in range(8):
        shade = rng.uniform(0.2, 0.8)
        ops.append(f"{shade:.2f} 0.3 0.6 rg {56 + bar * 40} 90 28 {rng.randint(20, 130)} re f")
    # a round stamp drawn with Bézier curves
    ops.append("0.8 0 0 RG 2 w 540 150 m 540 188 510 210 480 210 c 450 210 420 188 420 150 c")
    ops.append("420 112 450 90 480 90 c 510 90 540 112 540 150 c S")
    ops.append("BT /F1 7 Tf 0.8 0 0 rg 434 147 Td (SEAL OF THE SELLER) Tj ET")
    ops.append("BT /F1 9.5 Tf 0 0 0 rg 12 TL 56 70 Td")
    for line in text_lines(rng, 4):
        ops.append(f"({line}) '")
    ops.append("ET")
    return "\n".join(ops).encode()


def exhibit_pdf(pages: int, seed: int = 14) -> bytes:
    """A PDF of `pages` pages, the same bytes for the same arguments."""
    rng = random.Random(seed)
    objects: list[bytes] = [
        CATALOG,
        b"",  # the page tree, once the pages have numbers
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for number in range(1, pages + 1):
        jpeg = photo(seed * 1000 + number)
        content = zlib.compress(page_content(number, rng))
        first = len(objects) + 1
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
            b" /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
            % (*PHOTO, len(jpeg), jpeg)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
            % (len(content), content)
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
            % (*PAGE, first + 1, first)
        )
        kids.append(b"%d 0 R" % (first + 2))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    return pdf_bytes(objects)
