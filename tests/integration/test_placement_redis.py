"""The placement registry against the real Redis on 127.0.0.1:6379."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from signaling.cluster.placement import Node, NodeLoad, PlacementUnavailable
from signaling.cluster.redis_placement import RedisPlacement

REDIS_URL = "redis://127.0.0.1:6379/0"
TTL = 0.6


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    yield client
    await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


class Fleet:
    """Nodes sharing one registry; each has a settable load."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self.loads: dict[str, NodeLoad] = {}
        self.nodes: list[RedisPlacement] = []

    async def node(self, name: str) -> RedisPlacement:
        placement = RedisPlacement(
            self.redis, Node(name, f"http://{name}.test"), self.prefix, TTL, TTL / 4
        )
        self.loads[name] = NodeLoad(0, (), True)
        await placement.start(self._load_of(name))
        self.nodes.append(placement)
        return placement

    def _load_of(self, name: str) -> Callable[[], NodeLoad]:
        return lambda: self.loads[name]

    async def close(self) -> None:
        for placement in self.nodes:
            await placement.stop()
        keys = [key async for key in self.redis.scan_iter(f"{self.prefix}:*")]
        if keys:
            await self.redis.delete(*keys)


@pytest.fixture
async def fleet(redis: Redis, prefix: str) -> AsyncIterator[Fleet]:
    group = Fleet(redis, prefix)
    yield group
    await group.close()


async def beat() -> None:
    """Long enough for every node to heartbeat at least once."""
    await asyncio.sleep(TTL / 2)


async def test_first_join_places_on_the_least_loaded_node_and_later_joins_follow(
    fleet: Fleet,
) -> None:
    a, b = await fleet.node("a"), await fleet.node("b")
    fleet.loads["a"] = NodeLoad(5, (), True)
    await beat()
    assert (await a.claim(1)).id == "b"  # b carries less
    assert (await b.claim(1)).id == "b"
    fleet.loads["a"] = NodeLoad(0, (), True)
    fleet.loads["b"] = NodeLoad(9, [1], True)
    await beat()
    assert (await a.claim(1)) == Node("b", "http://b.test")  # held: stays where it is
    assert (await b.claim(2)).id == "a"  # a new hearing goes to the quieter node


async def test_a_dead_nodes_hearings_are_placed_again(fleet: Fleet) -> None:
    a, b = await fleet.node("a"), await fleet.node("b")
    assert (await a.claim(7)).id == "a"
    # a dies without a goodbye: its heartbeat stops and its key expires
    a._stopping.set()
    await asyncio.sleep(TTL + 0.3)
    assert (await b.claim(7)).id == "b"


async def test_a_draining_node_gets_no_new_hearings_but_keeps_its_own(fleet: Fleet) -> None:
    a, b = await fleet.node("a"), await fleet.node("b")
    assert (await a.claim(3)).id == "a"
    fleet.loads["a"] = NodeLoad(0, [3], False)
    fleet.loads["b"] = NodeLoad(50, (), True)
    await beat()
    assert (await a.claim(4)).id == "b"
    assert (await b.claim(3)).id == "a"


async def test_release_lets_go_only_of_what_this_node_holds(fleet: Fleet) -> None:
    a, b = await fleet.node("a"), await fleet.node("b")
    assert (await a.claim(5)).id == "a"
    await b.release(5)  # not b's to release
    assert (await b.claim(5)).id == "a"
    await a.release(5)
    fleet.loads["a"] = NodeLoad(3, (), True)
    await beat()
    assert (await b.claim(5)).id == "b"


async def test_registry_wiped_hearings_are_reasserted_by_their_node(
    fleet: Fleet, redis: Redis
) -> None:
    a, b = await fleet.node("a"), await fleet.node("b")
    assert (await a.claim(8)).id == "a"
    fleet.loads["a"] = NodeLoad(2, [8], True)
    keys = [key async for key in redis.scan_iter(f"{fleet.prefix}:*")]
    await redis.delete(*keys)  # as if Redis restarted empty
    await beat()
    assert (await b.claim(8)).id == "a"


async def test_holder_is_the_live_node_holding_the_hearing(fleet: Fleet) -> None:
    a, b = await fleet.node("a"), await fleet.node("b")
    assert await b.holder(9) is None  # never placed
    assert (await a.claim(9)).id == "a"
    assert await b.holder(9) == Node("a", "http://a.test")
    assert await a.holder(9) == Node("a", "http://a.test")
    await a.release(9)
    assert await b.holder(9) is None
    assert (await a.claim(9)).id == "a"
    a._stopping.set()  # a dies: its placement still names it, but it holds nothing any more
    await asyncio.sleep(TTL + 0.3)
    assert await b.holder(9) is None


async def test_unreachable_registry_is_a_clear_error_and_fast() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    placement = RedisPlacement(dead, Node("x", "http://x.test"), "test-dead")
    await placement.start(lambda: NodeLoad(0, (), True))
    try:
        async with asyncio.timeout(3):
            with pytest.raises(PlacementUnavailable, match="unreachable"):
                await placement.claim(1)
            with pytest.raises(PlacementUnavailable, match="unreachable"):
                await placement.holder(1)  # nobody can tell: not "nobody holds it"
    finally:
        await placement.stop()
        await dead.aclose()
