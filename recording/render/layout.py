"""Where everything goes on the archive's picture: a header bar, then a grid of tiles, each a
16:9 video area with its label strip below; or, while an exhibit or a screen is shown, that as
the main picture and the tiles small beside it. Pure geometry; every edge lands on an even pixel
so the 4:2:0 chroma planes split cleanly."""

import math
from dataclasses import dataclass

ASPECT = 16 / 9
SIDE_SHARE = 0.24
"""Of the picture's width, the strip of speakers beside a main picture."""


@dataclass(frozen=True, slots=True)
class Rect:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Tile:
    video: Rect
    label: Rect


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    header: Rect
    tiles: tuple[Tile, ...]
    border: int
    """Width of the ring drawn around the active speaker's tile, inside the gap."""
    main: Rect | None = None
    """The main picture of a `featured_layout`."""


def _even(value: float) -> int:
    return int(value) // 2 * 2


def grid_layout(count: int, width: int, height: int) -> Layout:
    """Tiles as large as possible for `count` participants (1, 2, 2x2, 3x2, 3x3...)."""
    header, gap, label_height = _frame(width, height)
    top = header.height + gap
    area = Rect(gap, top, width - 2 * gap, height - top - gap)
    tiles = _grid(count, area, gap, label_height)
    return Layout(width, height, header, tiles, border=max(2, _even(gap / 3)))


def featured_layout(count: int, width: int, height: int) -> Layout:
    """A large main picture (an exhibit's page, a shared screen) on the left, the `count`
    participants' tiles small in a strip on its right."""
    header, gap, label_height = _frame(width, height)
    top = header.height + gap
    side = _even(width * SIDE_SHARE) if count else 0
    main_width = width - 2 * gap - (side + gap if count else 0)
    main = Rect(gap, top, main_width, height - top - gap)
    strip = Rect(main.x + main.width + gap, top, side, main.height)
    tiles = _grid(count, strip, max(2, _even(gap / 2)), label_height)
    return Layout(width, height, header, tiles, border=max(2, _even(gap / 4)), main=main)


def header_bar(width: int, height: int) -> Rect:
    """The header bar across the top of a picture of this size, as every layout has it."""
    return _frame(width, height)[0]


def _frame(width: int, height: int) -> tuple[Rect, int, int]:
    """The header bar, the gap between tiles and a label strip's height, for a picture size."""
    scale = height / 720
    return Rect(0, 0, width, _even(44 * scale)), _even(16 * scale), _even(34 * scale)


def _grid(count: int, area: Rect, gap: int, label_height: int) -> tuple[Tile, ...]:
    """`count` tiles as large as possible in `area`, centred, rows centred."""
    area_w, area_h = area.width, area.height
    best: tuple[float, int, int, int] = (0.0, 1, 1, 0)
    for cols in range(1, max(count, 1) + 1):
        rows = math.ceil(count / cols) if count else 1
        cell_w = (area_w - (cols - 1) * gap) / cols
        cell_h = (area_h - (rows - 1) * gap) / rows - label_height
        video_w = min(cell_w, cell_h * ASPECT)
        if video_w > best[0]:
            best = (video_w, cols, rows, _even(video_w / ASPECT))
    video_w, cols, rows, video_h = _even(best[0]), best[1], best[2], best[3]
    cell_h = video_h + label_height
    grid_h = rows * cell_h + (rows - 1) * gap
    y0 = area.y + _even((area_h - grid_h) / 2)
    tiles = []
    for index in range(count):
        row, col = divmod(index, cols)
        in_row = min(cols, count - row * cols)
        row_w = in_row * video_w + (in_row - 1) * gap
        x = area.x + _even((area_w - row_w) / 2) + col * (video_w + gap)
        y = y0 + row * (cell_h + gap)
        tiles.append(
            Tile(Rect(x, y, video_w, video_h), Rect(x, y + video_h, video_w, label_height))
        )
    return tuple(tiles)


def fit(area: Rect, width: int, height: int) -> Rect:
    """The largest rectangle of the source's aspect ratio centred in `area` (letter- or
    pillar-boxed)."""
    scale = min(area.width / width, area.height / height)
    w = max(2, min(area.width, _even(width * scale)))
    h = max(2, min(area.height, _even(height * scale)))
    return Rect(area.x + _even((area.width - w) / 2), area.y + _even((area.height - h) / 2), w, h)
