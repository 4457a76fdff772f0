"""Reading back what an archive shows large (an exhibit's page, a shared screen): its pictures'
planes at chosen seconds, and whether a part of one is a page of a colour (`tests.pdf_files.
coloured_pages`) or a screen of one."""

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from recording.render.layout import Rect, featured_layout, fit
from tests.integration.media_sources import BITS, BLOCK, WIDTH

Plane = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Planes:
    y: Plane
    u: Plane
    """Half the size, as 4:2:0 has it."""
    v: Plane


def planes_at(archive: Path, seconds: set[float], fps: int = 25) -> dict[float, Planes]:
    """The archive's pictures at `seconds` (each on a frame: a multiple of 1 / `fps`)."""
    found = {}
    with av.open(str(archive)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            t = index / fps
            if t in seconds:
                yuv = frame.to_ndarray(format="yuv420p").astype(np.uint8)
                h, w = frame.height, frame.width
                u = yuv[h : h + h // 4].reshape(h // 2, w // 2)
                v = yuv[h + h // 4 :].reshape(h // 2, w // 2)
                found[t] = Planes(yuv[:h], u, v)
    assert set(found) == seconds, f"no frame at {sorted(seconds - set(found))}"
    return found


def page_rect(page: Path, tiles: int) -> Rect:
    """Where the featured layout of `tiles` shows the picture at `page`."""
    main = featured_layout(tiles, 1280, 720).main
    assert main is not None
    with av.open(str(page)) as container:
        stream = container.streams.video[0]
        return fit(main, stream.width, stream.height)


def crop(plane: Plane, rect: Rect, half: bool = False) -> Plane:
    d = 2 if half else 1
    return plane[
        rect.y // d : (rect.y + rect.height) // d, rect.x // d : (rect.x + rect.width) // d
    ]


def counter_shown(luma: Plane, rect: Rect) -> bool:
    """Whether a tile at `rect` shows a recorded picture (its counter's black/white blocks)."""
    scale = rect.width / WIDTH
    row = luma[rect.y + round(BLOCK * scale / 2)]
    levels = [row[rect.x + round((bit + 0.5) * BLOCK * scale)] for bit in range(BITS)]
    return all(level < 60 or level > 190 for level in levels)


BLUE = (0.0, 0.0, 0.8)
RED = (0.8, 0.0, 0.0)
ORANGE = (64, 200)
"""A screen's colour as its chroma (U, V): see `recorded_hearing.Person.colour`."""


def _tinted(planes: Planes, rect: Rect, colour: tuple[float, float, float]) -> Mask:
    """Where the part `rect` of a picture is of `colour` (BLUE or RED), chroma pixel by pixel."""
    u, v = crop(planes.u, rect, half=True), crop(planes.v, rect, half=True)
    return (u > 180) & (v < 150) if colour == BLUE else (v > 180) & (u < 150)


def shows_page(planes: Planes, rect: Rect, colour: tuple[float, float, float] = BLUE) -> bool:
    """The part `rect` is a page of `coloured_pages`: mostly white, about 30 % of it
    `colour`."""
    white = (crop(planes.y, rect) > 200).mean()
    return bool(white > 0.5 and 0.2 < _tinted(planes, rect, colour).mean() < 0.4)


def shows_screen(planes: Planes, rect: Rect) -> bool:
    """Most of the part `rect` is the ORANGE of a shared screen."""
    u, v = crop(planes.u, rect, half=True), crop(planes.v, rect, half=True)
    return bool(((u < 90) & (v > 180)).mean() > 0.6)


def screen_area(tiles: int) -> Rect:
    """Inside the part of the main picture a 4:3 screen is shown in (below its counters)."""
    main = featured_layout(tiles, 1280, 720).main
    assert main is not None
    screen = fit(main, 320, 240)
    return Rect(screen.x, screen.y + screen.height // 3, screen.width, screen.height // 2)
