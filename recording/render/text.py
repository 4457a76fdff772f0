"""Text burned into the archive, drawn with Pillow (PyAV's FFmpeg has no drawtext): tile
labels, the placeholder of a tile without a picture, the header with case number and clock, and
the recess card. Each is drawn once into an opaque `Picture` and pasted per frame.

Names are often Chinese: the first font found with CJK glyphs is used (Noto Sans CJK SC,
WenQuanYi, Droid Sans Fallback...). Without one, Latin text still renders (DejaVu, or Pillow's
own font) and CJK characters show as boxes; a warning says so once.
"""

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .picture import Picture

logger = logging.getLogger(__name__)
_drawing = threading.Lock()
"""FreeType faces are shared between the render threads; one draws at a time."""

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
RGB = tuple[int, int, int]

CJK_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
)
LATIN_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
CJK_FONT_PATTERNS = ("*CJK*", "*wqy*", "*Hei*", "*Song*", "*Ming*")

BAR: RGB = (32, 36, 40)
PLACEHOLDER: RGB = (52, 56, 60)
WHITE: RGB = (240, 240, 240)
MUTED: RGB = (170, 180, 190)
GOLD: RGB = (236, 196, 84)


@dataclass(frozen=True, slots=True)
class FontFace:
    path: Path | None
    """None: Pillow's built-in font."""
    index: int
    cjk: bool

    def at(self, size: int) -> Font:
        return _load(self.path, self.index, size)


@cache
def _load(path: Path | None, index: int, size: int) -> Font:
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size, index=index)


def find_font(preferred: Path | None = None) -> FontFace:
    """The font for all text: `preferred` if given, else the first CJK font on the machine."""
    if preferred is not None:
        return FontFace(preferred, 0, cjk=True)
    for path, face in _cjk_candidates():
        index = _face_index(path, face)
        if index is not None:
            return FontFace(path, index, cjk=True)
    logger.warning("no CJK font found: Chinese names will show as boxes in the archive")
    for name in LATIN_FONTS:
        if Path(name).is_file():
            return FontFace(Path(name), 0, cjk=False)
    return FontFace(None, 0, cjk=False)


def _cjk_candidates() -> Iterator[tuple[Path, str | None]]:
    for name, face in CJK_FONTS:
        yield Path(name), face
    for root in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        for pattern in CJK_FONT_PATTERNS:
            for path in sorted(root.rglob(pattern)) if root.is_dir() else ():
                if path.suffix.lower() in (".ttf", ".ttc", ".otf"):
                    yield path, None


def _face_index(path: Path, face: str | None) -> int | None:
    """Index of the face named `face` in a collection (any face if None); None if unusable."""
    for index in range(16):
        try:
            font = ImageFont.truetype(str(path), 16, index=index)
        except OSError:
            return None
        if face is None or font.getname()[0] == face:
            return index
    return None


def fitted(text: str, font: Font, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def label(font: FontFace, name: str, role: str, width: int, height: int) -> Picture:
    """The strip under a tile: the name, then the role in a muted colour."""
    with _drawing:
        image = Image.new("RGB", (width, height), BAR)
        draw = ImageDraw.Draw(image)
        face = font.at(max(10, height * 3 // 5))
        pad = height // 3
        name = fitted(name, face, width * 0.7)
        draw.text((pad, height // 2), name, font=face, fill=WHITE, anchor="lm")
        role_x = pad + face.getlength(name) + pad
        draw.text(
            (role_x, height // 2),
            fitted(role, face, width - role_x - pad),
            font=face,
            fill=MUTED,
            anchor="lm",
        )
    return Picture.from_image(image)


def placeholder(font: FontFace, name: str, status: str, width: int, height: int) -> Picture:
    """A tile without a picture: the name, and under it why (e.g. "在候审室")."""
    with _drawing:
        image = Image.new("RGB", (width, height), PLACEHOLDER)
        draw = ImageDraw.Draw(image)
        big = font.at(max(12, height // 6))
        small = font.at(max(10, height // 12))
        draw.text(
            (width // 2, height // 2),
            fitted(name, big, width * 0.9),
            font=big,
            fill=WHITE,
            anchor="md",
        )
        draw.text(
            (width // 2, height // 2 + height // 12),
            fitted(status, small, width * 0.9),
            font=small,
            fill=MUTED,
            anchor="mt",
        )
    return Picture.from_image(image)


def header(font: FontFace, left: str, right: str, width: int, height: int) -> Picture:
    with _drawing:
        image = Image.new("RGB", (width, height), BAR)
        draw = ImageDraw.Draw(image)
        face = font.at(max(10, height * 11 // 20))
        pad = height // 3
        right_w = face.getlength(right)
        draw.text((width - pad, height // 2), right, font=face, fill=WHITE, anchor="rm")
        draw.text(
            (pad, height // 2),
            fitted(left, face, width - right_w - 3 * pad),
            font=face,
            fill=GOLD,
            anchor="lm",
        )
    return Picture.from_image(image)


def card(font: FontFace, lines: tuple[str, str, str], width: int, height: int) -> Picture:
    """A full picture: a big title, a line under it, and a small footer."""
    with _drawing:
        image = Image.new("RGB", (width, height), (0, 0, 0))
        draw = ImageDraw.Draw(image)
        sizes = (height // 8, height // 16, height // 28)
        heights = (height * 2 // 5, height * 11 // 20, height * 4 // 5)
        colours = (WHITE, GOLD, MUTED)
        for text, size, y, colour in zip(lines, sizes, heights, colours, strict=True):
            face = font.at(max(10, size))
            draw.text(
                (width // 2, y),
                fitted(text, face, width * 0.9),
                font=face,
                fill=colour,
                anchor="mm",
            )
    return Picture.from_image(image)
