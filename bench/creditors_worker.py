"""A load-generator process for bench/creditors.py: some of a creditors' meeting's participants.

Driven over a pipe (bench/workers.py) like bench/scale_worker.py. Each participant
(bench/participant.py) publishes the pre-encoded clip and counts the video that arrives without
decoding it; here it also notes the moment the `room` event carrying a vote's result arrived,
on the machine's monotonic clock, which every process shares (`time.monotonic`,
CLOCK_MONOTONIC), so the parent can set it against the moment the judge closed the vote.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import socketio

from bench.clip import Clip
from bench.loopback import use_loopback
from bench.participant import NAMESPACE, Participant, Seat
from bench.scale_worker import Counts, frame_counts
from bench.workers import Worker

JOIN_TRIES = 3


@dataclass(frozen=True)
class Result:
    """A vote's result as one participant's client got it."""

    arrived_at: float
    """`time.monotonic()` when the `room` event with the closed vote arrived."""
    passed: bool


def run(conn: Connection, clip: Clip) -> None:
    """Process entry point."""
    use_loopback()
    asyncio.run(_Worker(clip).serve(conn))


class Voter(Participant):
    """A participant who also watches the room view for a vote's result."""

    def __init__(
        self, url: str, hearing_id: int, seat: Seat, clip: Clip, fingerprints: dict[bytes, int]
    ) -> None:
        self.results: dict[int, Result] = {}
        """Motion id -> its result, as first received."""
        super().__init__(url, hearing_id, seat, clip, fingerprints)

    def _client(self) -> socketio.AsyncClient:
        sio = super()._client()
        sio.on("room", self._on_room, namespace=NAMESPACE)
        return sio

    def _on_room(self, data: Any) -> None:
        vote = data.get("vote") if isinstance(data, dict) else None
        if not isinstance(vote, dict) or vote.get("state") != "closed":
            return
        motion_id = int(vote["motion_id"])
        if motion_id not in self.results:
            passed = bool((vote.get("tally") or {}).get("passed"))
            self.results[motion_id] = Result(time.monotonic(), passed)


class _Worker(Worker[Voter]):
    def __init__(self, clip: Clip) -> None:
        super().__init__(clip)
        self.reset_at = time.monotonic()
        self.sent_at_reset: dict[int, int] = {}

    async def _join(self, url: str, hearing_id: int, seat: Seat) -> int:
        """Join, trying again (as a browser's socket.io client would) when the connection
        fails under load; how many tries failed."""
        for failed in range(JOIN_TRIES):
            participant = Voter(url, hearing_id, seat, self.clip, self.fingerprints)
            self.participants[seat.participant_id] = participant
            try:
                await participant.join()
                return failed
            except socketio.exceptions.ConnectionError:
                await participant.close()
                if failed == JOIN_TRIES - 1:
                    raise
                await asyncio.sleep(1.0)
        raise AssertionError("unreachable")

    async def join(self, url: str, hearing_id: int, seats: list[Seat]) -> int:
        """Join all `seats` at once; how many connections failed and were tried again."""
        return sum(await asyncio.gather(*(self._join(url, hearing_id, seat) for seat in seats)))

    async def call(self, participant_id: int, event: str, data: Any = None) -> dict[str, Any]:
        return await self.participants[participant_id].call(event, data)

    async def cast(self, motion_id: int, choices: dict[int, str]) -> int:
        """Every ballot of this worker's creditors at once; how many were accepted."""
        voting = [pid for pid in choices if pid in self.participants]
        replies = await asyncio.gather(
            *(
                self.participants[pid].call(
                    "cast_ballot", {"motion_id": motion_id, "choice": choices[pid]}
                )
                for pid in voting
            )
        )
        refused = [reply for reply in replies if not reply.get("ok")]
        if refused:
            raise RuntimeError(f"ballots refused: {refused[:3]}")
        return len(replies)

    async def close_vote(self, judge_id: int, motion_id: int) -> tuple[float, dict[str, Any]]:
        """The judge closes the vote: the moment just before the call leaves, and the reply."""
        judge = self.participants[judge_id]
        closed_at = time.monotonic()
        reply = await judge.call("close_vote", {"motion_id": motion_id})
        return closed_at, reply

    async def results(self, motion_id: int, limit: float) -> dict[int, Result | None]:
        """Each participant's result of the vote on `motion_id`, waiting up to `limit` seconds
        for all of them (None: it never came)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if all(motion_id in p.results for p in self.participants.values()):
                break
            await asyncio.sleep(0.05)
        return {pid: p.results.get(motion_id) for pid, p in self.participants.items()}

    async def reset(self) -> None:
        await super().reset()
        self.reset_at = time.monotonic()
        self.sent_at_reset = {pid: len(p.sent.index) for pid, p in self.participants.items()}

    async def counts(self) -> Counts:
        return frame_counts(self.participants, self.participants, self.reset_at, self.sent_at_reset)
