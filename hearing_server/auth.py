"""Credentials: password hashing, random tokens, who is calling, login throttling.

Staff and terminals hold a session cookie (token in the cookie, hash in the
database, CSRF token for writes). Invited people hold a personal invitation
token, sent as ``Authorization: Invitation <token>``; only its hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from signaling.roles import Role

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash of a random secret, checked when the user is unknown so that a wrong
# username costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check; False for a wrong password or an unknown user (None)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


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
