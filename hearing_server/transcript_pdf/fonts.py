"""The Chinese font the transcript's PDF embeds: Noto Sans CJK SC from Debian's fonts-noto-cjk
(scripts/test-prerequisites.sh installs it), regular and bold.

Its outlines are CFF in an OpenType collection (.ttc); fpdf2 embeds such a face as a CID-keyed
font (CIDFontType0), keeping only the glyphs used. A transcript is a court record: without a
Chinese font it is not made at all (`FontMissing`), rather than made with boxes for every name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTLibError

FOLDERS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
FACE = "Noto Sans CJK SC"
REGULAR = "NotoSansCJK-Regular.ttc"
BOLD = "NotoSansCJK-Bold.ttc"


class FontMissing(Exception):
    """No Chinese font to embed; the message says which package brings one."""


@dataclass(frozen=True, slots=True)
class Face:
    path: Path
    index: int
    """The face's number in the collection."""


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: Face
    bold: Face


@cache
def cjk_fonts() -> Fonts:
    """Noto Sans CJK SC, regular and bold, from the first folder that has both."""
    for folder in FOLDERS:
        regular, bold = folder / REGULAR, folder / BOLD
        if regular.is_file() and bold.is_file():
            return Fonts(_face(regular), _face(bold))
    raise FontMissing(
        f"no {FACE} font in {', '.join(map(str, FOLDERS))}: apt-get install fonts-noto-cjk"
    )


def _face(path: Path) -> Face:
    try:
        collection = TTCollection(str(path), lazy=True)
        names = [font["name"].getDebugName(4) for font in collection.fonts]
    except (OSError, TTLibError, KeyError) as exc:
        raise FontMissing(f"cannot read {path}: {exc}") from exc
    for index, name in enumerate(names):
        if name is not None and name.startswith(FACE) and "Mono" not in name:
            return Face(path, index)
    raise FontMissing(f"{path} has no {FACE} face")
