"""The placement registry in Redis, shared by every server process of one deployment.

Keys (under the deployment's prefix):
- ``node:<id>``: JSON {url, connected, accepting}, written at every heartbeat with a short
  expiry: a node that stops heartbeating (killed, cut off) disappears within ``ttl`` seconds.
- ``nodes``: the set of node ids ever announced (pruned of those whose key expired).
- ``hearing:<id>``: the id of the node holding the hearing. It stays valid while that node's
  key exists; a claim replaces it atomically (one Lua script) once the node is gone.

Redis keeps nothing here that cannot be rebuilt: after Redis restarts empty, each node's next
heartbeat re-announces it and re-asserts the hearings it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from signaling.cluster.placement import Node, NodeLoad, PlacementUnavailable

log = logging.getLogger(__name__)

# KEYS[1] hearing key; ARGV[1] candidate node id, ARGV[2] node key prefix.
# The current holder stays if its node is alive; otherwise the candidate takes the hearing.
_CLAIM = """
local held = redis.call('GET', KEYS[1])
if held and redis.call('EXISTS', ARGV[2] .. held) == 1 then return held end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
"""
# KEYS[1] hearing key; ARGV[1] this node's id: delete only what this node holds.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisPlacement:
    def __init__(
        self,
        redis: Redis,
        node: Node,
        prefix: str = "hs",
        ttl_seconds: float = 3.0,
        heartbeat_seconds: float = 1.0,
    ) -> None:
        self.redis = redis
        self.node = node
        self.ttl_ms = int(ttl_seconds * 1000)
        self.heartbeat_seconds = heartbeat_seconds
        self._node_prefix = f"{prefix}:node:"
        self._nodes = f"{prefix}:nodes"
        self._hearing_prefix = f"{prefix}:hearing:"
        self._load: Callable[[], NodeLoad] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._reachable = True

    async def start(self, load: Callable[[], NodeLoad]) -> None:
        self._load = load
        with contextlib.suppress(RedisError, OSError):
            await self._announce()
        self._task = asyncio.create_task(self._heartbeat())

    async def stop(self) -> None:
        # an event, not Task.cancel(): redis-py may swallow a cancellation mid-command
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        with contextlib.suppress(RedisError, OSError):
            await self.redis.delete(self._node_prefix + self.node.id)
            await self.redis.srem(self._nodes, self.node.id)

    async def claim(self, hearing_id: int) -> Node:
        try:
            nodes = await self._live_nodes()
            if self.node.id not in nodes:  # not announced yet (Redis was away): announce now
                await self._announce()
                nodes = await self._live_nodes()
            holder = await self.redis.eval(
                _CLAIM,
                1,
                self._hearing_prefix + str(hearing_id),
                self._choose(nodes),
                self._node_prefix,
            )
        except (RedisError, OSError) as exc:
            raise PlacementUnavailable(f"the placement registry is unreachable: {exc}") from exc
        holder_id = holder.decode() if isinstance(holder, bytes) else str(holder)
        if holder_id == self.node.id:
            return self.node
        url = nodes.get(holder_id, {}).get("url")
        if not isinstance(url, str):  # it expired between the two calls: ask again
            return await self.claim(hearing_id)
        return Node(holder_id, url)

    async def holder(self, hearing_id: int) -> Node | None:
        try:
            held = await self.redis.get(self._hearing_prefix + str(hearing_id))
            if held is None:
                return None
            holder_id = held.decode() if isinstance(held, bytes) else str(held)
            info = await self.redis.get(self._node_prefix + holder_id)
        except (RedisError, OSError) as exc:
            raise PlacementUnavailable(f"the placement registry is unreachable: {exc}") from exc
        if info is None:  # its node stopped heartbeating: nobody holds the hearing
            return None
        url = json.loads(info).get("url")
        return Node(holder_id, url if isinstance(url, str) else "")

    async def release(self, hearing_id: int) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self.redis.eval(_RELEASE, 1, self._hearing_prefix + str(hearing_id), self.node.id)

    def _choose(self, nodes: dict[str, dict[str, object]]) -> str:
        """The least-loaded node that accepts hearings (this one on a tie); this one if none."""
        accepting = {
            node_id: info for node_id, info in nodes.items() if info.get("accepting") is True
        }
        if not accepting:
            return self.node.id

        def load(node_id: str) -> tuple[int, bool]:
            connected = accepting[node_id].get("connected")
            return (connected if isinstance(connected, int) else 0, node_id != self.node.id)

        return min(accepting, key=load)

    async def _live_nodes(self) -> dict[str, dict[str, object]]:
        ids = sorted(
            m.decode() if isinstance(m, bytes) else str(m)
            for m in await self.redis.smembers(self._nodes)
        )
        if not ids:
            return {}
        values = await self.redis.mget([self._node_prefix + node_id for node_id in ids])
        nodes: dict[str, dict[str, object]] = {}
        gone = []
        for node_id, value in zip(ids, values, strict=True):
            if value is None:
                gone.append(node_id)
            else:
                nodes[node_id] = json.loads(value)
        if gone:
            await self.redis.srem(self._nodes, *gone)
        return nodes

    async def _announce(self) -> None:
        load = self._load() if self._load is not None else NodeLoad(0, (), True)
        info = {"url": self.node.url, "connected": load.connected, "accepting": load.accepting}
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(self._node_prefix + self.node.id, json.dumps(info), px=self.ttl_ms)
            pipe.sadd(self._nodes, self.node.id)
            for hearing_id in load.held:
                pipe.set(self._hearing_prefix + str(hearing_id), self.node.id, nx=True)
            await pipe.execute()

    async def _heartbeat(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._announce()
                if not self._reachable:
                    log.info("placement registry reachable again")
                self._reachable = True
            except (RedisError, OSError) as exc:
                if self._reachable:
                    log.warning("placement registry unreachable (%s); running hearings go on", exc)
                self._reachable = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.heartbeat_seconds)
