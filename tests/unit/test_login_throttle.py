"""Login throttling, in memory and shared through Redis (the real one on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis

from hearing_server.login_throttle import (
    LocalLoginThrottle,
    LoginLimits,
    LoginThrottle,
    RedisLoginThrottle,
)

LIMITS = LoginLimits(per_pair=2, per_address=4, per_account=4, window=1.0)
Advance = Callable[[], Awaitable[None]]


async def check_counting(throttle: LoginThrottle, past_the_window: Advance) -> None:
    """The same rules, whichever implementation keeps the counts."""
    assert [await throttle.admit("a1", "judge") for _ in range(2)] == [0, 0]
    assert 0.9 < await throttle.admit("a1", "judge") <= 1.0  # the pair's limit
    assert await throttle.admit("a1", "clerk") == 0  # other accounts from a1: its own count
    assert await throttle.admit("a2", "judge") == 0
    assert await throttle.admit("a2", "judge") == 0  # 4 admitted on judge: guarded from now
    assert await throttle.admit("a3", "judge") == 0  # a fresh address still gets one try...
    assert await throttle.admit("a3", "judge") > 0  # ...but only one
    # the owner's correct password from their own address passes, however guarded
    assert await throttle.admit("owner", "judge") == 0
    await throttle.succeeded("owner", "judge")
    # one address trying many accounts
    assert [await throttle.admit("a5", f"x{i}") for i in range(4)] == [0] * 4
    assert await throttle.admit("a5", "x9") > 0
    # an address at its limit is refused without counting anything (nor reading the request)
    assert await throttle.address_wait("a5") > 0
    assert await throttle.address_wait("a2") == await throttle.address_wait("nobody") == 0
    # an attempt not checked (the server was busy) is given back
    assert await throttle.admit("a6", "y") == 0
    await throttle.not_checked("a6", "y")
    assert [await throttle.admit("a6", "y") for _ in range(2)] == [0, 0]
    assert await throttle.admit("a6", "y") > 0
    # a success forgets the address's tries on the account
    assert [await throttle.admit("a7", "z") for _ in range(2)] == [0, 0]
    await throttle.succeeded("a7", "z")
    assert await throttle.admit("a7", "z") == 0
    await past_the_window()
    assert [await throttle.admit("a1", "judge") for _ in range(2)] == [0, 0]
    assert await throttle.admit("a5", "x9") == 0
    assert await throttle.address_wait("a1") == 0


async def check_parallel_attempts(throttle: LoginThrottle) -> None:
    """Attempts made at once are each counted before any is answered: no more get through."""
    waits = await asyncio.gather(*(throttle.admit("flood", "judge") for _ in range(50)))
    assert sum(1 for wait in waits if wait == 0) == LIMITS.per_pair


async def test_local_throttle_counts_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("hearing_server.login_throttle.time.monotonic", lambda: clock[0])

    async def advance() -> None:
        clock[0] += LIMITS.window + 0.01

    await check_counting(LocalLoginThrottle(LIMITS), advance)
    await check_parallel_attempts(LocalLoginThrottle(LIMITS))


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1)
    yield client
    await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
async def _clean(redis: Redis, prefix: str) -> AsyncIterator[None]:
    yield
    keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)


async def test_redis_throttle_counts_the_same_way(redis: Redis, prefix: str) -> None:
    async def advance() -> None:
        await asyncio.sleep(LIMITS.window + 0.05)

    await check_counting(RedisLoginThrottle(redis, prefix, LIMITS), advance)
    await check_parallel_attempts(RedisLoginThrottle(redis, prefix + "p", LIMITS))


async def test_a_flood_gets_no_extra_tries_through_redis(prefix: str) -> None:
    """A thousand attempts at once once ran out of Redis connections, and the process's own
    count, consulted then, let as many through again."""
    redis = Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1, socket_timeout=2)
    try:
        throttle = RedisLoginThrottle(redis, prefix, LIMITS)
        waits = await asyncio.gather(*(throttle.admit("flood", "judge") for _ in range(1000)))
        assert sum(1 for wait in waits if wait == 0) == LIMITS.per_pair
    finally:
        await redis.aclose()


async def test_processes_share_one_count(redis: Redis, prefix: str) -> None:
    limits = LoginLimits(per_pair=3, per_address=30, per_account=30, window=60)
    first = RedisLoginThrottle(redis, prefix, limits)
    second = RedisLoginThrottle(redis, prefix, limits)
    assert await first.admit("a", "judge") == 0
    assert await second.admit("a", "judge") == 0
    assert await first.admit("a", "judge") == 0
    assert 59 < await second.admit("a", "judge") <= 60


async def test_without_redis_each_process_still_counts() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    throttle = RedisLoginThrottle(dead, "test", LoginLimits(2, 10, 10, window=60))
    try:
        assert [await throttle.admit("a", "judge") for _ in range(2)] == [0, 0]
        assert await throttle.admit("a", "judge") > 59
        await throttle.succeeded("a", "judge")
        assert await throttle.admit("a", "judge") == 0
    finally:
        await dead.aclose()
