"""An image's size, checked from its header before a single pixel is decoded, then decoded once
to prove the file is whole (Pillow reads the header lazily, so a 100 000 × 100 000 PNG of a few
kilobytes costs nothing until `load`)."""

from pathlib import Path

from PIL import Image

from evidence.limits import Limits
from evidence.refusal import Refusal, Refused

PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def image_size(path: Path, media_type: str, limits: Limits) -> tuple[int, int]:
    """Width and height of the image at `path`, read only as `media_type`, or Refused."""
    try:
        with Image.open(path, formats=[PILLOW_FORMATS[media_type]]) as image:
            width, height = image.size
            if width * height > limits.max_pixels:
                raise too_many_pixels(limits)
            image.load()
    except Image.DecompressionBombError:
        # Pillow's own guard (at twice its MAX_IMAGE_PIXELS), which refuses in `open` before
        # the check above when the limits allow more than Pillow does.
        raise too_many_pixels(limits) from None
    except (OSError, SyntaxError, ValueError):
        raise Refused(Refusal.BAD_IMAGE, "This image is damaged or incomplete.") from None
    return width, height


def too_many_pixels(limits: Limits) -> Refused:
    megapixels = limits.max_pixels / 1_000_000
    return Refused(Refusal.TOO_MANY_PIXELS, f"This image has more than {megapixels:g} megapixels.")
