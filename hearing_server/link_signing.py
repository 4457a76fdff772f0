"""What every signed link of the server shares (api/recording_links.py, exhibit_links.py): an
HMAC-SHA256 over what the link reaches, whom it was made for and when it expires, under a key
derived from the server's Ed25519 signing key, so there is no other secret to keep (a new
signing key also ends every link). Each kind of link derives its own key with its own label and
signs its own purpose word, so a link of one kind never passes as another. No HTTP here: the live
hearing makes links too; the REST API answers a `LinkRefused` with 403 and its code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from hearing_server.auth import Principal
from recording.seal import load_or_create_key

HOLDER = re.compile(r"(user|participant):([1-9]\d{0,9})")
"""Whom a link is made for: a staff account or a hearing seat (`holder`)."""


class LinkRefused(Exception):
    """A link that does not admit: ``code`` is ``link_invalid`` or ``link_expired``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@lru_cache(maxsize=8)
def _secret(key_path: Path, modified: float, label: bytes) -> bytes:
    raw = load_or_create_key(key_path).private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return hashlib.sha256(label + raw).digest()


def derived_secret(key_path: Path, label: bytes) -> bytes:
    """The HMAC key of the links labelled `label`. Blocking (reads, and on first use makes,
    the key file)."""
    if not key_path.exists():
        load_or_create_key(key_path)
    return _secret(key_path, key_path.stat().st_mtime, label)


def holder(who: Principal) -> str:
    return f"{who.kind.value}:{who.id}"


def signature(key: bytes, purpose: str, subject: int, by: str, expires: int) -> str:
    message = f"{purpose}\0{subject}\0{by}\0{expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verified(
    key: bytes,
    purpose: str,
    subject: int,
    by: str,
    expires: int,
    given: str,
    what: str,
    now: float | None = None,
) -> re.Match[str]:
    """The holder named by a valid link for `subject`; LinkRefused ``link_invalid`` for a
    changed one or one made for another `what` (the thing it reaches, as the message names it),
    ``link_expired`` for one past its time."""
    match = HOLDER.fullmatch(by)
    expected = signature(key, purpose, subject, by, expires)
    if match is None or not hmac.compare_digest(expected.encode(), given.encode()):
        raise LinkRefused(
            "link_invalid",
            f"this link is not valid for this {what} (it was changed or made for another); "
            f"open the {what} again for a new one",
        )
    if expires <= (time.time() if now is None else now):
        at = datetime.fromtimestamp(expires, UTC).isoformat()
        raise LinkRefused(
            "link_expired", f"this link expired at {at}; open the {what} again for a new one"
        )
    return match
