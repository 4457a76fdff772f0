"""Audio and video: FFmpeg (PyAV) reads the container's header for the streams and the length,
and decodes one frame of the main stream to prove the codec is real; nothing more is decoded, so
a two-hour film costs about as much as a ten-second clip. The demuxer is the one the first bytes
named (`sniff`): a file is never handed to FFmpeg to guess among all the formats it knows."""

from dataclasses import dataclass
from pathlib import Path

import av
from av.stream import Disposition

from evidence.limits import Limits
from evidence.refusal import Refusal, Refused
from evidence.sniff import Container

DEMUXERS = {Container.MP3: "mp3", Container.WAV: "wav", Container.MP4: "mp4"}
AUDIO_TYPES = {Container.MP3: "audio/mpeg", Container.WAV: "audio/wav", Container.MP4: "audio/mp4"}


@dataclass(frozen=True)
class MediaFacts:
    media_type: str
    duration: float
    """Seconds."""
    size: tuple[int, int] | None
    """Width and height of the picture; None for sound only."""


def media_facts(path: Path, container: Container, limits: Limits) -> MediaFacts:
    """What the audio or video file at `path` holds, read only as `container`, or Refused."""
    try:
        with av.open(str(path), format=DEMUXERS[container]) as file:
            audio = list(file.streams.audio)
            # a cover picture in an MP3 or M4A is a one-frame "video" stream: not a video
            video = [
                stream
                for stream in file.streams.video
                if not stream.disposition & Disposition.attached_pic
            ]
            if not (audio or video):
                raise bad_media("It holds no sound or picture.")
            duration = file.duration / av.time_base if file.duration else None
            if duration is None:
                raise bad_media("Its length cannot be read.")
            if duration > limits.max_duration:
                hours = limits.max_duration / 3600
                raise Refused(Refusal.TOO_LONG, f"This recording is longer than {hours:g} hours.")
            size = (video[0].width, video[0].height) if video else None
            if size and size[0] * size[1] > limits.max_pixels:
                megapixels = limits.max_pixels / 1_000_000
                raise Refused(
                    Refusal.TOO_MANY_PIXELS,
                    f"This video's picture has more than {megapixels:g} megapixels.",
                )
            main = video[0] if video else audio[0]
            if next(iter(file.decode(main)), None) is None:
                raise bad_media("Not one frame of it can be decoded.")
    except (av.FFmpegError, OSError, ValueError):
        raise bad_media("It is damaged or incomplete.") from None
    media_type = "video/mp4" if video else AUDIO_TYPES[container]
    return MediaFacts(media_type, duration, size)


def bad_media(reason: str) -> Refused:
    return Refused(Refusal.BAD_MEDIA, f"This audio or video file cannot be read. {reason}")
