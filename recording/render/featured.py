"""The archive's main picture while a feature is shown: an exhibit's page or image (a still:
read and scaled once, then pasted frame after frame), a shared screen's video (scaled with one
reusable swscale context), or a card with words (an audio or video exhibit, a screen not yet
showing a picture). Each is letterboxed in the main area on black.
"""

import logging

from av import VideoFrame
from av.video.reformatter import Interpolation, VideoReformatter
from PIL import Image

from . import text
from .layout import Rect, fit
from .picture import Picture
from .plan import Card, Still
from .stage import Shown

logger = logging.getLogger(__name__)

STILLS_KEPT = 8
"""Scaled stills kept by one drawer (a chunk's worth of page turns)."""


class FeatureDrawer:
    """Draws into `area`; one per render thread (its caches are not shared)."""

    def __init__(self, area: Rect, font: text.FontFace) -> None:
        self._area = area
        self._font = font
        self._stills: dict[Still, tuple[Picture, Rect]] = {}
        self._cards: dict[tuple[str, str], Picture] = {}
        self._scaler = VideoReformatter()
        self._scaled: tuple[VideoFrame, VideoFrame, Rect] | None = None

    def draw(self, picture: Picture, shown: Shown, screen: VideoFrame | None) -> None:
        """Paste what `shown` shows into `picture` (the whole frame); `screen` is the shared
        screen's picture at this instant, if it is a screen that is shown."""
        area, shows = self._area, shown.view.shows
        if isinstance(shows, Still):
            still = self._still(shows)
            if still is not None:
                picture.paste(still[0], still[1].x, still[1].y)
                return
            shows = Card(shown.feature.title, "")
        if isinstance(shows, Card):
            picture.paste(self._card(shows.title, shows.status), area.x, area.y)
        elif screen is None:  # sharing began, its first picture not yet recorded
            picture.paste(self._card(shown.feature.title, ""), area.x, area.y)
        else:
            scaled, rect = self._scale(screen)
            picture.paste_frame(scaled, rect.x, rect.y)

    def _still(self, still: Still) -> tuple[Picture, Rect] | None:
        if still not in self._stills:
            try:
                with Image.open(still.path) as image:
                    rect = fit(self._area, image.width, image.height)
                    scaled = image.convert("RGB").resize(
                        (rect.width, rect.height), Image.Resampling.LANCZOS
                    )
            except (OSError, ValueError) as error:
                logger.warning("cannot show %s in the archive: %s", still.path, error)
                return None
            if len(self._stills) >= STILLS_KEPT:
                self._stills.pop(next(iter(self._stills)))
            self._stills[still] = (Picture.from_image(scaled), rect)
        return self._stills[still]

    def _card(self, title: str, status: str) -> Picture:
        key = (title, status)
        if key not in self._cards:
            area = self._area
            self._cards[key] = text.card(self._font, (title, status, ""), area.width, area.height)
        return self._cards[key]

    def _scale(self, frame: VideoFrame) -> tuple[VideoFrame, Rect]:
        if self._scaled is not None and self._scaled[0] is frame:
            return self._scaled[1], self._scaled[2]
        rect = fit(self._area, frame.width, frame.height)
        scaled = self._scaler.reformat(
            frame, rect.width, rect.height, "yuv420p", interpolation=Interpolation.BILINEAR
        )
        self._scaled = (frame, scaled, rect)
        return scaled, rect
