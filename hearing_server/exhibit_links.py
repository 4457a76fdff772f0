"""Signed links to an exhibit file and its pages, for the <img> and <video> elements of the
evidence screens and the live hearing, which cannot send an invitation header.

A link names the file, whom it was made for and when it expires, signed as link_signing.py
says under a key of its own. It is one query value (``?link=…``) that works for the file
(/exhibit-files/{id}) and for its pages (/exhibit-files/{id}/pages/{n}). Presented there it
stands for its holder's credentials: whether they see the exhibit is checked again at each use
(an invitation withdrawn meanwhile ends it) and each use is audited under their name.

The holder is ``user:<id>`` (staff) or ``participant:<id>``, a hearing seat of any kind: an
invited person's (good while the invitation is), a staff member's seat (while their account is
active) or a detainee's seat at a detention-centre terminal (while its hearing is under way, the
terminal being shared outside it). The live hearing makes links for its seats with
:func:`exhibit_link`, outside any request.
"""

from __future__ import annotations

import re
from pathlib import Path

from config.settings import EXHIBIT_LINK_SECONDS
from hearing_server import link_signing
from hearing_server.link_signing import LinkRefused

_LABEL = b"hearing-server exhibit links\0"
_PURPOSE = "exhibit-file"
_TOKEN = re.compile(r"(user|participant)\.([1-9]\d{0,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})")
"""``<kind>.<id>.<expires>.<signature>``: nothing in it needs escaping in a URL."""


def exhibit_link_secret(key_path: Path) -> bytes:
    """The key exhibit links are signed with; get it once (blocking: reads, and on first use
    makes, the signing key file)."""
    return link_signing.derived_secret(key_path, _LABEL)


def exhibit_link(
    secret: bytes, file_id: int, holder: str, now: float, seconds: int = EXHIBIT_LINK_SECONDS
) -> str:
    """The ``link`` query value that lets `holder` (``user:<id>`` or ``participant:<id>``) reach
    exhibit file `file_id` and its pages until `seconds` after `now` (UNIX seconds; pass the
    `exhibit_link_seconds` setting)."""
    match = link_signing.HOLDER.fullmatch(holder)
    if match is None or seconds < 1:
        raise ValueError(f"not a link holder, or no time to use it: {holder!r}, {seconds}")
    expires = int(now) + seconds
    signature = link_signing.signature(secret, _PURPOSE, file_id, holder, expires)
    return f"{match.group(1)}.{match.group(2)}.{expires}.{signature}"


def checked_link(
    secret: bytes, file_id: int, token: str, now: float | None = None
) -> re.Match[str]:
    """The holder named by a valid link to file `file_id`; LinkRefused ``link_invalid`` for a
    changed one or one made for another file, ``link_expired`` for one past its time."""
    parts = _TOKEN.fullmatch(token)
    if parts is None:
        raise LinkRefused("link_invalid", "this is not a link to an exhibit file")
    kind, number, expires, signature = parts.groups()
    return link_signing.verified(
        secret, _PURPOSE, file_id, f"{kind}:{number}", int(expires), signature, "file", now
    )
