"""Failed-login throttling: at most ``attempts`` failures per key within ``window`` seconds.

Keys are the client address and the account, each throttled separately, so neither guessing
many passwords for one account nor one address guessing many accounts gets far. With one
process the count lives in memory; with several (``redis_url``) it lives in Redis, so adding
processes does not multiply an attacker's tries. If Redis is away, each process falls back to
its own count rather than letting everyone through or locking everyone out.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class LoginThrottle(Protocol):
    async def retry_after(self, *keys: str) -> float:
        """Seconds until a login for these keys may be tried again (0: now)."""
        ...

    async def failed(self, *keys: str) -> None: ...

    async def succeeded(self, key: str) -> None:
        """A login for ``key`` (the account) succeeded: its failures are forgotten."""
        ...


class LocalLoginThrottle:
    """One process's view, in memory."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    async def retry_after(self, *keys: str) -> float:
        now = time.monotonic()
        wait = 0.0
        for key in keys:
            failures = self._failures.get(key)
            if failures is None:
                continue
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if not failures:
                del self._failures[key]
            elif len(failures) >= self.attempts:
                wait = max(wait, failures[0] + self.window - now)
        return wait

    async def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)

    async def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)


class RedisLoginThrottle:
    """Every process's view: one sorted set of failure times per key, expiring with the window."""

    def __init__(self, redis: Redis, prefix: str, attempts: int, window: float) -> None:
        self.redis = redis
        self.prefix = f"{prefix}:login-failures:"
        self.attempts = attempts
        self.window = window
        self.fallback = LocalLoginThrottle(attempts, window)

    async def retry_after(self, *keys: str) -> float:
        try:
            now = time.time()
            wait = 0.0
            for key in keys:
                name = self.prefix + key
                await self.redis.zremrangebyscore(name, 0, now - self.window)
                if await self.redis.zcard(name) < self.attempts:
                    continue
                oldest = await self.redis.zrange(name, 0, 0, withscores=True)
                if oldest:
                    wait = max(wait, float(oldest[0][1]) + self.window - now)
            return wait
        except (RedisError, OSError) as exc:
            log.warning("login throttle falls back to this process's count: %s", exc)
            return await self.fallback.retry_after(*keys)

    async def failed(self, *keys: str) -> None:
        await self.fallback.failed(*keys)
        try:
            now = time.time()
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    name = self.prefix + key
                    pipe.zadd(name, {f"{now:.6f}:{secrets.token_hex(4)}": now})  # unique members
                    pipe.expire(name, int(self.window) + 1)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("a failed login was counted in this process only: %s", exc)

    async def succeeded(self, key: str) -> None:
        await self.fallback.succeeded(key)
        try:
            await self.redis.delete(self.prefix + key)
        except (RedisError, OSError) as exc:
            log.warning("could not clear login failures in Redis: %s", exc)
