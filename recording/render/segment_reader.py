"""One segment file's frames, decoded in order, read on while the recorder still writes it.

The recorder writes each Matroska cluster whole (recording/segment.py), so a file being
written reads as a valid file that ends after some cluster, or inside the one being written:
the demuxer returns the blocks that are whole and stops. Reading on means opening the file
again once it has grown and passing over the packets already decoded (demuxing without
decoding costs little: a segment is a few seconds). The decoder outlives the openings, so
its state (VP8's reference frames) carries on. Packets are passed
over by their count in the file, not by timestamp: an uploaded statement's H.264 may hold
B-frames, whose timestamps go back and forth.

A closed file is read the same way, once, to its end, where the decoder gives up the frames
it held back.
"""

import logging
import os
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
from av import AudioFrame, AudioStream, VideoFrame, VideoStream
from av.audio.codeccontext import AudioCodecContext
from av.video.codeccontext import VideoCodecContext

logger = logging.getLogger(__name__)

Frame = VideoFrame | AudioFrame
Decoder = VideoCodecContext | AudioCodecContext


class SegmentReader:
    def __init__(self, path: Path, kind: str, growing: bool = False) -> None:
        """`kind`: "video" or "audio" (the file's first stream of that kind); `growing`: the
        file is still being written (see `closed`)."""
        self.path = path
        self.growing = growing
        self._kind = kind
        self._decoder: Decoder | None = None
        self._time_base = Fraction(1, 1000)
        self._decoded = 0
        """Packets decoded (the next opening passes over as many)."""
        self._read_size = -1
        """The file's size when it was last read to its end."""
        self.broken = False
        """The file cannot be read on (damaged, or not a segment of this kind)."""

    def frames(self) -> Iterator[tuple[float, Frame]]:
        """Each frame not returned before, with its presentation time in seconds, as far as
        the file reads now. Once it has been read to its end, a new iterator reads on only
        if the file has grown since."""
        if self.broken:
            return
        try:
            size = os.stat(self.path).st_size
        except OSError:
            return  # not there yet, or gone: nothing to read now
        if size == self._read_size:
            return
        try:
            with av.open(str(self.path)) as container:
                streams = (
                    container.streams.video if self._kind == "video" else container.streams.audio
                )
                if not streams:
                    self.broken = True
                    return
                stream = streams[0]
                decoder = self._decoder or self._make_decoder(stream)
                for index, packet in enumerate(container.demux(stream)):
                    if index < self._decoded or not packet.size:
                        continue  # decoded before, or the demuxer's end of stream
                    self._decoded = index + 1
                    yield from self._timed(decoder.decode(packet))
                if not self.growing:
                    yield from self._timed(decoder.decode(None))
        except av.error.FFmpegError as error:
            # a file being written may end inside a cluster: read on once it has grown
            level = logging.DEBUG if self.growing else logging.WARNING
            logger.log(level, "%s ends here: %s", self.path, error)
        except OSError as error:
            logger.warning("cannot read %s: %s", self.path, error)
            return
        self._read_size = size

    def closed(self) -> None:
        """The recorder has closed the file: read it to its end once more, then no more."""
        if self.growing:
            self.growing = False
            self._read_size = -1

    def _timed(self, frames: list[AudioFrame] | list[VideoFrame]) -> Iterator[tuple[float, Frame]]:
        for frame in frames:
            if frame.pts is not None:
                yield float(frame.pts * self._time_base), frame

    def _make_decoder(self, stream: VideoStream | AudioStream) -> Decoder:
        """The first opening's own decoder, kept for the later ones: it holds what the
        stream's header gave it (H.264's parameter sets, Opus's header, a display rotation,
        which FFmpeg puts on each frame) and outlives its file."""
        self._decoder = stream.codec_context
        if stream.time_base is not None:
            self._time_base = Fraction(stream.time_base)
        return self._decoder
