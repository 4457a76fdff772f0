"""Short-lived signed links to an archive video, for a browser's <video> element.

A media element fetches its source itself, without an Authorization header (and, on another
origin, without cookies), and seeks with Range requests of its own. So a caller who may
retrieve a recording asks for a link: the recording id, who asked and an expiry a few minutes
away, signed as hearing_server/link_signing.py says. Presented to the streaming endpoint the link stands for its
holder's credentials: the same access rules are checked again at each use (a grant withdrawn
meanwhile ends it) and each use is audited under that person's name.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

from hearing_server import link_signing
from hearing_server.api.errors import ApiError
from hearing_server.api.link_access import refused
from hearing_server.auth import Principal
from hearing_server.link_signing import LinkRefused, holder

LINK_SECONDS = 300
"""How long a link works: long enough to start watching; a player that seeks after that gets
403 and asks for a fresh link."""
_LABEL = b"hearing-server archive links\0"
_PURPOSE = "archive"


def secret(key_path: Path) -> bytes:
    """Blocking (reads, and on first use makes, the key file)."""
    return link_signing.derived_secret(key_path, _LABEL)


def signed_query(key: bytes, recording_id: int, who: Principal, now: float) -> tuple[str, int]:
    """The query string of a link for ``who``, and when it expires (UNIX seconds)."""
    expires = int(now) + LINK_SECONDS
    by = holder(who)
    query = urlencode(
        {
            "by": by,
            "expires": expires,
            "signature": link_signing.signature(key, _PURPOSE, recording_id, by, expires),
        }
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
    try:
        return link_signing.verified(
            key, _PURPOSE, recording_id, by, expires, given, "recording", now
        )
    except LinkRefused as exc:
        raise refused(exc) from exc
