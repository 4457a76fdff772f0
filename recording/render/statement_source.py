"""An uploaded video statement read back for the statements' archive (`statements`).

A statement is a phone's or a browser's MediaRecorder file: WebM (VP8 or VP9, Opus) from Chrome
and Firefox, MP4 (H.264, AAC) from Safari; any size and frame rate, often a variable one, with
a rotation in its header (a phone held upright), and timestamps that need not start at 0. It is
read in two passes. The first (`read_statement`) reads every packet once: it decodes the sound
(laid end to end at 48 kHz mono as a recorded segment's is, `sources.SoundLine`), notes the
span the pictures' timestamps cover and decodes one picture to know there is one; together
they give the statement's span on its own clock. The second shows the pictures while the
statement is rendered: the file is one segment on its own clock (an anchor at 0), read by
`sources.VideoSource` as a participant's recording is, so a picture is shown at its timestamp
and held or skipped to keep pace with the archive's frame rate.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.packet import Packet
from av.stream import Stream

from ..anchor import Anchor
from .encoding import to_pcm
from .plan import AUDIO_RATE, SegmentRef
from .sources import SoundLine, VideoSource

logger = logging.getLogger(__name__)

FRAME_GUESS = 1 / 30
"""How long the last picture lasts when its packet does not say (MediaRecorder's WebM)."""
LONGEST_FRAME = 0.25
"""At most this long is guessed for the last picture (a pause before it is not its length)."""
MAX_JUMP = 10.0
"""Timestamps that leap further than this from the last are damage (or a hostile file), not a
pause: such a picture is left out, such sound is laid on where the last ended."""
MAX_SECONDS = 3 * 3600.0
"""A statement is cut at this length (its sound is held whole while it is rendered)."""


class UnreadableStatement(Exception):
    """Neither a picture nor any sound could be decoded from the file."""


@dataclass(frozen=True, slots=True)
class Statement:
    path: Path
    origin: float
    """Where the statement starts on the file's own clock (its first picture or sound)."""
    duration: float
    sound: npt.NDArray[np.int16]
    """48 kHz mono from `origin`, silence where there was none (16-bit: a long statement's
    sound is held whole)."""
    picture: bool
    """Whether a picture decodes; without one the statement is sound only."""

    def pictures(self) -> VideoSource:
        """The statement's pictures, asked for by time on the file's clock (`origin` on);
        close it when done."""
        anchor = Anchor(0.0, 0, AUDIO_RATE, "file")
        end = self.origin + self.duration
        return VideoSource(
            [SegmentRef(self.path, self.origin, end, anchor)] if self.picture else []
        )


class _Span:
    """The span the video packets' timestamps cover."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.last: float | None = None
        self.previous: float | None = None
        self.length = FRAME_GUESS

    def add(self, packet: "Packet[Stream]") -> None:
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is None or packet.time_base is None:
            return
        at = float(stamp * packet.time_base)
        if self.first is not None and self.last is not None:
            if not self.first - MAX_JUMP <= at <= self.last + MAX_JUMP:
                return
            if at - self.first > MAX_SECONDS:
                return
        if packet.duration:
            self.length = float(packet.duration * packet.time_base)
        elif self.last is not None and at > self.last:
            self.length = min(at - self.last, LONGEST_FRAME)
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)

    @property
    def end(self) -> float | None:
        return None if self.last is None else self.last + self.length


def read_statement(path: Path) -> Statement:
    """The statement's span, sound and whether it has a picture; raises `UnreadableStatement`
    if it has neither. A file damaged part way is read up to the damage."""
    span = _Span()
    line = SoundLine(0.0)
    sound = picture = False
    try:
        with av.open(str(path)) as container:
            video = container.streams.video[0] if container.streams.video else None
            audio = container.streams.audio[0] if container.streams.audio else None
            streams = [s for s in (video, audio) if s is not None]
            if not streams:
                raise UnreadableStatement(f"{path.name} has neither picture nor sound")
            try:
                for packet in container.demux(streams):
                    if packet.stream is video:
                        if packet.size:
                            span.add(packet)
                        if not picture:
                            picture = _decodes(packet)
                    else:
                        for frame in _decoded(packet):
                            sound = _lay(line, frame) or sound
            except av.error.FFmpegError as error:
                logger.warning("statement %s ends early: %s", path.name, error)
    except (av.error.FFmpegError, OSError) as error:
        raise UnreadableStatement(f"{path.name}: {error}") from error
    first_sound, samples = line.result()
    starts, ends = [], []
    if picture and span.first is not None and span.end is not None:
        starts.append(span.first)
        ends.append(span.end)
    if sound:
        starts.append(first_sound)
        ends.append(first_sound + len(samples) / AUDIO_RATE)
    if not starts:
        raise UnreadableStatement(f"{path.name}: nothing decodes")
    origin, end = min(starts), max(ends)
    lead = round((first_sound - origin) * AUDIO_RATE) if sound else 0
    aligned = np.concatenate([np.zeros(lead, np.int16), to_pcm(samples)])
    return Statement(path, origin, end - origin, aligned, bool(picture and span.first is not None))


def _lay(line: SoundLine, frame: av.AudioFrame) -> bool:
    """Lay `frame` on `line` at its time, or where the last ended if its time leaps; False
    once the statement is as long as it may be."""
    end, first = line.end, line.first
    if end is not None and first is not None and end - first > MAX_SECONDS:
        return False
    at = frame.time
    if at is not None and end is not None and abs(at - end) > MAX_JUMP:
        at = None
    line.add(frame, at)
    return True


def _decodes(packet: "Packet[Stream]") -> bool:
    """Whether the packet gives a picture (decoding stops at the first that does)."""
    try:
        return bool(packet.decode())
    except av.error.FFmpegError:
        return False


def _decoded(packet: "Packet[Stream]") -> list[av.AudioFrame]:
    """The sound frames of a packet; none for a damaged one (the next may decode)."""
    try:
        return [f for f in packet.decode() if isinstance(f, av.AudioFrame)]
    except av.error.FFmpegError as error:
        logger.debug("a sound packet does not decode: %s", error)
        return []
