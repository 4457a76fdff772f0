"""Login throttling that a guesser cannot turn into a lockout of the account's owner.

Every attempt is counted before its password is checked (so parallel guesses cannot slip past
the limit while earlier ones are still being hashed), in fixed windows of ``window`` seconds:

- per address and account: ``per_pair`` attempts; a success forgets them;
- per address: ``per_address`` attempts on any accounts, refused ones included (one address
  trying many names, or flooding: past it, its logins are refused before they are read);
- per account, from every address: once ``per_account`` attempts are on it, the account is
  *guarded*: each address gets one attempt on it per window instead of ``per_pair``.

No count ever refuses an address that has not tried the account itself, so nobody can lock a
judge out by guessing their name: the owner's correct password from their own address still
passes, however many other addresses are guessing. A guessing botnet gets one try per
address (per IPv6 /64: see ``hearing_server.client_address``) and window. Successes and attempts
the server did not get to check are given back.

With one process the counts live in memory; with several (``redis_url``) in Redis, counted by
one script per attempt, so adding processes does not multiply anyone's tries. If Redis is away,
each process falls back to its own counts rather than letting everyone through or locking
everyone out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginLimits:
    per_pair: int
    per_address: int
    per_account: int
    window: float


class LoginThrottle(Protocol):
    async def admit(self, address: str, account: str) -> float:
        """Count an attempt on ``account`` from ``address``: 0 if its password may be
        checked, else the seconds until this address may try the account again."""
        ...

    async def address_wait(self, address: str) -> float:
        """Seconds until ``address`` may try any account again (0: now); counts nothing, so
        a flood from one address is refused before its requests cost anything more."""
        ...

    async def succeeded(self, address: str, account: str) -> None:
        """The admitted attempt was right: forget this address's tries on the account."""
        ...

    async def not_checked(self, address: str, account: str) -> None:
        """The admitted attempt was not checked after all (the server was busy): give it back."""
        ...


def _keys(address: str, account: str) -> tuple[str, str, str]:
    return f"pair:{address}|{account}", f"addr:{address}", f"acct:{account}"


class LocalLoginThrottle:
    """One process's counts, in memory."""

    def __init__(self, limits: LoginLimits) -> None:
        self.limits = limits
        # key -> (count, expiry); every window is as long, so insertion order is expiry order
        self._counts: OrderedDict[str, tuple[int, float]] = OrderedDict()

    async def admit(self, address: str, account: str) -> float:
        now = time.monotonic()
        self._forget_expired(now)
        pair, addr, acct = _keys(address, account)
        guarded = self._count(acct) >= self.limits.per_account
        pair_count, addr_count = self._bump(pair, now), self._bump(addr, now)
        if pair_count > (1 if guarded else self.limits.per_pair):
            return self._counts[pair][1] - now
        if addr_count > self.limits.per_address:
            return self._counts[addr][1] - now
        self._bump(acct, now)
        return 0.0

    async def address_wait(self, address: str) -> float:
        now = time.monotonic()
        count, expiry = self._counts.get(_keys(address, "")[1], (0, now))
        return expiry - now if count >= self.limits.per_address and expiry > now else 0.0

    async def succeeded(self, address: str, account: str) -> None:
        pair, addr, acct = _keys(address, account)
        self._counts.pop(pair, None)
        self._give_back(addr)
        self._give_back(acct)

    async def not_checked(self, address: str, account: str) -> None:
        for key in _keys(address, account):
            self._give_back(key)

    def _count(self, key: str) -> int:
        entry = self._counts.get(key)
        return 0 if entry is None else entry[0]

    def _bump(self, key: str, now: float) -> int:
        count, expiry = self._counts.get(key, (0, now + self.limits.window))
        self._counts[key] = (count + 1, expiry)
        return count + 1

    def _give_back(self, key: str) -> None:
        entry = self._counts.get(key)
        if entry is not None and entry[0] > 0:
            self._counts[key] = (entry[0] - 1, entry[1])

    def _forget_expired(self, now: float) -> None:
        while self._counts:
            key, (_, expiry) = next(iter(self._counts.items()))
            if expiry > now:
                return
            del self._counts[key]


# KEYS: pair, address, account. ARGV: window (ms), per_pair, per_address, per_account.
# Returns 0 (admitted) or the milliseconds to wait.
_ADMIT = """
local function bump(key)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  return n
end
local function wait(key)
  return math.max(redis.call('PTTL', key), 1)
end
local pair_limit = tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[4]) then pair_limit = 1 end
local pair, address = bump(KEYS[1]), bump(KEYS[2])
if pair > pair_limit then return wait(KEYS[1]) end
if address > tonumber(ARGV[3]) then return wait(KEYS[2]) end
bump(KEYS[3])
return 0
"""

# KEYS: address. ARGV: per_address. Returns 0 or the milliseconds to wait.
_ADDRESS_WAIT = """
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then return 0 end
return math.max(redis.call('PTTL', KEYS[1]), 1)
"""

# KEYS: pair, address, account. ARGV: 1 to forget the pair (a success), 0 to give it back.
_RELEASE = """
if ARGV[1] == '1' then redis.call('DEL', KEYS[1]) end
for i = tonumber(ARGV[1]) + 1, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
"""


class RedisLoginThrottle:
    """Every process's counts, in Redis: one script call per attempt.

    This process counts every attempt it sees in memory too, and answers from that count
    when Redis fails: so a flood that exhausts Redis connections gets no extra tries here.
    At most ``concurrency`` calls are made at once; a flood waits its turn instead of
    opening a connection per request."""

    def __init__(
        self, redis: Redis, prefix: str, limits: LoginLimits, concurrency: int = 16
    ) -> None:
        self.redis = redis
        self.prefix = f"{prefix}:login:"
        self.limits = limits
        self.fallback = LocalLoginThrottle(limits)
        self._calls = asyncio.Semaphore(concurrency)
        self._admit = redis.register_script(_ADMIT)
        self._release = redis.register_script(_RELEASE)
        self._address_wait = redis.register_script(_ADDRESS_WAIT)

    async def admit(self, address: str, account: str) -> float:
        limits = self.limits
        local_wait = await self.fallback.admit(address, account)
        try:
            async with self._calls:
                wait_ms = await self._admit(
                    keys=self._names(address, account),
                    args=[
                        max(1, int(limits.window * 1000)),
                        limits.per_pair,
                        limits.per_address,
                        limits.per_account,
                    ],
                )
            return int(wait_ms) / 1000
        except (RedisError, OSError) as exc:
            log.warning("login throttle falls back to this process's count: %s", exc)
            return local_wait

    async def address_wait(self, address: str) -> float:
        try:
            name = self.prefix + _keys(address, "")[1]
            async with self._calls:
                wait_ms = await self._address_wait(keys=[name], args=[self.limits.per_address])
            return int(wait_ms) / 1000
        except (RedisError, OSError) as exc:
            log.warning("login throttle falls back to this process's count: %s", exc)
            return await self.fallback.address_wait(address)

    async def succeeded(self, address: str, account: str) -> None:
        await self.fallback.succeeded(address, account)
        await self._give_back(address, account, forget_pair=True)

    async def not_checked(self, address: str, account: str) -> None:
        await self.fallback.not_checked(address, account)
        await self._give_back(address, account, forget_pair=False)

    def _names(self, address: str, account: str) -> list[str]:
        return [self.prefix + key for key in _keys(address, account)]

    async def _give_back(self, address: str, account: str, *, forget_pair: bool) -> None:
        try:
            async with self._calls:
                await self._release(keys=self._names(address, account), args=[int(forget_pair)])
        except (RedisError, OSError) as exc:
            log.warning("could not give back a login attempt in Redis: %s", exc)
