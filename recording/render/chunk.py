"""Renders one stretch of the archive (a chunk) to its own file: H.264 video and the mixed
audio as 16-bit PCM, in Matroska. PCM keeps the audio sample-exact across chunk seams; it
becomes AAC once, when the chunks are joined (`assemble`).

The file is written under a temporary name and renamed when complete, so after a crash a
chunk file either exists whole or not at all.
"""

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av import AudioFrame

from .clips import ClipSource
from .compose import Compositor
from .encoding import add_video, pcm_frame, to_pcm
from .inputs import RenderInputs
from .plan import AUDIO_RATE, Screen
from .sources import AudioSource, VideoSource
from .speaker import WINDOW, Levels, logged_speakers, loudest, window_rms

PROGRESS_EVERY = 25
"""Frames between progress reports."""


class RenderCancelled(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    first: int
    last: int
    """Output frames [first, last)."""
    path: Path


class ChunkRenderer:
    def __init__(self, inputs: RenderInputs, encoder_threads: int) -> None:
        self._inputs = inputs
        self._plan = inputs.plan
        self._people = inputs.people
        self._timeline = inputs.timeline
        self._threads = encoder_threads
        self._per_frame = AUDIO_RATE // inputs.plan.settings.fps

    def render(
        self, chunk: Chunk, on_frames: Callable[[int], None], cancel: threading.Event
    ) -> None:
        """Write `chunk.path`; `on_frames(n)` after every few frames; raises RenderCancelled."""
        temporary = chunk.path.with_name(chunk.path.name + ".tmp")
        mix, speakers = self._audio(chunk)
        compositor = Compositor(self._inputs)
        videos = [VideoSource(person.video) for person in self._people]
        stage = self._inputs.stage
        screens = {
            index: VideoSource(view.shows.segments)
            for index, feature in enumerate(self._plan.timeline.features)
            for view in feature.views[:1]
            if isinstance(view.shows, Screen)
        }
        settings = self._plan.settings
        try:
            with av.open(str(temporary), "w", format="matroska") as out:
                video = add_video(out, settings, self._threads)
                audio = out.add_stream("pcm_s16le", rate=AUDIO_RATE, layout="mono")
                reported = 0
                for offset, frame_index in enumerate(range(chunk.first, chunk.last)):
                    if cancel.is_set():
                        raise RenderCancelled
                    t = frame_index / settings.fps
                    piece = self._timeline.piece(t)
                    wall = piece.wall(t)
                    pictures = [None if wall is None else v.frame_at(wall) for v in videos]
                    shown = None if wall is None else stage.at(wall)
                    screen = None
                    if shown is not None and shown.index in screens:
                        assert wall is not None
                        screen = screens[shown.index].frame_at(wall)
                    frame = compositor.compose(t, piece, pictures, speakers[offset], shown, screen)
                    frame.pts = offset
                    frame.time_base = Fraction(1, settings.fps)
                    out.mux(video.encode(frame))
                    out.mux(audio.encode(self._audio_frame(mix, offset)))
                    if offset + 1 - reported >= PROGRESS_EVERY:
                        on_frames(offset + 1 - reported)
                        reported = offset + 1
                out.mux(video.encode(None))
                on_frames(chunk.last - chunk.first - reported)
            os.replace(temporary, chunk.path)
        finally:
            for source in [*videos, *screens.values()]:
                source.close()
            temporary.unlink(missing_ok=True)

    def _audio_frame(self, mix: npt.NDArray[np.int16], offset: int) -> AudioFrame:
        first = offset * self._per_frame
        return pcm_frame(mix[first : first + self._per_frame], first)

    def _audio(self, chunk: Chunk) -> tuple[npt.NDArray[np.int16], list[int | None]]:
        """The chunk's mixed audio, and the tile to emphasise in each frame."""
        lookback = round(WINDOW * AUDIO_RATE)
        first = chunk.first * self._per_frame - lookback
        count = (chunk.last - chunk.first) * self._per_frame + lookback
        mix = np.zeros(count, np.float32)
        levels: list[Levels] = []
        for person in self._people:
            samples = self._participant_audio(AudioSource(person.audio), first, count)
            mix += samples
            levels.append(window_rms(samples, lookback, self._per_frame))
        frames = chunk.last - chunk.first
        changes = self._plan.timeline.speakers
        if changes is not None:
            fps = self._plan.settings.fps
            walls = [
                self._timeline.piece(i / fps).wall(i / fps) for i in range(chunk.first, chunk.last)
            ]
            speakers = logged_speakers(changes, walls, [p.participant_id for p in self._people])
        else:
            speakers = loudest(levels, frames)
            for offset in range(frames):  # nobody speaks on a recess card
                if (
                    self._timeline.piece(
                        (chunk.first + offset) / self._plan.settings.fps
                    ).wall_start
                    is None
                ):
                    speakers[offset] = None
        for clip in self._plan.timeline.clips:  # heard, but nobody's voice: after the levels
            mix += self._participant_audio(ClipSource(clip), first, count)
        pcm = to_pcm(mix[lookback:])
        return pcm, speakers

    def _participant_audio(
        self, source: AudioSource | ClipSource, first: int, count: int
    ) -> npt.NDArray[np.float32]:
        """Output samples [first, first + count) of one participant or clip (silence on
        cards)."""
        samples = np.zeros(count, np.float32)
        for piece in self._timeline.pieces:
            if piece.wall_start is None:
                continue
            lo = max(first, round(piece.out_start * AUDIO_RATE))
            hi = min(first + count, round(piece.out_end * AUDIO_RATE))
            if hi > lo:
                wall = piece.wall_start + lo / AUDIO_RATE - piece.out_start
                samples[lo - first : hi - first] = source.read(wall, hi - lo)
        return samples
