"""One picture of the broadcast: the archive's look, drawn live.

The grid of the people recorded at that moment (their picture, or their name on a placeholder
while they have none), each labelled with name and role, the speaker ringed, and a header with
the court, the case and the time burned in; while a screen is shared or an exhibit presented,
that large with the people small beside it (a screen shared during a presentation takes the
picture over, as in the archive); or a slate, full picture, saying why there is no hearing to
see. The parts that do not change are drawn once: the background with the labels
for each set of people, the header once a second, each slate once.
"""

import datetime
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from av import VideoFrame

from recording.render import text
from recording.render.featured import FeatureDrawer
from recording.render.layout import Layout, Rect, featured_layout, grid_layout
from recording.render.picture import BLACK, YELLOW, FittedScaler, Picture, yuv
from recording.render.stage import Shown

BACKGROUND = yuv(18, 20, 22)
CLOCK = "%Y-%m-%d %H:%M:%S %Z"
"""The time burned into the header's right (`strftime`), in the court's zone."""
SCREEN = "\x00screen"
"""The shared screen's scaler key (no participant's: their keys are letters and digits)."""


@dataclass(frozen=True, slots=True)
class Tile:
    """Someone on the picture."""

    key: str
    name: str
    role: str


class BroadcastCompositor:
    def __init__(
        self, width: int, height: int, title: str, timezone: str, font: text.FontFace
    ) -> None:
        """`title`: the header's left part (the court, the case number and cause); the clock
        on its right is in `timezone`."""
        self._width, self._height = width, height
        self._title = title
        self._zone = zoneinfo.ZoneInfo(timezone)
        self._font = font
        self._bases: dict[tuple[tuple[Tile, ...], bool], tuple[Layout, Picture]] = {}
        self._header: tuple[int, Picture] | None = None
        self._slates: dict[tuple[str, str, str], VideoFrame] = {}
        self._scalers: dict[str, FittedScaler] = {}
        self._placeholders: dict[tuple[Tile, Rect], Picture] = {}
        self._drawers: dict[Rect, FeatureDrawer] = {}

    def compose(
        self,
        wall: float,
        tiles: Sequence[Tile],
        frames: Sequence[VideoFrame | None],
        speaker: int | None,
        absent: str,
        screen: VideoFrame | None = None,
        shown: Shown | None = None,
    ) -> VideoFrame:
        """The picture at wall-clock `wall` of `tiles` showing `frames` (None: no picture, the
        placeholder says `absent`), `speaker` (an index) ringed, and a shared `screen` or the
        exhibit `shown` large."""
        layout, base = self._base(tuple(tiles), screen is not None or shown is not None)
        picture = base.copy()
        picture.paste(self._header_at(wall), 0, 0)
        if screen is not None and layout.main is not None:
            scaled, rect = self._scale(SCREEN, screen, layout.main)
            picture.paste_frame(scaled, rect.x, rect.y)
        elif shown is not None and layout.main is not None:
            drawer = self._drawers.get(layout.main)
            if drawer is None:
                if len(self._drawers) > 8:  # one per number of people beside it
                    self._drawers.clear()
                drawer = self._drawers[layout.main] = FeatureDrawer(layout.main, self._font)
            drawer.draw(picture, shown, None)
        for tile, place, frame in zip(tiles, layout.tiles, frames, strict=True):
            if frame is None:
                picture.paste(
                    self._placeholder(tile, place.video, absent), place.video.x, place.video.y
                )
            else:
                scaled, rect = self._scale(tile.key, frame, place.video)
                picture.paste_frame(scaled, rect.x, rect.y)
        if speaker is not None:
            place = layout.tiles[speaker]
            video = place.video
            whole = Rect(video.x, video.y, video.width, video.height + place.label.height)
            picture.ring(whole, layout.border, YELLOW)
        return picture.to_frame()

    def slate(self, lines: tuple[str, str, str]) -> VideoFrame:
        """A full picture: a title, a line under it, a footer."""
        if lines not in self._slates:
            card = text.card(self._font, lines, self._width, self._height)
            self._slates[lines] = card.to_frame()
        return self._slates[lines]

    def _base(self, tiles: tuple[Tile, ...], screen: bool) -> tuple[Layout, Picture]:
        key = (tiles, screen)
        if key not in self._bases:
            if len(self._bases) > 32:  # people come and go: keep the latest sets only
                self._bases.clear()
            shape = featured_layout if screen else grid_layout
            layout = shape(len(tiles), self._width, self._height)
            base = Picture(self._width, self._height, BACKGROUND)
            if layout.main is not None:
                base.fill(layout.main, BLACK)
            for tile, place in zip(tiles, layout.tiles, strict=True):
                label = text.label(
                    self._font, tile.name, tile.role, place.label.width, place.label.height
                )
                base.paste(label, place.label.x, place.label.y)
                base.fill(place.video, BLACK)
            self._bases[key] = (layout, base)
        return self._bases[key]

    def _placeholder(self, tile: Tile, video: Rect, absent: str) -> Picture:
        key = (tile, video)
        if key not in self._placeholders:
            self._placeholders[key] = text.placeholder(
                self._font, tile.name, absent, video.width, video.height
            )
        return self._placeholders[key]

    def _scale(self, key: str, frame: VideoFrame, area: Rect) -> tuple[VideoFrame, Rect]:
        return self._scalers.setdefault(key, FittedScaler()).fit(frame, area)

    def _header_at(self, wall: float) -> Picture:
        second = int(wall)
        if self._header is None or self._header[0] != second:
            header = grid_layout(0, self._width, self._height).header
            clock = datetime.datetime.fromtimestamp(second, self._zone)
            picture = text.header(
                self._font,
                self._title,
                clock.strftime(CLOCK),
                header.width,
                header.height,
            )
            self._header = (second, picture)
        return self._header[1]
