"""Conditional GET for the lists screens poll (docs/architecture.md#exhibits): a JSON answer
carries an ETag made from its own bytes, and a request whose ``If-None-Match`` names it gets
``304 Not Modified`` with no body. Made from the body, the tag is the same on every server
process and needs no version kept anywhere; it differs between callers exactly when what they
may see differs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiohttp import web

PRIVATE = "private, no-cache"
"""Each caller's list is their own (what they may see); a copy is always checked first."""


def body_tag(body: bytes) -> str:
    """A strong entity tag for these bytes."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def names_tag(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weakly compared, as RFC 9110 asks for
    this header; ``*`` names any)."""
    if if_none_match is None:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def conditional_json(request: web.BaseRequest, data: Any, status: int) -> web.Response:
    """``data`` as JSON with its ETag, or 304 when the caller already holds these bytes."""
    body = json.dumps(data).encode()
    tag = body_tag(body)
    headers = {"ETag": tag, "Cache-Control": PRIVATE}
    if status == 200 and names_tag(request.headers.get("If-None-Match"), tag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, status=status, content_type="application/json", headers=headers)


IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of the copy the caller holds: 304 while it is current.",
    "schema": {"type": "string"},
}
"""The request header, as the OpenAPI document states it."""


def state_etag(responses: dict[str, Any], success: str) -> None:
    """Write the ETag header and the 304 answer into an operation's OpenAPI responses."""
    responses[success]["headers"] = {"ETag": {"schema": {"type": "string"}}}
    responses["304"] = {"description": "not modified: If-None-Match names the current ETag"}
