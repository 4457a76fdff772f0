"""Short-lived signed links to an archive video, for a browser's <video> element.

A media element fetches its source itself, without an Authorization header (and, on another
origin, without cookies), and seeks with Range requests of its own. So a caller who may
retrieve a recording asks for a link: the recording id, who asked and an expiry a few minutes
away, signed with HMAC-SHA256 under a key derived from the server's signing key. Presented to
the streaming endpoint the link stands for its holder's credentials: the same access rules are
checked again at each use (a grant withdrawn meanwhile ends it) and each use is audited under
that person's name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from cryptography.hazmat.primitives import serialization
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.api.errors import ApiError
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.identity import holder_principal
from recording.seal import load_or_create_key

LINK_SECONDS = 300
"""How long a link works: long enough to start watching; a player that seeks after that gets
403 and asks for a fresh link."""
_HOLDER = re.compile(r"(user|participant):([1-9]\d{0,9})")


@lru_cache(maxsize=4)
def _secret(key_path: Path, modified: float) -> bytes:
    """The HMAC key: derived from the Ed25519 signing key, so there is no other secret to
    keep (a new signing key also ends every link)."""
    raw = load_or_create_key(key_path).private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return hashlib.sha256(b"hearing-server archive links\0" + raw).digest()


def secret(key_path: Path) -> bytes:
    """Blocking (reads, and on first use makes, the key file)."""
    if not key_path.exists():
        load_or_create_key(key_path)
    return _secret(key_path, key_path.stat().st_mtime)


def holder(who: Principal) -> str:
    return f"{who.kind.value}:{who.id}"


def signature(key: bytes, recording_id: int, by: str, expires: int) -> str:
    message = f"archive\0{recording_id}\0{by}\0{expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_query(key: bytes, recording_id: int, who: Principal, now: float) -> tuple[str, int]:
    """The query string of a link for ``who``, and when it expires (UNIX seconds)."""
    expires = int(now) + LINK_SECONDS
    by = holder(who)
    query = urlencode(
        {"by": by, "expires": expires, "signature": signature(key, recording_id, by, expires)}
    )
    return query, expires


def check(
    key: bytes,
    recording_id: int,
    by: str | None,
    expires: int | None,
    given: str | None,
    now: float | None = None,
) -> re.Match[str]:
    """The holder named by a valid link; 403 (saying which) for a tampered, partial or
    expired one."""
    if by is None or expires is None or given is None:
        raise ApiError(403, "link_invalid", "a signed link needs all of by, expires and signature")
    match = _HOLDER.fullmatch(by)
    expected = signature(key, recording_id, by, expires)
    if match is None or not hmac.compare_digest(expected.encode(), given.encode()):
        raise ApiError(
            403,
            "link_invalid",
            "this link is not valid for this recording (it was changed or made for another); "
            "open the recording again for a new one",
        )
    if expires <= (time.time() if now is None else now):
        at = datetime.fromtimestamp(expires, UTC).isoformat()
        raise ApiError(
            403,
            "link_expired",
            f"this link expired at {at}; open the recording again for a new one",
        )
    return match


async def link_principal(db: AsyncSession, match: re.Match[str]) -> Principal:
    """Who the link was made for, as they are now (a deactivated account, or an invitation
    withdrawn or expired, has no links)."""
    who = await holder_principal(db, PrincipalKind(match.group(1)), int(match.group(2)))
    if who is None:
        raise ApiError(403, "link_invalid", "whoever this link was made for can no longer use it")
    return who
