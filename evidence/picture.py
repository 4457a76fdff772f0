"""The pictures made from an exhibit for the screen and the archive: WebP (a page of text,
drawings and a photo at 1280 pixels is ~135 KB, a fifth of its PNG, which counts on a phone's
weak link; every current browser shows it), written under names that depend only on
what they show, so the same request writes the same files."""

from dataclasses import dataclass
from pathlib import Path

QUALITY = 80
"""WebP's lossy quality: text stays crisp at screen widths."""
METHOD = 2
"""WebP's effort, 0 (fast) to 6: 2 costs half the CPU of Pillow's default 4 for 2 % more bytes."""
PAGE_NAME = "page-{page:04d}-{width}.webp"
IMAGE_NAME = "image-{width}.webp"
"""`width` is the width asked for, so a name does not depend on the page's shape."""


@dataclass(frozen=True)
class Picture:
    path: Path
    width: int
    """Pixels."""
    height: int
    size: int
    """Bytes."""
    page: int | None = None
    """The PDF page it shows, from 1; None for an image exhibit."""
