"""The baseline: a minimal aiortc server that relays with MediaRelay (decode + re-encode).

`python -m bench.relay_server --port P` speaks the subset of the `/hearing` socket.io
protocol the load generator uses: connect with auth `{hearing_id, invitation, offers_first}`
(the invitation is the participant id as a string; nothing is checked), the participant's
`offer` answered in the acknowledgement, server `offer` events `{sdp, tracks}` answered with
`answer`, and an `{"ok": true}` acknowledgement for any other event. Everyone receives
everyone else.

Media is what aiortc's examples do: each published track is received the ordinary way (jitter
buffer, decoder), shared through one `MediaRelay`, and every subscriber's sender encodes its
own copy, at `--bitrate` (the bench passes the clip's, so both servers send what they get). RTP timestamp origins are made 0 (bench/loopback.py) so that each frame keeps the
timestamp its publisher gave it, which is how the load generator matches frames here.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import socketio
from aiohttp import web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.codecs import vpx
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamTrack

from bench.loopback import use_loopback, zero_timestamp_origins
from bench.participant import Seat
from bench.seed import BenchHearing

NAMESPACE = "/hearing"


def relay_hearing(parties: int) -> BenchHearing:
    """Seats for the baseline: participant ids 1..n as invitations."""
    seats = [Seat(i, invitation=str(i)) for i in range(1, parties + 3)]
    late = seats.pop()
    return BenchHearing(
        hearing_id=1,
        judge=seats[0],
        parties=seats[1:],
        late=Seat(late.participant_id, late.invitation, publishes=False),
    )


@dataclass
class Peer:
    participant_id: int
    sid: str
    pc: RTCPeerConnection
    published: list[MediaStreamTrack] = field(default_factory=list)
    received: set[MediaStreamTrack] = field(default_factory=set)
    """Source tracks this peer already has a sender for."""
    owners: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: bool = False
    """A renegotiation is due once the current offer is answered."""
    ready: bool = False
    """The participant's own offer was handled (or it does not offer)."""


class RelayNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(NAMESPACE)
        self.relay = MediaRelay()
        self.peers: dict[str, Peer] = {}
        self.owner: dict[MediaStreamTrack, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: dict[str, Any]) -> None:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        peer = self.peers[sid] = Peer(int(auth["invitation"]), sid, pc)
        pc.on("track", lambda track: self._published(peer, track))
        if not auth.get("offers_first"):
            peer.ready = True
            self._spawn(self._renegotiate(peer))  # once the connection is acknowledged

    async def on_disconnect(self, sid: str, reason: str | None = None) -> None:
        peer = self.peers.pop(sid, None)
        if peer is not None:
            await peer.pc.close()

    async def on_offer(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        peer = self.peers[sid]
        await peer.pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "offer"))
        await peer.pc.setLocalDescription(await peer.pc.createAnswer())
        answer = peer.pc.localDescription.sdp
        peer.ready = True
        for other in self.peers.values():
            self._spawn(self._renegotiate(other))
        return {"ok": True, "sdp": answer}

    async def on_answer(self, sid: str, data: dict[str, Any]) -> None:
        peer = self.peers[sid]
        await peer.pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "answer"))
        if peer.pending:
            peer.pending = False
            await self._renegotiate(peer)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event in ("connect", "disconnect", "offer", "answer"):
            return await super().trigger_event(event, *args)
        return {"ok": True}

    def _spawn(self, work: Coroutine[None, None, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _published(self, peer: Peer, track: MediaStreamTrack) -> None:
        peer.published.append(track)
        self.owner[track] = peer.participant_id

    async def _renegotiate(self, peer: Peer) -> None:
        if not peer.ready:
            return
        if peer.pc.signalingState != "stable":
            peer.pending = True
            return
        added = []
        for other in self.peers.values():
            for track in other.published:
                if other is not peer and track not in peer.received:
                    peer.received.add(track)
                    relayed = self.relay.subscribe(track, buffered=False)
                    added.append((peer.pc.addTransceiver(relayed, direction="sendonly"), track))
        if not added:
            return
        await peer.pc.setLocalDescription(await peer.pc.createOffer())
        for transceiver, track in added:
            owner = {"participant_id": self.owner[track], "kind": track.kind}
            peer.owners[transceiver.mid or ""] = owner
        offer = {"sdp": peer.pc.localDescription.sdp, "tracks": peer.owners}
        await self.emit("offer", offer, to=peer.sid)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--bitrate", type=int, help="encode at this many bit/s (aiortc's default: 500 kbps)"
    )
    args = parser.parse_args()
    if args.bitrate:
        # Vp8Encoder reads this when it is made; the load generator sends no REMB to change it
        vpx.DEFAULT_BITRATE = args.bitrate
    use_loopback()
    zero_timestamp_origins()
    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app, socketio_path="socket.io")
    sio.register_namespace(RelayNamespace())
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
