"""How socket.io messages reach clients connected to other processes.

One process: python-socketio's in-memory manager. Several: its Redis manager, so an emit to a
room (for instance a court notice to everyone in a hearing) reaches the room's members on every
process. An emit to one connection of this process is delivered directly and never waits on
Redis: a hearing's own signaling (all its members connect to the node that holds it) keeps
working while Redis is away.
"""

from __future__ import annotations

from typing import Any

import socketio


class LocalFirstRedisManager(socketio.AsyncRedisManager):  # type: ignore[misc]
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


def socket_manager(redis_url: str | None, prefix: str) -> socketio.AsyncManager:
    if redis_url is None:
        return socketio.AsyncManager()
    return LocalFirstRedisManager(redis_url, channel=f"{prefix}:socketio")
