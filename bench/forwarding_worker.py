"""A load-generator process of bench/forwarding.py: some participants of one hearing on one
server (ours, the MediaRelay baseline or Janus), driven over a pipe (bench/workers.py).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

import av
from aiortc.codecs.vpx import vp8_depayload

from bench.clip import Clip, SendLog
from bench.janus_participant import JanusParticipant
from bench.loopback import use_loopback, zero_timestamp_origins
from bench.participant import BaseParticipant, Incoming, Participant, Seat
from bench.workers import Worker
from signaling.media.vp8 import parse_descriptor
from tests.network_namespace import enter

RELOAD_SECONDS = 0.5
"""Between a page's connection dropping and the reloaded page joining again."""

Signaling = Literal["hearing", "janus"]
"""The hearing server's socket.io protocol (which the MediaRelay baseline speaks too), or
Janus' HTTP API to its VideoRoom plugin (the hearing id is then the room's)."""


@dataclass(frozen=True)
class Received:
    """One incoming stream of one participant, as a snapshot."""

    subscriber_id: int
    stream: Incoming


@dataclass(frozen=True)
class Snapshot:
    received: list[Received]
    sent: dict[int, SendLog]
    sample: tuple[int, int, int] | None
    """Frames decoded from the sampled stream, and their width and height."""


def run(conn: Connection, url: str, hearing_id: int, clip: Clip, signaling: Signaling) -> None:
    """Process entry point."""
    use_loopback()
    zero_timestamp_origins()
    asyncio.run(_Worker(url, hearing_id, clip, signaling).serve(conn))


def run_in_namespace(
    conn: Connection, url: str, hearing_id: int, clip: Clip, namespace: str
) -> None:
    """Process entry point inside a network namespace (bench/limited.py): its participants
    gather the namespace's own addresses, and reach the server at `url` over its link."""
    enter(namespace)
    asyncio.run(_Worker(url, hearing_id, clip, "hearing").serve(conn))


class _Worker(Worker[BaseParticipant]):
    def __init__(self, url: str, hearing_id: int, clip: Clip, signaling: Signaling) -> None:
        super().__init__(clip)
        self.url = url
        self.hearing_id = hearing_id
        self.signaling = signaling

    def _participant(self, seat: Seat) -> BaseParticipant:
        kind = JanusParticipant if self.signaling == "janus" else Participant
        participant = kind(self.url, self.hearing_id, seat, self.clip, self.fingerprints)
        self.participants[seat.participant_id] = participant
        return participant

    async def join(self, seats: list[Seat], sample: bool) -> None:
        participants = [self._participant(seat) for seat in seats]
        if participants and sample:
            participants[0].sample_next = True
        await asyncio.gather(*(p.join() for p in participants))

    async def join_receiving(self, seat: Seat) -> None:
        """Join as a full receiver (`BaseParticipant.full_receiver`)."""
        participant = self._participant(seat)
        participant.full_receiver = True
        await participant.join()

    async def impair(self, participant_id: int, delay: float, loss: float) -> None:
        """Delay and drop what a full receiver receives from now on (`Impairment`)."""
        impairment = self.participants[participant_id].impairment
        impairment.delay, impairment.loss = delay, loss

    async def call(self, participant_id: int, event: str) -> dict[str, Any]:
        participant = self.participants[participant_id]
        assert isinstance(participant, Participant)  # a Janus room has nothing to call
        return await participant.call(event)

    async def snapshot(self) -> Snapshot:
        received, sample = [], None
        for pid, participant in self.participants.items():
            for stream in participant.incoming.values():
                if stream.sample:
                    sample = _decode(stream.sample)
                received.append(Received(pid, stream))
        sent = {pid: p.sent for pid, p in self.participants.items() if p.seat.publishes}
        return Snapshot(received, sent, sample)

    async def first_frames(self, participant_ids: list[int], since: float) -> list[float]:
        """Seconds from `since` (a monotonic time: the same clock in every process) to the
        first video frame of each incoming stream of these participants (those held here)."""
        return [
            stream.first_frame_at - since
            for pid in participant_ids
            if pid in self.participants
            for stream in self.participants[pid].incoming.values()
            if stream.kind == "video" and stream.first_frame_at is not None
        ]

    async def late_join(self, seat: Seat, publishers: int, limit: float) -> list[float]:
        """Join, and return the seconds from connecting to the first video frame of each
        publisher (as many as arrived within `limit` seconds)."""
        return await self._first_frames_of(self._participant(seat), publishers, limit)

    async def rejoin(self, participant_id: int, publishers: int, limit: float) -> list[float]:
        """Drop a participant's connection as a reloaded page does (no `leave`), join again
        with the same seat, and time the first frames as `late_join` does."""
        await self.participants[participant_id].close()
        await asyncio.sleep(RELOAD_SECONDS)
        seat = self.participants[participant_id].seat
        return await self._first_frames_of(self._participant(seat), publishers, limit)

    async def _first_frames_of(
        self, participant: BaseParticipant, publishers: int, limit: float
    ) -> list[float]:
        await participant.join()
        return await participant.wait_first_frames(publishers, time.monotonic() + limit)


def _decode(payloads: list[bytes]) -> tuple[int, int, int]:
    """Decode the sampled payloads (from a keyframe on): frames decoded, width, height."""
    frames: list[bytes] = []
    for payload in payloads:
        if parse_descriptor(payload).begins_frame:
            frames.append(b"")
        if frames:
            frames[-1] += vp8_depayload(payload)
    decoder = av.CodecContext.create("libvpx", "r")
    decoded = [f for data in frames[:-1] for f in decoder.decode(av.Packet(data))]
    if not decoded:
        return 0, 0, 0
    return len(decoded), decoded[-1].width, decoded[-1].height
