"""One headless participant of the load generator in a Janus VideoRoom (bench/janus_server.py).

Media and counting are bench/participant.py's; only the signaling differs: Janus' HTTP API,
with events fetched by long-polling the session. Each participant has two plugin handles, as
Janus' own clients do, each with its peer connection:

* a publisher handle joins the room with the participant's id as its feed id and, unless the
  seat only receives, publishes the clip (the participant offers, Janus answers). The `joined`
  event and later `publishers` events name the feeds of the others;
* a subscriber handle is one multistream subscription (Janus 1.x) to all of them: `join` as a
  subscriber with the first feeds, `subscribe` for those that come later. Each time Janus
  offers the streams and the participant answers with `start`; one change at a time.

With a simulcast clip (bench/simulcast.py) the publisher offers its layers lowest first, which
it tells Janus with the JSEP's `rid_order` ("lmh"), and the subscriber asks for the best layer
of each video it gets (`configure` with `substream` 2).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Coroutine
from typing import Any

import aiohttp
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from bench.clip import Clip
from bench.participant import BaseParticipant, Seat

PLUGIN = "janus.plugin.videoroom"
EVENT_TIMEOUT = 20.0
POLL_EVENTS = 10
"""Events returned by one long poll at most."""
SUBSTREAM = 2
"""The simulcast layer a subscriber asks for: the best of three."""


class JanusParticipant(BaseParticipant):
    def __init__(
        self, url: str, room: int, seat: Seat, clip: Clip, fingerprints: dict[bytes, int]
    ) -> None:
        super().__init__(seat, clip, fingerprints)
        self.url = url + "/janus"
        self.room = room
        self.publishing = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.receiving = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self._receive(self.receiving)
        self._http: aiohttp.ClientSession | None = None
        self._session = ""
        """The session's URL."""
        self._publisher = self._subscriber = 0
        """Handle ids."""
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        """Transaction -> the plugin event that will answer it."""
        self._feeds: set[int] = set()
        """Feeds subscribed to (or being subscribed to)."""
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._failure: BaseException | None = None

    async def join(self) -> None:
        self.connected_at = time.monotonic()
        self._http = aiohttp.ClientSession()
        created = await self._request(self.url, {"janus": "create"})
        self._session = f"{self.url}/{created['data']['id']}"
        self._spawn(self._poll())
        self._publisher = await self._attach()
        self._subscriber = await self._attach()
        joined = await self._message(
            self._publisher,
            {
                "request": "join",
                "ptype": "publisher",
                "room": self.room,
                "id": self.seat.participant_id,
            },
        )
        if self.seat.publishes:
            self._add_clip(self.publishing)
            await self.publishing.setLocalDescription(await self.publishing.createOffer())
            jsep = self._jsep(self.publishing)
            jsep["sdp"] = self._offer(self.publishing)
            if self.clip.lower:
                jsep["rid_order"] = "lmh"  # Janus takes the first rid for the best layer
            published = await self._message(self._publisher, {"request": "publish"}, jsep)
            await self.publishing.setRemoteDescription(_description(published))
            self._published(self.publishing, published["jsep"]["sdp"])
        await self._subscribe(joined)

    def video_streams_flowing(self) -> int:
        if self._failure is not None:  # stop the run with the reason, not a time-out
            raise self._failure
        return super().video_streams_flowing()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        async with self._lock:  # not in the middle of answering an offer
            if self._http is not None:
                if self._session:
                    with contextlib.suppress(aiohttp.ClientError, RuntimeError):
                        await self._request(self._session, {"janus": "destroy"})
                await self._http.close()
            await self.publishing.close()
            await self.receiving.close()

    async def _subscribe(self, event: dict[str, Any]) -> None:
        """Receive the feeds that a publisher handle's event names, if not received yet."""
        data = event["plugindata"]["data"]
        feeds = [p["id"] for p in data.get("publishers", [])]
        async with self._lock:
            new = [feed for feed in feeds if feed not in self._feeds]
            if not new:
                return
            streams = [{"feed": feed} for feed in new]
            if self._feeds:
                body: dict[str, Any] = {"request": "subscribe", "streams": streams}
            else:
                body = {"request": "join", "ptype": "subscriber", "room": self.room}
                body["streams"] = streams
            self._feeds.update(new)
            offered = await self._message(self._subscriber, body)
            videos = []
            for stream in offered["plugindata"]["data"]["streams"]:
                if "feed_id" in stream:
                    self._owners[stream["mid"]] = stream["feed_id"]
                    if stream.get("type") == "video":
                        videos.append(stream["mid"])
            await self.receiving.setRemoteDescription(_description(offered))
            await self.receiving.setLocalDescription(await self.receiving.createAnswer())
            await self._message(self._subscriber, {"request": "start"}, self._jsep(self.receiving))
            if self.clip.lower and videos:  # simulcast: the best layer of each new video
                streams = [{"mid": mid, "substream": SUBSTREAM} for mid in videos]
                await self._message(self._subscriber, {"request": "configure", "streams": streams})

    async def _poll(self) -> None:
        assert self._http is not None
        while True:
            params = {"maxev": POLL_EVENTS}
            async with self._http.get(self._session, params=params) as response:
                events = await response.json()
            for event in events if isinstance(events, list) else [events]:
                waiting = self._waiting.pop(event.get("transaction", ""), None)
                if waiting is not None:
                    waiting.set_result(event)
                elif event.get("sender") == self._publisher and event["janus"] == "event":
                    self._spawn(self._subscribe(event))  # someone else began to publish

    async def _attach(self) -> int:
        attached = await self._request(self._session, {"janus": "attach", "plugin": PLUGIN})
        handle: int = attached["data"]["id"]
        return handle

    async def _message(
        self, handle: int, body: dict[str, Any], jsep: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send a request to the plugin; return the event that answers it."""
        transaction = secrets.token_hex(8)
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[transaction] = answer
        message: dict[str, Any] = {"janus": "message", "body": body}
        if jsep is not None:
            message["jsep"] = jsep
        try:
            await self._request(f"{self._session}/{handle}", message, transaction)
            event = await asyncio.wait_for(answer, EVENT_TIMEOUT)
        finally:
            self._waiting.pop(transaction, None)
        data = event.get("plugindata", {}).get("data", {})
        if "error" in data:
            raise RuntimeError(f"feed {self.seat.participant_id}: {body['request']}: {data}")
        return event

    async def _request(
        self, url: str, request: dict[str, Any], transaction: str | None = None
    ) -> dict[str, Any]:
        assert self._http is not None
        request["transaction"] = transaction or secrets.token_hex(8)
        async with self._http.post(url, json=request) as response:
            reply: dict[str, Any] = await response.json()
        if reply["janus"] == "error":
            raise RuntimeError(f"feed {self.seat.participant_id}: {request['janus']}: {reply}")
        return reply

    @staticmethod
    def _jsep(pc: RTCPeerConnection) -> dict[str, Any]:
        description = pc.localDescription
        return {"type": description.type, "sdp": description.sdp, "trickle": False}

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self._failure is None:
            self._failure = task.exception()


def _description(event: dict[str, Any]) -> RTCSessionDescription:
    jsep = event["jsep"]
    return RTCSessionDescription(jsep["sdp"], jsep["type"])
