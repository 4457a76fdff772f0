"""Audio and video: the streams and the length, read in a child process under a budget
(`media_probe` says how, `budget` why). The demuxer is the one the first bytes named (`sniff`):
a file is never handed to FFmpeg to guess among all the formats it knows. Whatever goes wrong in
the child becomes a refusal, never an exception of another kind and never a wait longer than
`Limits.media_wall_seconds`."""

from dataclasses import dataclass
from pathlib import Path

from evidence.budget import Budget, OverBudget, ProbeFailed, run_probe
from evidence.limits import Limits
from evidence.refusal import Exceeded, Refusal, Refused, Unit
from evidence.sniff import Container

PROBE = Path(__file__).with_name("media_probe.py")
DEMUXERS = {Container.MP3: "mp3", Container.WAV: "wav", Container.MP4: "mp4"}
AUDIO_TYPES = {Container.MP3: "audio/mpeg", Container.WAV: "audio/wav", Container.MP4: "audio/mp4"}
WHY = {
    "no_streams": "It holds no sound or picture.",
    "no_length": "Its length cannot be read.",
    "no_frame": "Not one frame of it can be decoded.",
    "damaged": "It is damaged or incomplete.",
}
"""Why a file is bad_media, by the key `media_probe` gives."""


@dataclass(frozen=True)
class MediaFacts:
    media_type: str
    duration: float
    """Seconds."""
    size: tuple[int, int] | None
    """Width and height of the picture; None for sound only."""


def media_facts(path: Path, container: Container, limits: Limits) -> MediaFacts:
    """What the audio or video file at `path` holds, read only as `container`, or Refused."""
    arguments = [
        str(path.resolve()),
        DEMUXERS[container],
        str(limits.max_duration),
        str(limits.max_pixels),
    ]
    budget = Budget(limits.media_cpu_seconds, limits.media_memory_bytes, limits.media_wall_seconds)
    try:
        answer = run_probe(PROBE, arguments, budget)
    except OverBudget:
        raise Refused(
            Refusal.MEDIA_TOO_COMPLEX,
            "This audio or video file takes too long or too much memory to read.",
        ) from None
    except ProbeFailed:
        raise bad_media("damaged") from None
    if "refused" in answer:
        raise refused(Refusal(answer["refused"]), answer, limits)
    size = answer["size"]
    if size is None:
        return MediaFacts(AUDIO_TYPES[container], answer["duration"], None)
    return MediaFacts("video/mp4", answer["duration"], (size[0], size[1]))


def refused(code: Refusal, answer: dict[str, object], limits: Limits) -> Refused:
    actual = answer.get("actual")
    assert actual is None or isinstance(actual, int | float)
    if code is Refusal.TOO_LONG:
        hours = limits.max_duration / 3600
        return Refused(
            code,
            f"This recording is longer than {hours:g} hours.",
            Exceeded(limits.max_duration, Unit.SECONDS, actual),
        )
    if code is Refusal.TOO_MANY_PIXELS:
        megapixels = limits.max_pixels / 1_000_000
        return Refused(
            code,
            f"This video's picture has more than {megapixels:g} megapixels.",
            Exceeded(limits.max_pixels, Unit.PIXELS, actual),
        )
    return bad_media(str(answer.get("why", "damaged")))


def bad_media(why: str) -> Refused:
    reason = WHY.get(why, WHY["damaged"])
    return Refused(Refusal.BAD_MEDIA, f"This audio or video file cannot be read. {reason}")
