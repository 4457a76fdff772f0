"""Credentials: password hashing, random tokens, who is calling, login throttling.

Staff and terminals hold a session cookie (token in the cookie, hash in the
database, CSRF token for writes). Invited people hold a personal invitation
token, sent as ``Authorization: Invitation <token>``; only its hash is stored.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from court.roles import Role

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random secret, checked when the user is unknown so that a wrong username
    costs the same time as a wrong password. Made once, by `PasswordChecker` at start-up, not
    at import: `hearing-server create-user` imports this module to hash one password."""
    return _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check; False for a wrong password or an unknown user (None)."""
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


class PasswordCheckBusy(Exception):
    """Every password-check thread is taken and the waiting line is full."""


class PasswordChecker:
    """Checks passwords in worker threads (argon2 releases the GIL), at most ``workers`` at a
    time with up to ``queue`` more waiting; beyond that a check is refused at once.

    One argon2id verification costs ~0.1 s of CPU: run on the event loop, a burst of logins
    would stall every hearing's signaling and media; queued without bound, a flood would
    delay everyone's login until it drained.
    """

    def __init__(self, workers: int, queue: int) -> None:
        self._executor = ThreadPoolExecutor(
            workers, thread_name_prefix="password-check", initializer=_yield_to_the_event_loop
        )
        self._capacity = workers + queue
        self._pending = 0
        _dummy_hash()  # now, so that no login waits for it

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """As :func:`verify_password`; raises :class:`PasswordCheckBusy` when full."""
        if self._pending >= self._capacity:
            raise PasswordCheckBusy
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, verify_password, password_hash, password
            )
        finally:
            self._pending -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _yield_to_the_event_loop() -> None:
    """Lower this thread's CPU priority (Linux gives each thread its own nice value), so
    hashing waits for the CPU while the event loop (signaling, media) needs it."""
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def new_token() -> str:
    """A 128-bit random token, URL-safe."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    """What we store for a token. Tokens are random, so a plain SHA-256 is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class PrincipalKind(StrEnum):
    USER = "user"
    TERMINAL = "terminal"
    PARTICIPANT = "participant"


@dataclass(frozen=True)
class Principal:
    """Who is making a request, as established by its credentials."""

    kind: PrincipalKind
    id: int
    role: Role
    name: str
    court_id: int | None = None
    """Staff: the court whose records they work on (None for an administrator of all courts)."""
    centre_id: int | None = None
    """Terminals: their detention centre."""
    hearing_id: int | None = None
    """Invited participants: the one hearing their invitation is for."""
    csrf_token: str | None = None
    """Cookie sessions: the token that unsafe requests must echo in X-CSRF-Token."""

    @property
    def label(self) -> str:
        """How the audit log and timeline name this caller."""
        return f"{self.kind}:{self.id}:{self.name}"
