"""A signature's picture, as the signer's browser sends it: a PNG in base64, checked before it
is kept (docs/architecture.md#transcript). Blocking (Pillow decodes it): async callers run
`check_signature` in a thread.

The limits (court/transcript_signing.py) are checked from the file's header before any pixel
is decoded, so a small file claiming a huge picture costs nothing; a picture within them is at
most 2 million pixels to decode.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from court.transcript_signing import IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL = "data:image/png;base64,"


class BadSignature(ValueError):
    """The picture is refused; the message says why, for the signer."""


@dataclass(frozen=True)
class SignaturePicture:
    png: bytes
    sha256: str
    width: int
    height: int


def check_signature(encoded: str) -> SignaturePicture:
    """The PNG in ``encoded`` (base64, optionally a data URL), if it is a readable PNG within
    the limits with something drawn on it; else :class:`BadSignature`."""
    if encoded.startswith(DATA_URL):
        encoded = encoded[len(DATA_URL) :]
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadSignature("the signature is not base64") from exc
    if len(png) > IMAGE_BYTES:
        raise BadSignature(f"the signature's picture is larger than {IMAGE_BYTES // 1024} KiB")
    if not png.startswith(PNG_MAGIC):
        raise BadSignature("the signature's picture is not a PNG")
    too_large = BadSignature(
        f"the signature's picture is larger than {IMAGE_WIDTH}×{IMAGE_HEIGHT} pixels"
    )
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            width, height = image.size
            if width > IMAGE_WIDTH or height > IMAGE_HEIGHT:
                raise BadSignature(
                    f"the signature's picture is {width}×{height} pixels; "
                    f"at most {IMAGE_WIDTH}×{IMAGE_HEIGHT} are accepted"
                )
            if width < 1 or height < 1:
                raise BadSignature("the signature's picture is empty")
            image.load()
            drawn = _on_white(image)
    except BadSignature:
        raise
    except Image.DecompressionBombError as exc:  # claims more pixels than Pillow opens at all
        raise too_large from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise BadSignature("the signature's picture is damaged or incomplete") from exc
    if all(low == high for low, high in _band_extrema(drawn)):
        raise BadSignature("the signature is blank: nothing is drawn")
    return SignaturePicture(png, hashlib.sha256(png).hexdigest(), width, height)


def _on_white(image: Image.Image) -> Image.Image:
    """The picture as it looks on a white page (a canvas's background is transparent, and
    what is hidden under full transparency is not drawn)."""
    rgba = image.convert("RGBA")
    page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(page, rgba).convert("RGB")


def _band_extrema(image: Image.Image) -> list[tuple[float, float]]:
    """Each band's lowest and highest value (an RGB picture: three bands)."""
    return [band.getextrema() for band in image.split()]  # type: ignore[misc]
