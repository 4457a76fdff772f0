"""The archive of a staggered hearing: its video statements one after another in one MP4.

A staggered hearing has no session to record: each party uploads a video statement
(docs/architecture.md#staggered-hearings). `render_statements` makes of them one archive like
a live hearing's (same picture size, H.264 + AAC, chapters, faststart; `encoding`): each
statement is a chapter, opened by a short title card with its name, then the statement
letterboxed under a header bar (case number, stage, speaker, when it was submitted; `text`),
at the archive's constant frame rate: pictures are shown at their timestamps, held or skipped
to keep pace, and the sound is laid on the same clock, so picture and sound stay together
whatever the phone recorded (`statement_source`). A statement that does not decode becomes a
card saying so, with its chapter all the same: one bad file never costs the archive.

Pure: files in, a file out, no database. The archive is written under a temporary name and
renamed when complete, so `out` never holds a partial one.
"""

import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av import VideoFrame
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.reformatter import Interpolation, VideoReformatter
from av.video.stream import VideoStream

from . import text
from .chunk import RenderCancelled
from .encoding import add_aac, add_video, open_archive, pcm_frame, write_chapters
from .layout import Rect, fit, header_bar
from .picture import Picture, plane_array
from .plan import AUDIO_RATE, RenderSettings
from .statement_source import Statement, UnreadableStatement, read_statement
from .timeline import Chapter

logger = logging.getLogger(__name__)

TITLE_SECONDS = 1.5
"""The card naming a statement, before it."""
UNREADABLE_SECONDS = 4.0
"""The card standing for a statement that does not decode."""
UNREADABLE_WORDS = "视频无法解码 The video cannot be decoded"
NO_PICTURE_WORDS = "无画面 No picture"
ENCODER_THREADS = 2
DEFAULT_SETTINGS = RenderSettings()


@dataclass(frozen=True)
class StatementClip:
    path: Path
    chapter: str
    """The chapter's title and the title card's, e.g. "答辩 李四"."""
    header: tuple[str, ...]
    """The header bar's words, e.g. case number, stage, speaker and role, when it was
    submitted: in the header bar all but the last at the left, the last at the right; on the
    title card the first (the case number) at the foot, the others under the chapter."""


def render_statements(
    clips: Sequence[StatementClip],
    out: Path,
    title: str,
    settings: RenderSettings = DEFAULT_SETTINGS,
    cancel: threading.Event | None = None,
) -> list[Chapter]:
    """Write the archive of `clips`, in this order, to `out` (.mp4); its chapters, one per
    clip, in seconds from the start. `title` is the file's title (e.g. case number and
    title), also at the foot of the cards. Blocking: run it in a thread; `cancel` set (from
    any thread) stops it at the next frame with RenderCancelled, leaving no file."""
    stop = cancel or threading.Event()
    settings.validate()
    if not clips:
        raise ValueError("an archive of statements needs at least one statement")
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    chapters: list[Chapter] = []
    try:
        with open_archive(temporary) as container:
            container.metadata["title"] = title
            container.metadata["comment"] = "Staggered hearing archive"
            writer = _Writer(container, settings)
            drawer = _Drawer(text.find_font(settings.font), settings, title)
            for clip in clips:
                start = writer.seconds
                _render_clip(clip, writer, drawer, stop)
                chapters.append(Chapter(start, writer.seconds, clip.chapter))
            writer.close()
            write_chapters(container, chapters)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return chapters


def _render_clip(
    clip: StatementClip, writer: "_Writer", drawer: "_Drawer", stop: threading.Event
) -> None:
    try:
        statement = read_statement(clip.path)
    except UnreadableStatement as error:
        logger.warning("statement %r left out of the archive: %s", clip.chapter, error)
        statement = None
    except Exception:  # a file no reader foresaw: one statement lost, never the archive
        logger.exception("statement %r left out of the archive", clip.chapter)
        statement = None
    if statement is None:
        writer.hold(drawer.card(clip, UNREADABLE_WORDS), UNREADABLE_SECONDS)
        return
    writer.hold(drawer.card(clip, "  ".join(clip.header[1:])), TITLE_SECONDS)
    fps = writer.fps
    frames = max(1, round(statement.duration * fps))
    per_frame = AUDIO_RATE // fps
    sound = np.zeros(frames * per_frame, np.int16)
    heard = statement.sound[: len(sound)]
    sound[: len(heard)] = heard
    drawer.begin(clip, statement)
    pictures = statement.pictures()
    try:
        for index in range(frames):
            if stop.is_set():
                raise RenderCancelled
            picture = pictures.frame_at(statement.origin + index / fps)
            samples = sound[index * per_frame : (index + 1) * per_frame]
            writer.write(drawer.frame(picture), samples)
    finally:
        pictures.close()


class _Writer:
    """Frames and their sound into the archive, one output frame's worth at a time."""

    def __init__(self, container: OutputContainer, settings: RenderSettings) -> None:
        self._out = container
        self.fps = settings.fps
        self._video: VideoStream = add_video(container, settings, ENCODER_THREADS)
        self._audio: AudioStream = add_aac(container, settings)
        self._per_frame = AUDIO_RATE // settings.fps
        self._silence = np.zeros(self._per_frame, np.int16)
        self._frames = 0

    @property
    def seconds(self) -> float:
        return self._frames / self.fps

    def write(self, frame: VideoFrame, samples: npt.NDArray[np.int16]) -> None:
        frame.pts = self._frames
        frame.time_base = Fraction(1, self.fps)
        self._out.mux(self._video.encode(frame))
        self._out.mux(self._audio.encode(pcm_frame(samples, self._frames * self._per_frame)))
        self._frames += 1

    def hold(self, frame: VideoFrame, seconds: float) -> None:
        """`frame` for `seconds`, silent."""
        for _ in range(max(1, round(seconds * self.fps))):
            self.write(frame, self._silence)

    def close(self) -> None:
        self._out.mux(self._video.encode(None))
        self._out.mux(self._audio.encode(None))


class _Drawer:
    """The pictures of the archive: cards, and a statement's pictures under its header."""

    def __init__(self, font: text.FontFace, settings: RenderSettings, title: str) -> None:
        self._font = font
        self._width, self._height = settings.width, settings.height
        self._title = title
        bar = header_bar(settings.width, settings.height)
        self._bar = bar
        self._area = Rect(0, bar.height, settings.width, settings.height - bar.height)
        self._base = Picture(settings.width, settings.height)
        self._scaler = VideoReformatter()
        self._last: tuple[VideoFrame | None, VideoFrame] | None = None

    def card(self, clip: StatementClip, line: str) -> VideoFrame:
        """A whole picture: the statement's chapter, `line` under it, the first of its header
        lines (the case number) and the archive's title at the foot."""
        lines = (clip.chapter, line, "  ".join([*clip.header[:1], self._title]))
        return text.card(self._font, lines, self._width, self._height).to_frame()

    def begin(self, clip: StatementClip, statement: Statement) -> None:
        """Draw what stays the same while `statement` plays: its header, and the words
        standing in for a picture if it has none."""
        base = Picture(self._width, self._height)
        left = "  ".join(clip.header[:-1]) if len(clip.header) > 1 else "".join(clip.header)
        right = clip.header[-1] if len(clip.header) > 1 else ""
        bar = self._bar
        base.paste(text.header(self._font, left, right, bar.width, bar.height), bar.x, bar.y)
        if not statement.picture:
            area = self._area
            words = text.placeholder(
                self._font, clip.chapter, NO_PICTURE_WORDS, area.width, area.height
            )
            base.paste(words, area.x, area.y)
        self._base = base
        self._last = None

    def frame(self, picture: VideoFrame | None) -> VideoFrame:
        """The archive's frame showing `picture` (None: none yet, black); the same frame
        object again while the picture does not change."""
        if self._last is not None and self._last[0] is picture:
            return self._last[1]
        composed = self._base.copy()
        if picture is not None:
            try:
                self._paste(composed, picture)
            except (ValueError, av.error.FFmpegError) as error:  # a picture swscale refuses
                logger.warning("a statement's picture is left black: %s", error)
                composed = self._base.copy()
        frame = composed.to_frame()
        self._last = (picture, frame)
        return frame

    def _paste(self, composed: Picture, picture: VideoFrame) -> None:
        """`picture` upright, letterboxed in the area under the header."""
        turns = round(picture.rotation / 90) % 4  # counterclockwise, as the file says
        upright = (picture.height, picture.width) if turns % 2 else (picture.width, picture.height)
        rect = fit(self._area, *upright)
        size = (rect.height, rect.width) if turns % 2 else (rect.width, rect.height)
        scaled = self._scaler.reformat(
            picture, size[0], size[1], "yuv420p", interpolation=Interpolation.BILINEAR
        )
        if not turns:
            composed.paste_frame(scaled, rect.x, rect.y)
            return
        turned = Picture(rect.width, rect.height, None)
        for target, plane in zip((turned.y, turned.u, turned.v), scaled.planes, strict=True):
            target[:] = np.rot90(plane_array(plane), turns)
        composed.paste(turned, rect.x, rect.y)
