"""The recorder's file I/O, done in a thread of its own, in batches.

The forwarder hands packets to the recorder on the publisher's synchronous receive path; a slow
or stalled disk must not hold that path (nor the event loop) up. The recorder therefore only
appends commands to a deque here, which costs next to nothing per frame. This thread takes them
in batches: it wakes every `BATCH_SECONDS`, or at once when `WAKE_AT` commands are waiting (a
recording fed faster than real time), so that it is not woken, nor the GIL handed over, once a
frame. It opens, writes and closes segments and reports back on the event loop. What waits is
bounded: a disk that stalls for longer than `MAX_QUEUE` commands is a failure, reported like any
other, rather than memory that grows without end.
"""

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .anchor import Anchor
from .packets import EncodedFrame
from .segment import SegmentInfo, SegmentSpec, SegmentWriter

logger = logging.getLogger(__name__)

MAX_QUEUE = 3000
"""Commands held for the thread: about 100 s of 30 fps video, or 60 s of audio."""
BATCH_SECONDS = 0.2
"""How long commands may wait for the thread: added to what a kill -9 loses (see `segment`)."""
WAKE_AT = 64
"""Commands after which the thread is woken before its time."""


class WriterBacklogError(RuntimeError):
    """The writer thread fell too far behind (a stalled or very slow disk)."""


@dataclass(frozen=True, slots=True)
class _Open:
    spec: SegmentSpec


@dataclass(frozen=True, slots=True)
class _Write:
    frame: EncodedFrame
    ticks: int


@dataclass(frozen=True, slots=True)
class _Anchor:
    anchor: Anchor


class _Close:
    pass


class _Stop:
    pass


_Command = _Open | _Write | _Anchor | _Close | _Stop


class SegmentThread:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        on_segment: Callable[[SegmentInfo], None],
        on_error: Callable[[Exception], None],
        flush_ms: int,
        max_queue: int = MAX_QUEUE,
    ) -> None:
        self._loop = loop
        self._on_segment = on_segment
        self._on_error = on_error
        self._flush_ms = flush_ms
        self._max_queue = max_queue
        self._commands: deque[_Command] = deque()
        """Appended on the event loop, taken by the thread (both thread-safe on a deque)."""
        self._wake = threading.Event()
        self._done: asyncio.Future[None] = loop.create_future()
        self._failed = False
        self._thread = threading.Thread(target=self._run, name="segment-writer", daemon=True)
        self._thread.start()

    def open(self, spec: SegmentSpec) -> None:
        """Start a new segment (closing the open one, if any)."""
        self._put(_Open(spec))

    def write(self, frame: EncodedFrame, ticks: int) -> None:
        self._put(_Write(frame, ticks))

    def set_anchor(self, anchor: Anchor) -> None:
        """The open segment's anchor was refined (same RTP timestamp, better wall-clock)."""
        self._put(_Anchor(anchor))

    def close_segment(self) -> None:
        self._put(_Close())

    async def stop(self) -> None:
        """Close the open segment and wait until the thread has finished."""
        self._commands.append(_Stop())  # past the bound: stop must get through a full queue
        self._wake.set()
        await self._done

    def _put(self, command: _Command) -> None:
        commands = self._commands
        if len(commands) >= self._max_queue:
            raise WriterBacklogError("the recording disk is not keeping up")
        commands.append(command)
        if len(commands) >= WAKE_AT and not self._wake.is_set():
            self._wake.set()

    def _run(self) -> None:
        writer: SegmentWriter | None = None
        commands = self._commands
        try:
            while True:
                self._wake.wait(BATCH_SECONDS)
                self._wake.clear()  # before draining: a wake-up asked for meanwhile is kept
                while commands:
                    command = commands.popleft()
                    if isinstance(command, _Stop):
                        if writer is not None and not self._failed:
                            self._report(writer.close())
                        return
                    if not self._failed:  # after a failure, drain until stopped
                        writer = self._execute(command, writer)
        except Exception as error:
            self._call(self._on_error, error)
        finally:
            self._call(self._finish)

    def _execute(self, command: _Command, writer: SegmentWriter | None) -> SegmentWriter | None:
        """Carry out one command on the open segment's writer; return the writer then open."""
        try:
            if isinstance(command, _Write):
                if writer is not None:
                    writer.write(command.frame, command.ticks)
                return writer
            if isinstance(command, _Anchor):
                if writer is not None:
                    writer.set_anchor(command.anchor)
                return writer
            if writer is not None:
                self._report(writer.close())
                writer = None
            if isinstance(command, _Open):
                writer = SegmentWriter(command.spec, self._flush_ms)
            return writer
        except Exception as error:
            logger.exception("recording failed")
            self._failed = True
            if writer is not None:
                writer.abandon()
            self._call(self._on_error, error)
            return None

    def _report(self, info: SegmentInfo) -> None:
        self._call(self._on_segment, info)

    def _finish(self) -> None:
        if not self._done.done():
            self._done.set_result(None)

    def _call(self, function: Callable[..., None], *args: object) -> None:
        try:
            self._loop.call_soon_threadsafe(function, *args)
        except RuntimeError:  # the event loop is closed: nobody is left to tell
            logger.warning("event loop closed; dropped %s%r", function, args)
