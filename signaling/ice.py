"""ICE servers: what the server's own peer connections use, and what each client is handed.

With a TURN shared secret configured, every client gets its own time-limited TURN credential in
the TURN REST-API scheme that coturn checks with ``use-auth-secret``: the username is
``<expiry unix time>:<participant key>`` and the password is base64(HMAC-SHA1(secret, username)).
A leaked credential then opens the relay for one person until it expires, not for everyone for
ever as a static TURN password would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiortc import RTCIceServer


@dataclass(frozen=True)
class TurnRest:
    """A TURN server (or several URLs of one) that shares ``secret`` with this server."""

    urls: Sequence[str]
    secret: str
    ttl_seconds: int

    def credential(self, key: str, now: float) -> tuple[str, str]:
        """(username, password) for ``key`` valid until ``now + ttl_seconds``."""
        username = f"{int(now) + self.ttl_seconds}:{key}"
        digest = hmac.new(self.secret.encode(), username.encode(), hashlib.sha1).digest()
        return username, base64.b64encode(digest).decode()


@dataclass(frozen=True)
class IceConfig:
    """The configured STUN/TURN servers, plus an optional TURN REST secret."""

    servers: Sequence[RTCIceServer] = ()
    turn: TurnRest | None = None
    clock: Callable[[], float] = field(default=time.time, compare=False)

    def for_client(self, key: str) -> list[dict[str, Any]]:
        """The ``iceServers`` a client (browser or headless) gets, in RTCIceServer's shape."""
        listed: list[dict[str, Any]] = [
            {"urls": s.urls, "username": s.username, "credential": s.credential}
            for s in self.servers
        ]
        if self.turn is not None:
            username, password = self.turn.credential(key, self.clock())
            listed.append(
                {"urls": list(self.turn.urls), "username": username, "credential": password}
            )
        return listed
