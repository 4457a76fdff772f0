"""A subscriber in a process of its own, run inside a network namespace whose link is shaped
(see test_weak_subscriber.py): an aiortc peer that answers the server's offers and counts
what arrives.

One JSON object a line on stdin, one answer a line on stdout:
``{"offer": sdp}`` → ``{"answer": sdp}``; ``{"stats": true}`` → per kind, the RTP packets and
payload bytes received and the frames decoded (with the last video frame's size).
"""

import asyncio
import json
import sys
import time
from typing import Any

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtp import RtpPacket
from av import VideoFrame


class Counts:
    def __init__(self) -> None:
        self.packets = 0
        self.bytes = 0
        self.frames = 0
        self.size = (0, 0)
        self.last_packet = 0.0


class WeakPeer:
    def __init__(self) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.counts: dict[str, Counts] = {"audio": Counts(), "video": Counts()}
        self._tasks: list[asyncio.Task[None]] = []
        self.pc.on("track", self._on_track)

    async def answer(self, offer: str) -> str:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return str(self.pc.localDescription.sdp)

    def stats(self) -> dict[str, Any]:
        return {
            kind: {
                "packets": c.packets,
                "bytes": c.bytes,
                "frames": c.frames,
                "width": c.size[0],
                "height": c.size[1],
            }
            for kind, c in self.counts.items()
        }

    def _on_track(self, track: MediaStreamTrack) -> None:
        counts = self.counts[track.kind]
        receiver = next(t.receiver for t in self.pc.getTransceivers() if t.receiver.track is track)
        original = receiver._handle_rtp_packet

        async def handle(packet: RtpPacket, arrival_time_ms: int) -> None:
            counts.packets += 1
            counts.bytes += len(packet.payload)
            counts.last_packet = time.monotonic()
            await original(packet, arrival_time_ms)

        setattr(receiver, "_handle_rtp_packet", handle)  # noqa: B010
        self._tasks.append(asyncio.create_task(self._read(track, counts)))

    @staticmethod
    async def _read(track: MediaStreamTrack, counts: Counts) -> None:
        try:
            while True:
                frame = await track.recv()
                counts.frames += 1
                if isinstance(frame, VideoFrame):
                    counts.size = (frame.width, frame.height)
        except MediaStreamError:
            pass


async def main() -> None:
    peer = WeakPeer()
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        request = json.loads(line)
        if "offer" in request:
            reply: dict[str, Any] = {"answer": await peer.answer(request["offer"])}
        else:
            reply = peer.stats()
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    await peer.pc.close()


if __name__ == "__main__":
    asyncio.run(main())
