"""Draws one archive frame: the grid of participants' pictures over a static background of
labels, the header with case number, phase and clock, the speaker's ring; or, while an exhibit
or a shared screen is featured, that large (`featured`) with the tiles small beside it; or a
recess card.

Everything that does not change from frame to frame (labels, placeholders, cards, the header
of the current second) is drawn once and pasted; pictures are scaled with one reusable swscale
context per tile.
"""

import datetime
import zoneinfo
from collections.abc import Sequence

from av import VideoFrame

from . import text
from .featured import FeatureDrawer
from .inputs import RenderInputs
from .layout import Layout, Rect
from .picture import BLACK, YELLOW, FittedScaler, Picture, yuv
from .plan import INTERRUPTED, Interval, say
from .presence import Absence, Whereabouts
from .stage import Shown
from .timeline import Piece

BACKGROUND = yuv(18, 20, 22)
RECESS_WORDS = ("休庭", "Recess")
INTERRUPTED_WORDS = ("录像中断", "Recording interrupted")


class Compositor:
    def __init__(self, inputs: RenderInputs) -> None:
        plan, people, layout, font = inputs.plan, inputs.people, inputs.layout, inputs.font
        self._plan = plan
        self._layout = layout
        self._timeline = inputs.timeline
        self._font = font
        self._zone = zoneinfo.ZoneInfo(plan.settings.timezone)
        self._featured = inputs.featured
        self._bases = {id(layout): self._background(inputs, layout)}
        self._bases[id(inputs.featured)] = self._background(inputs, inputs.featured)
        assert inputs.featured.main is not None
        self._feature = FeatureDrawer(inputs.featured.main, font)
        self._names = [person.name for person in people]
        self._whereabouts = [Whereabouts(p, plan.timeline.presence) for p in people]
        self._placeholders: dict[
            tuple[int, Rect, Absence, tuple[float, float | None] | None], Picture
        ] = {}
        self._cards: dict[Interval, VideoFrame] = {}
        self._header: tuple[tuple[int, str | None], Picture] | None = None
        self._scalers = [FittedScaler() for _ in layout.tiles]

    @staticmethod
    def _background(inputs: RenderInputs, layout: Layout) -> Picture:
        """What does not change: the background, the tiles' labels, the main area's black."""
        base = Picture(layout.width, layout.height, BACKGROUND)
        for person, tile in zip(inputs.people, layout.tiles, strict=True):
            label = text.label(
                inputs.font, person.name, person.role, tile.label.width, tile.label.height
            )
            base.paste(label, tile.label.x, tile.label.y)
        if layout.main is not None:
            base.fill(layout.main, BLACK)
        return base

    def compose(
        self,
        t: float,
        piece: Piece,
        frames: Sequence[VideoFrame | None],
        speaker: int | None,
        shown: Shown | None = None,
        screen: VideoFrame | None = None,
    ) -> VideoFrame:
        """The frame at output time `t`, showing `frames` (one per tile, None: absent) and
        the feature `shown`, if any (`screen`: its picture now, if it is a shared screen)."""
        wall = piece.wall(t)
        if wall is None:
            assert piece.recess is not None
            return self._card(piece.recess)
        layout = self._layout if shown is None else self._featured
        picture = self._bases[id(layout)].copy()
        picture.paste(self._header_at(wall, self._timeline.phase_at(t)), 0, 0)
        if shown is not None:
            self._feature.draw(picture, shown, screen)
        for index, (tile, frame) in enumerate(zip(layout.tiles, frames, strict=True)):
            if frame is None:
                placeholder = self._placeholder(index, tile.video, wall)
                picture.paste(placeholder, tile.video.x, tile.video.y)
            else:
                scaled, rect = self._scalers[index].fit(frame, tile.video)
                picture.paste_frame(scaled, rect.x, rect.y)
        if speaker is not None:
            tile = layout.tiles[speaker]
            video = tile.video
            whole = Rect(video.x, video.y, video.width, video.height + tile.label.height)
            picture.ring(whole, layout.border, YELLOW)
        return picture.to_frame()

    def _placeholder(self, index: int, video: Rect, wall: float) -> Picture:
        """Why tile `index` (at `video`) has no picture at `wall`; a consultation with its
        times."""
        whereabouts = self._whereabouts[index]
        absence = whereabouts.absence(wall)
        period = whereabouts.period(wall) if absence is Absence.CONSULTING else None
        key = (index, video, absence, period)
        if key not in self._placeholders:
            status = say(absence.value, self._plan.settings.language)
            if period is not None:
                start, end = period
                until = "" if end is None else self._clock(end, "%H:%M:%S")
                status = f"{status} {self._clock(start, '%H:%M:%S')}–{until}"
            self._placeholders[key] = text.placeholder(
                self._font, self._names[index], status, video.width, video.height
            )
        return self._placeholders[key]

    def _clock(self, wall: float, pattern: str) -> str:
        return datetime.datetime.fromtimestamp(wall, self._zone).strftime(pattern)

    def _header_at(self, wall: float, phase: str | None) -> Picture:
        key = (int(wall), phase)
        if self._header is None or self._header[0] != key:
            header = self._layout.header
            left = f"{self._plan.case_number}  {self._plan.title}"
            right = self._clock(wall, "%Y-%m-%d %H:%M:%S %Z")
            if phase:
                right = f"{phase}    {right}"
            picture = text.header(self._font, left, right, header.width, header.height)
            self._header = (key, picture)
        return self._header[1]

    def _card(self, recess: Interval) -> VideoFrame:
        if recess not in self._cards:
            pattern = "%H:%M" if recess.end - recess.start >= 60 else "%H:%M:%S"
            span = f"{self._clock(recess.start, pattern)} – {self._clock(recess.end, pattern)}"
            footer = f"{self._plan.case_number}  {self._plan.title}"
            words = INTERRUPTED_WORDS if recess.kind == INTERRUPTED else RECESS_WORDS
            title = say(words, self._plan.settings.language)
            lines = (title, span, footer)
            card = text.card(self._font, lines, self._layout.width, self._layout.height)
            self._cards[recess] = card.to_frame()
        return self._cards[recess]
