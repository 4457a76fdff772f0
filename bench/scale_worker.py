"""A load-generator process for bench/scale.py: participants of many hearings on several servers.

Like bench/forwarding_worker.py (one hearing on one server), it is driven over a pipe
(bench/workers.py), and its participants (bench/participant.py) send the pre-encoded clip and
count what arrives without decoding. Each participant joins through the URL it is given and
follows a `moved` refusal to the process that holds its hearing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bench.clip import Clip
from bench.loopback import use_loopback
from bench.participant import Participant, Seat
from bench.workers import Worker


@dataclass(frozen=True)
class Joined:
    participant_id: int
    url: str
    """The process it ended up connected to."""
    moves: int
    """How many `moved` refusals it followed."""


@dataclass(frozen=True)
class LateJoin:
    joined: Joined
    first_frame: float | None
    """Seconds from its socket.io connect to its first complete video frame (None: none came)."""
    all_frames: float | None
    """... to the first frame of every publisher (None: not all came within the limit)."""


@dataclass(frozen=True)
class Counts:
    """Video frames over the window since the last reset."""

    window: float
    received: dict[tuple[int, int], int]
    """(subscriber id, publisher id) -> complete video frames received."""
    sent: dict[int, int]
    """Publisher id -> video frames sent."""


def frame_counts(
    participants: Mapping[int, Participant],
    senders: Mapping[int, Participant],
    reset_at: float,
    sent_at_reset: Mapping[int, int],
) -> Counts:
    """The video frames each of ``participants`` received from each publisher, and each of
    ``senders`` sent, since ``reset_at`` (when ``sent_at_reset`` were each one's sent count)."""
    received = {
        (pid, stream.publisher_id): stream.frames
        for pid, participant in participants.items()
        for stream in participant.incoming.values()
        if stream.kind == "video"
    }
    sent = {pid: len(p.sent.index) - sent_at_reset.get(pid, 0) for pid, p in senders.items()}
    return Counts(time.monotonic() - reset_at, received, sent)


def run(conn: Connection, clip: Clip) -> None:
    """Process entry point."""
    use_loopback()
    asyncio.run(_Worker(clip).serve(conn))


class _Worker(Worker[Participant]):
    def __init__(self, clip: Clip) -> None:
        super().__init__(clip)
        self.reset_at = time.monotonic()
        self.sent_at_reset: dict[int, int] = {}

    async def _join(self, url: str, hearing_id: int, seat: Seat) -> Participant:
        participant = Participant(url, hearing_id, seat, self.clip, self.fingerprints)
        self.participants[seat.participant_id] = participant
        await participant.join()
        return participant

    async def join(self, url: str, hearing_id: int, seats: list[Seat]) -> list[Joined]:
        """Join all `seats` of one hearing at once, each first connecting to `url`."""
        joined = await asyncio.gather(*(self._join(url, hearing_id, seat) for seat in seats))
        return [Joined(p.seat.participant_id, p.url, p.moves) for p in joined]

    async def call(self, participant_id: int, event: str) -> dict[str, Any]:
        return await self.participants[participant_id].call(event)

    async def late_join(
        self, url: str, hearing_id: int, seat: Seat, publishers: int, limit: float
    ) -> LateJoin:
        """Join a hearing in session and time the first frames from the moment of connecting."""
        participant = await self._join(url, hearing_id, seat)
        firsts = await participant.wait_first_frames(publishers, participant.connected_at + limit)
        joined = Joined(seat.participant_id, participant.url, participant.moves)
        return LateJoin(
            joined,
            first_frame=firsts[0] if firsts else None,
            all_frames=firsts[-1] if len(firsts) >= publishers else None,
        )

    async def reset(self) -> None:
        await super().reset()
        self.reset_at = time.monotonic()
        self.sent_at_reset = {pid: len(p.sent.index) for pid, p in self.participants.items()}

    async def counts(self) -> Counts:
        publishers = {pid: p for pid, p in self.participants.items() if p.seat.publishes}
        return frame_counts(self.participants, publishers, self.reset_at, self.sent_at_reset)
