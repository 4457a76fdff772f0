"""A socket.io client that writes engine.io frames by hand, to send what no library would."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp

NAMESPACE = "/hearing"


class RawSocket:
    """One engine.io websocket; every text frame the server sent is kept in ``frames``."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[str] = []
        self._arrived = asyncio.Condition()
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def open(
        cls, session: aiohttp.ClientSession, url: str, cookie: str | None = None
    ) -> RawSocket:
        headers = {"Cookie": f"hs_session={cookie}"} if cookie else {}
        ws = await session.ws_connect(
            f"{url}/socket.io/?EIO=4&transport=websocket", headers=headers
        )
        socket = cls(ws)
        await socket.wait_frame(lambda f: f.startswith("0{"))  # engine.io's open packet
        return socket

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            if message.data == "2":  # engine.io ping
                await self.ws.send_str("3")
                continue
            async with self._arrived:
                self.frames.append(message.data)
                self._arrived.notify_all()

    @property
    def closed(self) -> bool:
        return self.ws.closed or self._reader.done()

    async def send(self, frame: str | bytes) -> None:
        if isinstance(frame, bytes):
            await self.ws.send_bytes(frame)
        else:
            await self.ws.send_str(frame)

    async def wait_frame(
        self, check: Callable[[str], bool], within: float = 5, since: int = 0
    ) -> str:
        """The first frame from the ``since``-th on (received or yet to come) passing ``check``."""
        async with asyncio.timeout(within), self._arrived:
            while True:
                for frame in self.frames[since:]:
                    if check(frame):
                        return frame
                await self._arrived.wait()

    async def join(self, auth: Any) -> tuple[str, Any]:
        """Connect to the namespace: ("connected", {sid}) or ("refused", connect_error data)."""
        since = len(self.frames)
        await self.send(f"40{NAMESPACE}," + json.dumps(auth))
        frame = await self.wait_frame(
            lambda f: f.startswith((f"40{NAMESPACE},", f"44{NAMESPACE},")), since=since
        )
        data = json.loads(frame[len(NAMESPACE) + 3 :])
        return ("connected" if frame.startswith("40") else "refused", data)

    async def call(self, ack_id: int, *args: Any) -> Any:
        """Emit an event (its name is the first of ``args``) and return its acknowledgement."""
        await self.send(f"42{NAMESPACE},{ack_id}" + json.dumps(list(args)))
        return await self.ack(ack_id)

    async def ack(self, ack_id: int, within: float = 5) -> Any:
        prefix = f"43{NAMESPACE},{ack_id}["
        frame = await self.wait_frame(lambda f: f.startswith(prefix), within)
        values = json.loads(frame[len(prefix) - 1 :])
        return values[0] if values else None

    def events(self, name: str) -> list[Any]:
        """The payloads of the server events ``name`` received so far."""
        prefix = f"42{NAMESPACE},"
        found = []
        for frame in self.frames:
            if frame.startswith(prefix):
                event = json.loads(frame[len(prefix) :])
                if event[0] == name:
                    found.append(event[1] if len(event) > 1 else None)
        return found

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
