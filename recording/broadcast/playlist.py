"""The live media playlist, low-latency HLS (RFC 8216bis): segments and their partial segments.

Each segment is also offered as its parts (`EXT-X-PART`) while it is among the newest, the one
being written included, so a player that knows low-latency HLS plays a part or two behind the
live edge (`PART-HOLD-BACK`), asking for the next playlist with `_HLS_msn`/`_HLS_part`, which
the server holds until it exists (`CAN-BLOCK-RELOAD`, hearing_server/broadcast_files.py). A
player that does not know the tags ignores them and plays whole segments three behind.

Names: segment N is `seg-NNNNN.ts`, its part k `seg-NNNNN.k.ts`; the segment is its parts one
after the other (`hls`).
"""

import datetime
import math
import re
from collections import deque
from dataclasses import dataclass, field

PLAYLIST = "index.m3u8"
SEGMENT_NAME = re.compile(r"seg-(\d{5,9})(?:\.(\d{1,3}))?\.ts")
"""A segment's name (five digits and more once past 99999: over 55 h of 2-s segments), or one
of its parts'."""
PART_WINDOW = 3
"""Segments, the newest, whose parts the playlist names (the spec: those within three target
durations of the live edge)."""
HOLD_BACK_PARTS = 3
"""How many parts behind the live edge a low-latency player starts (the spec's least)."""


def segment_name(number: int, part: int | None = None) -> str:
    return f"seg-{number:05d}.ts" if part is None else f"seg-{number:05d}.{part}.ts"


@dataclass
class Segment:
    number: int
    began: float
    """The date (UNIX time) of its first picture: the broadcast's start plus the picture's
    place in the timeline."""
    parts: list[float] = field(default_factory=list)
    """Each part's duration, in seconds."""
    discontinuity: bool = False
    complete: bool = False

    @property
    def duration(self) -> float:
        return sum(self.parts)


class LivePlaylist:
    def __init__(
        self, first: int, segment_seconds: int, part_seconds: float, list_size: int
    ) -> None:
        """`first`: the first segment's number; one above 0 continues an earlier broadcast's
        folder, so its first segment is marked as a break in the timestamps."""
        self.segment_seconds = segment_seconds
        self.part_seconds = part_seconds
        self.list_size = list_size
        self.segments: deque[Segment] = deque()
        self.next_number = first
        self._discontinuity = first > 0
        self._discontinuities_gone = 0
        self.ended = False

    def add_part(self, duration: float, began: float) -> tuple[int, int]:
        """A part written (to the open segment, or the first of a new one, whose first
        picture was written at `began`); returns its segment's number and its index."""
        if not self.segments or self.segments[-1].complete:
            segment = Segment(self.next_number, began, discontinuity=self._discontinuity)
            self._discontinuity = False
            self.next_number += 1
            self.segments.append(segment)
        segment = self.segments[-1]
        segment.parts.append(duration)
        return segment.number, len(segment.parts) - 1

    def complete(self) -> list[int]:
        """The open segment is whole; returns the numbers of the segments that left the
        playlist."""
        if self.segments:
            self.segments[-1].complete = True
        gone = []
        while sum(s.complete for s in self.segments) > self.list_size:
            old = self.segments.popleft()
            self._discontinuities_gone += old.discontinuity
            gone.append(old.number)
        return gone

    def end(self) -> None:
        self.ended = True

    def render(self) -> str:
        target = max([self.segment_seconds] + [math.ceil(s.duration) for s in self.segments])
        part_target = self.part_seconds
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:6",
            f"#EXT-X-TARGETDURATION:{target}",
            "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,"
            f"PART-HOLD-BACK={HOLD_BACK_PARTS * part_target:.3f}",
            f"#EXT-X-PART-INF:PART-TARGET={part_target:.3f}",
            f"#EXT-X-MEDIA-SEQUENCE:{self.segments[0].number if self.segments else self.next_number}",
            "#EXT-X-INDEPENDENT-SEGMENTS",
        ]
        if self._discontinuities_gone:  # the break slid out of the playlist: count it
            lines.append(f"#EXT-X-DISCONTINUITY-SEQUENCE:{self._discontinuities_gone}")
        with_parts = {s.number for s in list(self.segments)[-PART_WINDOW:]}
        for segment in self.segments:
            if segment.discontinuity:
                lines.append("#EXT-X-DISCONTINUITY")
            began = datetime.datetime.fromtimestamp(segment.began, datetime.UTC)
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{began.isoformat(timespec='milliseconds')}")
            if segment.number in with_parts and not self.ended:
                for index, duration in enumerate(segment.parts):
                    independent = ",INDEPENDENT=YES" if index == 0 else ""
                    uri = segment_name(segment.number, index)
                    lines.append(f'#EXT-X-PART:DURATION={duration:.3f},URI="{uri}"{independent}')
            if segment.complete:
                lines += [f"#EXTINF:{segment.duration:.3f},", segment_name(segment.number)]
        if self.ended:
            lines.append("#EXT-X-ENDLIST")
        return "\n".join(lines) + "\n"


LOW_LATENCY_TAGS = (b"#EXT-X-PART", b"#EXT-X-SERVER-CONTROL", b"#EXT-X-PRELOAD-HINT")
"""`#EXT-X-PART` begins `#EXT-X-PART-INF` too."""


def without_parts(playlist: bytes) -> bytes:
    """The playlist for a store that cannot hold a request until the next part exists (a
    bucket behind a CDN): segments only, played three behind the live edge."""
    lines = playlist.split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith(LOW_LATENCY_TAGS))
