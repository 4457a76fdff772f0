"""python-socketio's server with its packet layer closed to what a hostile client can send.

- Engine.io frames and socket.io packets are decoded defensively: strict JSON (integers of at
  most ``MAX_INT_DIGITS`` digits, nesting at most ``MAX_DEPTH`` deep, no NaN or Infinity), no
  binary packets (the protocol has none), no packet types a client never sends. What does not
  decode is dropped; the libraries would log a full traceback for each (a client could fill the
  disk that way).
- An event must be a list that starts with a short name. Events named like socket.io's own
  (``connect``, ``disconnect``, ``connect_error``) never reach a handler: dispatched, they would
  run the connection handlers again with an environ and auth of the client's choosing.
- Only the websocket transport is served (every client of ours uses it; long-polling would be
  a second decoding path to guard).

Each drop costs one short, rate-limited warning line (:class:`BadPacketLog`); an event that
asked for an acknowledgement is answered with an error.
"""

from __future__ import annotations

import json
from typing import Any

import engineio
import socketio
from engineio import packet as engineio_packet
from engineio.async_drivers import aiohttp as engineio_aiohttp
from socketio import packet

from court.protocol import error
from signaling.bad_packets import BadPacketLog

MAX_INT_DIGITS = 100
"""Longer integers drop the packet; shorter ones reach the payload models, which hold ids to
their bounds (and answer the client why)."""
MAX_DEPTH = 32
MAX_EVENT_NAME = 64
RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error"})
CLIENT_PACKETS = frozenset({packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK})


class BadPacket(ValueError):
    """A packet that does not decode; its message is short and never quotes the packet."""


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise BadPacket(f"an integer of more than {MAX_INT_DIGITS} digits")
    return int(digits)


def _no_constant(name: str) -> Any:
    raise BadPacket(f"{name} is not JSON")


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (list, dict)))
    return False


class StrictJson:
    """The JSON codec of :class:`StrictPacket`."""

    @staticmethod
    def loads(text: str) -> Any:
        try:
            value = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
        except RecursionError:
            raise BadPacket(f"nested more than {MAX_DEPTH} deep") from None
        except json.JSONDecodeError as exc:
            raise BadPacket(f"not JSON ({exc.msg} at {exc.pos})") from None
        if isinstance(value, (list, dict)) and _too_deep(value):
            raise BadPacket(f"nested more than {MAX_DEPTH} deep")
        return value

    dumps = staticmethod(json.dumps)


class StrictPacket(packet.Packet):  # type: ignore[misc]
    json = StrictJson

    def decode(self, encoded_packet: Any) -> int:
        if not isinstance(encoded_packet, str):
            raise BadPacket("a message that is not text")
        try:
            attachments: int = super().decode(encoded_packet)
        except BadPacket:
            raise
        except (ValueError, TypeError, IndexError) as exc:
            raise BadPacket(f"not a socket.io packet ({str(exc)[:60]})") from None
        if self.packet_type not in CLIENT_PACKETS:
            raise BadPacket(f"packet type {str(self.packet_type)[:8]!r}, not sent by clients")
        return attachments


def _event_problem(data: Any) -> tuple[str, str] | None:
    """Why an event packet's data is no event we take, as (error code, reason); None if it is."""
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        return "invalid_payload", "an event that is not [name, ...]"
    if not 0 < len(data[0]) <= MAX_EVENT_NAME:
        return "invalid_payload", f"an event name longer than {MAX_EVENT_NAME} characters"
    if data[0] in RESERVED_EVENTS:
        return "reserved_event", f"an event named {data[0]!r}, a name socket.io reserves"
    return None


class CheckedWebSocket(engineio_aiohttp.WebSocket):  # type: ignore[misc]
    """Engine.io's websocket, handing on only frames engine.io can decode."""

    async def wait(self) -> str | bytes:
        while True:
            frame: str | bytes = await super().wait()
            if isinstance(frame, bytes):
                return frame  # a binary message: socket.io's decoding refuses it
            try:
                decoded = engineio_packet.Packet(encoded_packet=frame)
            except (ValueError, IndexError, RecursionError) as exc:
                problem = f"an engine.io frame that does not decode ({type(exc).__name__})"
            else:
                if 0 <= decoded.packet_type < len(engineio_packet.packet_names):
                    return frame
                problem = f"engine.io packet type {decoded.packet_type}"
            self.server.bad_packets.dropped_packet(problem)


class HearingEngineServer(engineio.AsyncServer):  # type: ignore[misc]
    _async: dict[str, Any]
    """engine.io's driver table (the aiohttp module's, shared: replaced here, not changed)."""

    def __init__(self, bad_packets: BadPacketLog, **options: Any) -> None:
        super().__init__(**options)
        self.bad_packets = bad_packets
        self._async = {**self._async, "websocket": CheckedWebSocket}


class HearingSocketServer(socketio.AsyncServer):  # type: ignore[misc]
    """The server of the `/hearing` namespace (options as ``socketio.AsyncServer``'s)."""

    def __init__(self, **options: Any) -> None:
        self.bad_packets = BadPacketLog()
        super().__init__(
            serializer=StrictPacket,
            transports=["websocket"],
            bad_packets=self.bad_packets,
            **options,
        )

    def _engineio_server_class(self) -> type[HearingEngineServer]:
        return HearingEngineServer

    async def _handle_eio_message(self, eio_sid: str, data: str | bytes) -> None:
        try:
            await super()._handle_eio_message(eio_sid, data)
        except BadPacket as exc:
            self.bad_packets.dropped_packet(str(exc))

    async def _handle_event(
        self, eio_sid: str, namespace: str | None, ack_id: int | None, data: Any
    ) -> None:
        problem = _event_problem(data)
        if problem is None:
            await super()._handle_event(eio_sid, namespace, ack_id, data)
            return
        code, reason = problem
        self.bad_packets.dropped_packet(reason)
        if ack_id is not None:
            reply = error(code, f"the server does not take {reason}")
            await self._send_packet(
                eio_sid,
                self.packet_class(packet.ACK, namespace=namespace or "/", id=ack_id, data=[reply]),
            )
