"""How socket.io messages reach clients connected to other processes, and how a process tells
the live hearings of every process something.

One process: python-socketio's in-memory manager. Several: its Redis manager, so an emit to a
room (for instance a court notice to everyone in a hearing) reaches the room's members on every
process. An emit to one connection of this process is delivered directly and never waits on
Redis: a hearing's own signaling (all its members connect to the node that holds it) keeps
working while Redis is away.

Commands (for instance "end this participant's connection: their invitation was withdrawn") go
to the live hearings of every process, this one included, on the same Redis channel as the
socket.io messages; each process acts on the hearings it holds and ignores the rest.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import socketio

log = logging.getLogger(__name__)

Command = dict[str, Any]
"""A JSON object for the live hearings (see ``LiveHearings.command``)."""
CommandHandler = Callable[[Command], Awaitable[None]]

_COMMAND = "live_hearings_command"
"""The pubsub method of commands, one python-socketio's own listener does not know (and skips)."""


class _Commands:
    on_command: CommandHandler | None = None
    """Set by the composition root: where this process's live hearings take commands."""

    async def _run(self, command: Any) -> None:
        if self.on_command is None or not isinstance(command, dict):
            return
        try:
            await self.on_command(command)
        except Exception:  # one bad command must not stop the listener or fail the sender
            log.exception("live hearing command %s failed", command.get("kind"))


class LocalManager(socketio.AsyncManager, _Commands):  # type: ignore[misc]
    async def command(self, command: Command) -> None:
        """Deliver ``command`` to this process's live hearings (the only ones)."""
        await self._run(command)


class LocalFirstRedisManager(socketio.AsyncRedisManager, _Commands):  # type: ignore[misc]
    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str | None = None,
        room: str | None = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: str | None = None,
        **kwargs: Any,
    ) -> Any:
        target = to or room
        if target is not None and self.is_connected(target, namespace or "/"):
            kwargs["ignore_queue"] = True
        return await super().emit(
            event,
            data,
            namespace=namespace,
            room=target,
            skip_sid=skip_sid,
            callback=callback,
            **kwargs,
        )

    async def command(self, command: Command) -> None:
        """Deliver ``command`` to the live hearings of every process: here at once (Redis or
        not), elsewhere through Redis."""
        await self._run(command)
        await self._publish({"method": _COMMAND, "host_id": self.host_id, "command": command})

    async def _listen(self) -> AsyncIterator[Any]:
        """The Redis manager's messages, with the commands taken out and run."""
        async for message in super()._listen():
            try:
                data = self.json.loads(message)
            except (TypeError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("method") == _COMMAND:
                if data.get("host_id") != self.host_id:
                    await self._run(data.get("command"))
                continue
            yield message


def socket_manager(redis_url: str | None, prefix: str) -> socketio.AsyncManager:
    if redis_url is None:
        return LocalManager()
    return LocalFirstRedisManager(redis_url, channel=f"{prefix}:socketio")


async def tell_live_hearings(server: socketio.AsyncServer, command: Command) -> None:
    """Deliver ``command`` to the live hearings of every process (each acts on its own)."""
    await server.manager.command(command)
