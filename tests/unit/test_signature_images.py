"""A signature's picture is checked before it is kept (hearing_server/signature_images.py)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

from hearing_server.signature_images import BadSignature, check_signature
from tests.signatures import b64, png


def claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width``×``height`` pixels."""
    data = png()
    header = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + header + struct.pack(">I", zlib.crc32(header)) + data[33:]


def encoded(image: Image.Image) -> str:
    out = io.BytesIO()
    image.save(out, "PNG")
    return b64(out.getvalue())


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "L", "P", "1", "LA", "I;16"])
def test_strokes_in_any_png_mode_are_a_signature(mode: str) -> None:
    image = Image.new("L", (300, 120), 255)
    ImageDraw.Draw(image).line([(10, 60), (290, 70)], fill=0, width=4)
    picture = check_signature(encoded(image.convert(mode)))
    assert (picture.width, picture.height) == (300, 120) and len(picture.sha256) == 64


def test_what_hides_under_full_transparency_is_not_drawn() -> None:
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(0, 0), (199, 99)], fill=(200, 0, 0, 0), width=5)
    with pytest.raises(BadSignature, match="blank"):
        check_signature(encoded(image))


def test_a_large_blank_canvas_is_blank_and_a_larger_one_is_not_decoded() -> None:
    with pytest.raises(BadSignature, match="blank"):
        check_signature(encoded(Image.new("RGB", (2000, 1000), "white")))
    for width, height in ((2001, 1000), (2000, 1001), (100_000, 100_000)):
        with pytest.raises(BadSignature, match="2000×1000"):
            check_signature(b64(claiming(width, height)))


def test_a_data_url_is_read_and_other_formats_are_not() -> None:
    assert check_signature("data:image/png;base64," + b64(png())).png == png()
    for other in ("GIF", "WEBP", "BMP"):
        out = io.BytesIO()
        Image.open(io.BytesIO(png())).convert("RGB").save(out, other)
        with pytest.raises(BadSignature, match="not a PNG"):
            check_signature(b64(out.getvalue()))
    with pytest.raises(BadSignature, match="base64"):
        check_signature("data:image/jpeg;base64," + b64(png()))
