"""Records one published track: RTP packets in, independently decodable segment files out.

Attach a `TrackRecorder` to the forwarder's published track like a subscriber: it has the
`forward_now(packet, now, abs_send_time)` method and the `waiting_for_keyframe` property the
forwarder expects, and takes each packet on the publisher's synchronous receive path, as a
subscriber's downtrack does (no task or coroutine per packet). Per packet it only does cheap
work in memory: put packets back in order (`reorder`), rebuild frames (`frames`), skip to a
keyframe, map RTP time to wall-clock time (`anchor`) and queue the frame; the file I/O happens
in a thread, in batches (`writer`). The publisher's RTCP sender reports, handed to
`sender_report()`, refine the anchor so that its tracks line up (see `anchor`); without them
the first frame's arrival time stands.

Video segments start at keyframes: once a segment is `segment_seconds` long the recorder asks
for a keyframe and cuts there. `pause()` (a recess) closes the segment and drops media until
`resume()`; presentation times keep counting from the same anchor, so a recess shows as a gap
in time between two valid segments. Nothing raised while recording leaves `forward_now()`: a
failure goes to `on_error` once and the recorder stops recording, the forwarding goes on.
"""

import asyncio
import enum
import logging
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from .anchor import Anchor, MediaClock, SenderClock, ntp_seconds, rtp_difference
from .frames import FrameAssembler, OpusAssembler, Vp8Assembler
from .packets import EncodedFrame, RtpPacket
from .reorder import MAX_DELAY, ReorderBuffer
from .segment import FLUSH_MS, SegmentInfo, SegmentSpec
from .writer import SegmentThread

logger = logging.getLogger(__name__)

SEGMENT_SECONDS = 4.0
REANCHOR_SECONDS = 2.0
"""Re-anchor when a frame arrives this far from where RTP time says it belongs."""
KEYFRAME_REQUEST_INTERVAL = 1.0
CODECS = {"video/vp8": ("video", "vp8"), "audio/opus": ("audio", "opus")}


MAX_REPORTED_STREAMS = 8
"""Streams whose latest sender report is kept: a simulcast camera reports three layers (and
perhaps their RTX), and the recorder may move to any of them."""


class RecorderState(enum.Enum):
    RECORDING = "recording"
    PAUSED = "paused"
    FAILED = "failed"
    CLOSED = "closed"


class TrackRecorder:
    def __init__(
        self,
        directory: Path,
        name: str,
        mime_type: str,
        clock_rate: int,
        *,
        on_segment: Callable[[SegmentInfo], None],
        on_error: Callable[[Exception], None],
        on_anchor: Callable[[Anchor], None] | None = None,
        request_keyframe: Callable[[], Awaitable[None]] | None = None,
        sender_clock: SenderClock | None = None,
        segment_seconds: float = SEGMENT_SECONDS,
        flush_ms: int = FLUSH_MS,
        reorder_delay: float = MAX_DELAY,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Record into `directory`/`name`-NNNNN.mkv (numbering goes on after existing files).

        `mime_type` and `clock_rate` are the negotiated codec's (VP8 or Opus). Callbacks run on
        the event loop: `on_segment` for each finished segment, `on_anchor` whenever a new
        wall-clock anchor is taken, `on_error` once if recording fails. `request_keyframe` is
        run as a task (at most once a second) when the recorder needs a keyframe. `sender_clock`
        (shared by the publisher's tracks) lets `sender_report()` anchor the track.
        """
        if mime_type.lower() not in CODECS:
            raise ValueError(f"cannot record {mime_type}: only VP8 and Opus")
        if not re.fullmatch(r"[\w.-]+", name):
            raise ValueError(f"segment name {name!r} must be letters, digits, '.', '_' or '-'")
        self.kind, self._codec = CODECS[mime_type.lower()]
        self._directory = directory
        self._name = name
        self._clock_rate = clock_rate
        self._on_segment = on_segment
        self._on_error = on_error
        self._on_anchor = on_anchor
        self._request_keyframe = request_keyframe
        self._sender_clock = sender_clock
        self._reports: dict[int, tuple[float, int]] = {}
        """By SSRC, the latest sender report: our wall-clock at which an RTP timestamp was
        sent."""
        self._arrival_wall = 0.0
        """Where the first frame's arrival put the anchor (reports may not move it far)."""
        self._segment_seconds = segment_seconds
        self._flush_ms = flush_ms
        self._reorder_delay = reorder_delay
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._state = RecorderState.RECORDING
        self._failed = False
        self._reorder = ReorderBuffer(reorder_delay)
        self._assembler: FrameAssembler = (
            Vp8Assembler() if self.kind == "video" else OpusAssembler()
        )
        self._ssrc: int | None = None
        self._clock: MediaClock | None = None
        self._thread: SegmentThread | None = None
        self._index: int | None = None
        self._segment_start: int | None = None
        """Ticks of the open segment's first frame; None while no segment is open."""
        self._segment_size = (0, 0)
        self._last_ticks = 0
        self._last_keyframe_request = -KEYFRAME_REQUEST_INTERVAL
        self._keyframe_request: asyncio.Future[None] | None = None

    @property
    def state(self) -> RecorderState:
        return self._state

    @property
    def waiting_for_keyframe(self) -> bool:
        """True while video is held back for a keyframe, or a segment is due to be cut."""
        return (
            self._state is RecorderState.RECORDING
            and self.kind == "video"
            and (self._assembler.needs_keyframe or self._rotation_due())
        )

    def forward_now(self, packet: RtpPacket, now: float, abs_send_time: int) -> None:
        """Take one packet from the forwarder, on its synchronous path; never raises."""
        if self._state is not RecorderState.RECORDING:
            return
        try:
            if packet.ssrc != self._ssrc:
                self._restart_stream(packet.ssrc)
            released = self._reorder.push(packet, self._wall_clock(), self._monotonic())
            for item in released:
                for frame in self._assembler.push(item):
                    self._record(frame)
            if self.waiting_for_keyframe:
                self._ask_keyframe()
        except Exception as error:
            self._fail(error)

    def sender_report(self, ssrc: int, ntp_timestamp: int, rtp_timestamp: int) -> None:
        """An RTCP sender report of stream `ssrc`: its RTP timestamp `rtp_timestamp` was sent
        at NTP time `ntp_timestamp` (64-bit) of the publisher's clock. Never raises."""
        if self._sender_clock is None or self._state in (
            RecorderState.CLOSED,
            RecorderState.FAILED,
        ):
            return
        try:
            sent = self._sender_clock.wall_clock(ntp_seconds(ntp_timestamp), self._wall_clock())
            if ssrc not in self._reports and len(self._reports) >= MAX_REPORTED_STREAMS:
                self._reports.clear()  # streams come and go; only the current one matters
            self._reports[ssrc] = (sent, rtp_timestamp)
            if ssrc == self._ssrc and self._clock is not None:
                self._refine_anchor(sent, rtp_timestamp)
        except Exception as error:
            self._fail(error)

    def _refine_anchor(self, sent: float, rtp_timestamp: int) -> None:
        """Move the anchor's wall-clock (its RTP timestamp stays, so what was written keeps
        its times) to what the report says; of several reports keep the earliest, the one
        least delayed between capture and sending."""
        assert self._clock is not None
        anchor = self._clock.anchor
        at = sent - rtp_difference(rtp_timestamp, anchor.rtp_timestamp) / anchor.clock_rate
        if abs(at - self._arrival_wall) > REANCHOR_SECONDS:
            return  # a report that far from the arrivals is not to be believed
        if anchor.source == "rtcp" and at >= anchor.wall_clock - 0.0005:
            return
        refined = Anchor(at, anchor.rtp_timestamp, anchor.clock_rate, "rtcp")
        self._clock.anchor = refined
        if self._segment_start is not None and self._thread is not None:
            self._thread.set_anchor(refined)
        if self._on_anchor is not None:
            self._on_anchor(refined)

    def pause(self) -> None:
        """Recess: write what has arrived, close the segment, then ignore media."""
        if self._state is not RecorderState.RECORDING:
            return
        self._flush()
        self._state = RecorderState.PAUSED

    def resume(self) -> None:
        """Back in session: record again from the next keyframe, on the same anchor."""
        if self._state is RecorderState.PAUSED:
            self._reorder = ReorderBuffer(self._reorder_delay)
            self._assembler.reset()
            self._state = RecorderState.RECORDING

    async def close(self) -> None:
        """Finish the open segment (reported through `on_segment`) and stop the writer."""
        if self._state is RecorderState.CLOSED:
            return
        if self._state is RecorderState.RECORDING:
            self._flush()
        self._state = RecorderState.CLOSED
        if self._thread is not None:
            await self._thread.stop()

    def _flush(self) -> None:
        try:
            for item in self._reorder.drain():
                for frame in self._assembler.push(item):
                    self._record(frame)
            self._close_segment()
            self._assembler.reset()
        except Exception as error:
            self._fail(error)

    def _restart_stream(self, ssrc: int) -> None:
        """A new RTP stream (first packet, or the publisher restarted): new anchor and segment."""
        if self._ssrc is not None:
            self._flush()
        self._ssrc = ssrc
        self._reorder = ReorderBuffer(self._reorder_delay)
        self._clock = None

    def _record(self, frame: EncodedFrame) -> None:
        if self._clock is None:
            self._set_anchor(frame)
        assert self._clock is not None
        ticks = self._clock.ticks(frame.timestamp)
        if abs(frame.arrival - self._clock.wall_clock(ticks)) > REANCHOR_SECONDS:
            self._close_segment()
            self._set_anchor(frame)
            ticks = 0
        if self._segment_start is not None:
            if ticks <= self._last_ticks:
                self._assembler.reset()  # time went backwards: skip to a keyframe
                return
            size = (frame.width, frame.height)
            if frame.keyframe and (self._rotation_due() or size != self._segment_size):
                self._close_segment()  # a new resolution gets a file of its own, too
        if self._segment_start is None:
            if not frame.keyframe:
                self._assembler.reset()  # and so ask for one
                return
            self._open_segment(ticks, (frame.width, frame.height))
        assert self._thread is not None
        self._thread.write(frame, ticks)
        self._last_ticks = ticks

    def _set_anchor(self, frame: EncodedFrame) -> None:
        anchor = Anchor(frame.arrival, frame.timestamp, self._clock_rate)
        self._arrival_wall = frame.arrival
        report = self._reports.get(self._ssrc) if self._ssrc is not None else None
        if report is not None:
            sent, rtp_timestamp = report
            at = sent + rtp_difference(frame.timestamp, rtp_timestamp) / self._clock_rate
            if abs(at - frame.arrival) <= REANCHOR_SECONDS:
                anchor = Anchor(at, frame.timestamp, self._clock_rate, "rtcp")
        self._clock = MediaClock(anchor)
        self._last_ticks = 0
        if self._on_anchor is not None:
            self._on_anchor(anchor)

    def _rotation_due(self) -> bool:
        if self._segment_start is None:
            return False
        elapsed = (self._last_ticks - self._segment_start) / self._clock_rate
        return elapsed >= self._segment_seconds

    def _open_segment(self, ticks: int, size: tuple[int, int]) -> None:
        assert self._clock is not None
        if self._thread is None:
            self._thread = SegmentThread(
                asyncio.get_running_loop(), self._on_segment, self._fail, self._flush_ms
            )
        if self._index is None:
            self._index = self._next_free_index()
        spec = SegmentSpec(
            path=self._directory / f"{self._name}-{self._index:05d}.mkv",
            track=self._name,
            index=self._index,
            kind=self.kind,
            codec=self._codec,
            anchor=self._clock.anchor,
            width=size[0],
            height=size[1],
            first_ticks=ticks,
        )
        self._index += 1
        self._thread.open(spec)
        self._segment_start = ticks
        self._segment_size = size

    def _close_segment(self) -> None:
        if self._segment_start is not None and self._thread is not None:
            self._thread.close_segment()
        self._segment_start = None

    def _next_free_index(self) -> int:
        pattern = re.compile(re.escape(self._name) + r"-(\d+)\.mkv")
        existing = [
            int(match.group(1))
            for path in (self._directory.iterdir() if self._directory.is_dir() else ())
            if (match := pattern.fullmatch(path.name))
        ]
        return max(existing, default=-1) + 1

    def _ask_keyframe(self) -> None:
        now = self._monotonic()
        if (
            self._request_keyframe is None
            or now - self._last_keyframe_request < KEYFRAME_REQUEST_INTERVAL
            or (self._keyframe_request is not None and not self._keyframe_request.done())
        ):
            return
        self._last_keyframe_request = now
        self._keyframe_request = asyncio.ensure_future(self._request_keyframe())
        self._keyframe_request.add_done_callback(_keyframe_requested)

    def _fail(self, error: Exception) -> None:
        """Report the first failure; stop recording (forwarding is not affected)."""
        if self._failed:
            return
        self._failed = True
        logger.error("recording %s failed: %s", self._name, error)
        if self._state is not RecorderState.CLOSED:
            self._state = RecorderState.FAILED
        try:
            self._on_error(error)
        except Exception:
            logger.exception("on_error callback failed")


def _keyframe_requested(request: asyncio.Future[None]) -> None:
    if not request.cancelled() and request.exception() is not None:
        # the forwarder re-asks while we wait; not a recording failure
        logger.error("keyframe request failed", exc_info=request.exception())
