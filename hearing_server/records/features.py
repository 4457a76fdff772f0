"""What the archive shows large (`recording.render.Feature`), made from the hearing's
presentations and screen shares: a PDF's pages and an image drawn by `evidence` under its
budget, a shared screen's recorded track, a card for an audio or video exhibit.

Each exhibit file is copied from storage once into the render's folder, each page shown drawn
once (a WebP the renderer scales once and pastes on every frame). The folder's names depend
only on what they hold, so a render resumed after a stop asks for the same plan. Blocking:
run it in a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from evidence import Limits, Refused, display_images, page_pictures
from evidence.image import PILLOW_FORMATS
from hearing_server.exhibit_store import exhibit_key
from hearing_server.records.presentations import Presentation, Share
from recording.render import Card, Clip, Feature, Play, Screen, SegmentRef, Still, View, say
from recording.storage import Storage

log = logging.getLogger(__name__)

PDF = "application/pdf"
SCREEN_SHARE = ("屏幕共享", "Screen share")
PLAYING = ("播放中", "Playing")
PAUSED = ("已暂停", "Paused")
UNSHOWN = ("无法显示", "Cannot be shown")
COPY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ExhibitSource:
    """What an exhibit file is, from its row."""

    sha256: str
    media_type: str


@dataclass(frozen=True)
class Featured:
    features: tuple[Feature, ...]
    """In the order they began (of two at once, the presentation first)."""
    clips: tuple[Clip, ...]
    """The sound of the audio and video exhibits played."""


@dataclass(frozen=True)
class FeatureInputs:
    storage: Storage
    folder: Path
    """Where files and pictures go (removed after the render)."""
    files: dict[int, ExhibitSource]
    """By exhibit file id."""
    screens: dict[int, tuple[SegmentRef, ...]]
    """Each participant's shared screen tracks' segments, by participant id."""
    names: dict[int, str]
    limits: Limits
    width: int
    """Of the pictures drawn (the archive's)."""
    language: str


def archive_features(
    inputs: FeatureInputs,
    shown: Sequence[Presentation],
    shared: Sequence[Share],
    bounds: tuple[datetime, datetime],
    clips: bool = True,
) -> Featured:
    """What is shown large, and heard (unless not `clips`), from `shown` and `shared` within
    `bounds`."""
    drawer = _Drawer(inputs, clips)
    features: list[tuple[datetime, int, Feature]] = []
    for presentation in shown:
        if presentation.end > bounds[0] and presentation.start < bounds[1]:
            feature = drawer.presentation(presentation)
            features.append((presentation.start, len(features), feature))
    for share in shared:
        if share.end > bounds[0] and share.start < bounds[1]:
            who = share.participant_id or -1
            title = f"{say(SCREEN_SHARE, inputs.language)} {inputs.names.get(who, '')}".strip()
            start = share.start.timestamp()
            view = View(start, Screen(inputs.screens.get(who, ())))
            feature = Feature(start, share.end.timestamp(), title, (view,))
            features.append((share.start, len(features), feature))
    ordered = tuple(feature for _, _, feature in sorted(features, key=lambda f: (f[0], f[1])))
    return Featured(ordered, tuple(drawer.clips))


class _Drawer:
    def __init__(self, inputs: FeatureInputs, clips: bool) -> None:
        self._inputs = inputs
        self._clips = clips
        self._pictures: dict[tuple[int, int], Path | None] = {}
        self.clips: list[Clip] = []

    def presentation(self, shown: Presentation) -> Feature:
        source = self._inputs.files.get(shown.file_id)
        media_type = source.media_type if source else shown.media_type
        start, heading = shown.start.timestamp(), shown.heading
        views: list[View]
        if media_type == PDF:
            pages = shown.pages or ((shown.start, 1),)
            views = [View(at.timestamp(), self._shows(shown, page)) for at, page in pages]
        elif media_type in PILLOW_FORMATS:
            views = [View(start, self._shows(shown, 0))]
        elif media_type.startswith(("audio/", "video/")):
            changes = [(shown.start, False, 0.0), *shown.playback]
            views = [
                View(at.timestamp(), Card(heading, self._say(PLAYING if playing else PAUSED)))
                for at, playing, _ in changes
            ]
            if self._clips:
                self._clip(shown)
        else:
            views = [View(start, Card(heading, ""))]
        return Feature(start, shown.end.timestamp(), heading, tuple(views))

    def _clip(self, shown: Presentation) -> None:
        """The stretches it played, each until the next change or the end of the showing."""
        source = self._inputs.files.get(shown.file_id)
        ends = [at for at, _, _ in shown.playback[1:]] + [shown.end]
        plays = tuple(
            Play(at.timestamp(), until.timestamp(), position)
            for (at, playing, position), until in zip(shown.playback, ends, strict=True)
            if playing and until > at
        )
        if source is None or not plays:
            return
        try:
            self.clips.append(Clip(self._fetch(source.sha256), plays))
        except (OSError, ValueError) as error:
            log.warning("exhibit file %s is not heard in the archive: %s", shown.file_id, error)

    def _shows(self, shown: Presentation, page: int) -> Still | Card:
        """Page `page` (0: the image) of the file, or a card saying it cannot be shown."""
        key = (shown.file_id, page)
        if key not in self._pictures:
            self._pictures[key] = self._draw(shown.file_id, page)
        path = self._pictures[key]
        return Card(shown.heading, self._say(UNSHOWN)) if path is None else Still(path)

    def _draw(self, file_id: int, page: int) -> Path | None:
        inputs = self._inputs
        source = inputs.files.get(file_id)
        if source is None:
            return None
        pictures = inputs.folder / source.sha256
        try:
            local = self._fetch(source.sha256)
            if page:
                # drawn to the end, so the child process is done with before the next page
                [*drawn] = page_pictures(local, pictures, [inputs.width], inputs.limits, page=page)
                return drawn[0].path
            width, limits = [inputs.width], inputs.limits
            return display_images(local, source.media_type, pictures, width, limits)[0].path
        except (Refused, OSError, ValueError, IndexError) as error:
            log.warning(
                "exhibit file %s page %s is not shown in the archive: %s", file_id, page, error
            )
            return None

    def _fetch(self, sha256: str) -> Path:
        """The file copied from storage once (in slices: an exhibit may be large)."""
        local = self._inputs.folder / f"{sha256}.file"
        if local.exists():
            return local
        self._inputs.folder.mkdir(parents=True, exist_ok=True)
        key, storage = exhibit_key(sha256), self._inputs.storage
        part = local.with_name(local.name + ".part")
        with part.open("wb") as out:
            for offset in range(0, storage.size(key), COPY_BYTES):
                out.write(storage.read(key, offset, COPY_BYTES))
        part.replace(local)
        return local

    def _say(self, words: tuple[str, str]) -> str:
        return say(words, self._inputs.language)
