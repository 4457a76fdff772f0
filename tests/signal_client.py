"""A socket.io client of the `/hearing` namespace for tests: records what the server sends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import socketio

from court import protocol

SERVER_EVENTS = tuple(protocol.SERVER_EVENTS)


MAX_MOVES = 2
"""A join is told at most once where its hearing is; twice allows for a node dying meanwhile."""
CALL_TIMEOUT = 30.0
"""Seconds a test waits for an acknowledgement before it fails."""


class SignalClient:
    def __init__(self, url: str) -> None:
        self.url = url
        self.received: dict[str, list[Any]] = {event: [] for event in SERVER_EVENTS}
        self._listeners: dict[str, list[Callable[[Any], None]]] = {}
        self._changed = asyncio.Event()
        self.refusals: list[dict[str, Any]] = []
        """Why connections were refused ({code, message, ...}), oldest first."""
        self.dropped = asyncio.Event()
        """Set when an established connection ends (the server went away, or closed it)."""
        self.sio = self._client()

    def _client(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        sio.on("connect_error", self._refused, namespace="/hearing")
        sio.on("disconnect", lambda *reason: self.dropped.set(), namespace="/hearing")
        for event in SERVER_EVENTS:
            sio.on(event, self._recorder(event), namespace="/hearing")
        return sio

    def _recorder(self, event: str) -> Callable[[Any], None]:
        def record(data: Any) -> None:
            self.received[event].append(data)
            self._changed.set()
            for listener in self._listeners.get(event, []):
                listener(data)

        return record

    def on(self, event: str, listener: Callable[[Any], None]) -> None:
        """Also hand each ``event`` to ``listener``, in the order the server sent them."""
        self._listeners.setdefault(event, []).append(listener)

    async def connect(
        self,
        hearing_id: int,
        invitation: str | None = None,
        cookie: str | None = None,
        offers_first: bool = False,
    ) -> None:
        auth: dict[str, Any] = {"hearing_id": hearing_id, "offers_first": offers_first}
        if invitation is not None:
            auth["invitation"] = invitation
        headers = {"Cookie": f"hs_session={cookie}"} if cookie else {}
        for _ in range(MAX_MOVES + 1):
            try:
                await self.sio.connect(
                    self.url,
                    namespaces=["/hearing"],
                    auth=auth,
                    headers=dict(headers),  # engine.io takes the Cookie header out of it
                    transports=["websocket"],
                    wait_timeout=10,
                )
                return
            except socketio.exceptions.ConnectionError:
                refusal = self.refusals[-1] if self.refusals else {}
                if refusal.get("code") != "moved":
                    raise
                self.url = refusal["node_url"]  # the hearing is held elsewhere: go there
                await self.sio.eio.disconnect()  # closes the refused client's HTTP session
                self.sio = self._client()
        raise RuntimeError(f"moved more than {MAX_MOVES} times: {self.refusals}")

    def _refused(self, error: Any) -> None:
        data = error.get("data") if isinstance(error, dict) else None
        self.refusals.append(data if isinstance(data, dict) else {"message": str(error)})

    async def call(self, event: str, data: Any = None) -> dict[str, Any]:
        """Send an event and return its acknowledgement. Waits up to CALL_TIMEOUT: a close
        stops the recorders and seals the record before it answers, which on a loaded machine
        (two test workers beside browsers and renders) has taken over 10 s."""
        reply: dict[str, Any] = await self.sio.call(
            event, data if data is not None else {}, namespace="/hearing", timeout=CALL_TIMEOUT
        )
        return reply

    @property
    def room(self) -> dict[str, Any]:
        """The latest room view."""
        view: dict[str, Any] = self.received["room"][-1]
        return view

    async def wait_for(
        self, event: str, check: Callable[[Any], bool] = lambda _: True, within: float = 15
    ) -> Any:
        """The first (already or newly) received ``event`` that passes ``check``."""
        async with asyncio.timeout(within):
            while True:
                for data in self.received[event]:
                    if check(data):
                        return data
                self._changed.clear()
                await self._changed.wait()

    @property
    def connected(self) -> bool:
        return bool(self.sio.connected)

    def abort(self) -> None:
        """Drop the connection as a killed process would: no goodbye, the socket just closes."""
        websocket = self.sio.eio.ws
        if websocket is not None:
            websocket._writer.transport.abort()

    async def close(self) -> None:
        await self.sio.disconnect()


async def admit_checked(signal: SignalClient, participant_id: int) -> dict[str, Any]:
    """The bench checks the person's identity (a document read, the server's still; observers
    are not checked) and then admits them, as a criminal trial requires; the reply to
    ``admit``."""
    checked = await signal.call(
        "verify_identity",
        {"participant_id": participant_id, "document_type": "resident_id", "digits": "1234"},
    )
    assert checked.get("ok") is True or checked["error"]["code"] == "not_checked", checked
    return await signal.call("admit", {"participant_id": participant_id})
