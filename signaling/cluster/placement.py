"""Which process (node) holds each hearing's media.

A hearing's peer connections all live in one process. With one process that is always this one
(`LocalPlacement`); with several, a registry shared through Redis
(`signaling.cluster.redis_placement`) maps hearing -> node, nodes announce themselves with
heartbeats that expire, and the first join places a hearing on the least-loaded live node. A
join that reaches another node is told where to connect instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Node:
    """A server process: its id (new at every start) and the URL clients connect to."""

    id: str
    url: str


@dataclass(frozen=True)
class NodeLoad:
    """What this process tells the others in its heartbeat."""

    connected: int
    """People connected to hearings held here."""
    held: Iterable[int]
    """Hearings held here that someone is connected to (re-asserted if the registry lost them)."""
    accepting: bool
    """False while draining: no new hearing is placed here."""


class PlacementUnavailable(Exception):
    """The registry cannot be reached: no hearing can be placed until it is back."""


class Placement(Protocol):
    node: Node

    async def claim(self, hearing_id: int) -> Node:
        """The node that holds the hearing, placing it (least-loaded live node) if none does."""
        ...

    async def release(self, hearing_id: int) -> None:
        """This node no longer holds the hearing (closed, or the server stops)."""
        ...

    async def holder(self, hearing_id: int) -> Node | None:
        """The live node that holds the hearing now, None if none does (never placed,
        released, or its node is gone). Raises `PlacementUnavailable` if nobody can tell."""
        ...

    async def start(self, load: Callable[[], NodeLoad]) -> None:
        """Begin announcing this node; ``load`` is read at every heartbeat."""
        ...

    async def stop(self) -> None: ...


class LocalPlacement:
    """One process: every hearing is held here."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._held: set[int] = set()

    async def claim(self, hearing_id: int) -> Node:
        self._held.add(hearing_id)
        return self.node

    async def release(self, hearing_id: int) -> None:
        self._held.discard(hearing_id)

    async def holder(self, hearing_id: int) -> Node | None:
        return self.node if hearing_id in self._held else None

    async def start(self, load: Callable[[], NodeLoad]) -> None:
        return None

    async def stop(self) -> None:
        return None
