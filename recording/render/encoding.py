"""How the archive is encoded, in one place for every renderer that writes one (the hearing's,
`chunk` and `assemble`; a staggered hearing's statements, `statements`): H.264 from libx264
with the settings' preset and quality and a keyframe every few seconds, mono AAC at 48 kHz, MP4
chapters, and the index at the front of the file (faststart) so a browser can play and seek
before it has the whole file.
"""

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av import AudioFrame
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.stream import VideoStream

from .plan import AUDIO_RATE, RenderSettings
from .timeline import Chapter

KEYFRAME_SECONDS = 4
"""Keyframe interval of the archive, for seeking in a browser."""


def open_archive(target: Path) -> OutputContainer:
    """An MP4 written to `target` (any name: usually a temporary one), index at the front."""
    return av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"})


def add_video(out: OutputContainer, settings: RenderSettings, threads: int) -> VideoStream:
    """The archive's H.264 stream: yuv420p at the settings' size and frame rate, no B-frames."""
    video = out.add_stream(
        "libx264",
        rate=settings.fps,
        options={"preset": settings.preset, "crf": str(settings.crf), "bf": "0"},
    )
    video.width, video.height, video.pix_fmt = settings.width, settings.height, "yuv420p"
    video.codec_context.gop_size = settings.fps * KEYFRAME_SECONDS
    video.codec_context.thread_count = threads
    return video


def add_aac(out: OutputContainer, settings: RenderSettings) -> AudioStream:
    audio = out.add_stream("aac", rate=AUDIO_RATE, layout="mono")
    audio.bit_rate = settings.audio_bitrate
    return audio


def pcm_frame(samples: npt.NDArray[np.int16], pts: int) -> AudioFrame:
    """Mono 16-bit samples at 48 kHz as a frame starting at sample `pts`."""
    frame = AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = AUDIO_RATE
    frame.pts = pts
    frame.time_base = Fraction(1, AUDIO_RATE)
    return frame


def to_pcm(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.int16]:
    """Float samples (±1.0 full scale) as 16-bit, clipped."""
    return (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)


def write_chapters(out: OutputContainer, chapters: Sequence[Chapter]) -> None:
    """The MP4's chapter list (in milliseconds), numbered from 1."""
    out.set_chapters(
        [
            {
                "id": number,
                "start": round(chapter.start * 1000),
                "end": round(chapter.end * 1000),
                "time_base": Fraction(1, 1000),
                "metadata": {"title": chapter.title},
            }
            for number, chapter in enumerate(chapters, start=1)
        ]
    )
