"""Failed-login throttling, in memory and shared through Redis (the real one on 127.0.0.1)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from hearing_server.login_throttle import LocalLoginThrottle, LoginThrottle, RedisLoginThrottle


async def check_counting(throttle: LoginThrottle, clock: list[float]) -> None:
    await throttle.failed("ip:1", "user:a")
    assert await throttle.retry_after("ip:1", "user:a") == 0
    await throttle.failed("ip:1", "user:b")
    # the address is blocked for every account; one failure on user:a is under the limit
    assert await throttle.retry_after("ip:1", "user:c") == pytest.approx(60, abs=0.01)
    assert await throttle.retry_after("ip:2", "user:a") == 0
    clock[0] += 30
    assert await throttle.retry_after("ip:1") == pytest.approx(30, abs=0.01)
    clock[0] += 31
    assert await throttle.retry_after("ip:1") == 0
    await throttle.failed("ip:3", "user:z")
    await throttle.succeeded("user:z")
    await throttle.failed("ip:4", "user:z")
    assert await throttle.retry_after("user:z") == 0


async def test_local_throttle_counts_failures_per_key(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("hearing_server.login_throttle.time.monotonic", lambda: clock[0])
    await check_counting(LocalLoginThrottle(attempts=2, window=60), clock)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1)
    yield client
    await client.aclose()


async def test_redis_throttle_counts_the_same_way(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_800_000_000.0]
    monkeypatch.setattr("hearing_server.login_throttle.time.time", lambda: clock[0])
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    try:
        await check_counting(RedisLoginThrottle(redis, prefix, attempts=2, window=60), clock)
    finally:
        keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)


async def test_processes_share_one_count(redis: Redis) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    first = RedisLoginThrottle(redis, prefix, attempts=3, window=60)
    second = RedisLoginThrottle(redis, prefix, attempts=3, window=60)
    try:
        await first.failed("user:judge")
        await second.failed("user:judge")
        await first.failed("user:judge")
        assert 59 < await second.retry_after("user:judge") <= 60
    finally:
        await redis.delete(f"{prefix}:login-failures:user:judge")


async def test_without_redis_each_process_still_counts() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    throttle = RedisLoginThrottle(dead, "test", attempts=2, window=60)
    try:
        await throttle.failed("ip:9")
        assert await throttle.retry_after("ip:9") == 0
        await throttle.failed("ip:9")
        assert await throttle.retry_after("ip:9") > 59
    finally:
        await dead.aclose()
