"""Request bodies of bytes rather than JSON (an exhibit file's chunks): how an endpoint
declares one and the headers that come with it, for routing.py to check and document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from hearing_server.api.errors import ApiError


@dataclass(frozen=True)
class Header:
    """A request header an endpoint needs, a whole number: checked (400 when it is missing or
    out of range) and handed to the handler as ``headers={name: value}``."""

    name: str
    description: str
    minimum: int = 0
    maximum: int = 2**53


@dataclass(frozen=True)
class RawBody:
    """Declares a request body of bytes, not JSON. The handler reads it from
    ``ctx.request.content`` itself, in bounded pieces and only once it has checked the caller
    and the record, so a large body is never held whole in memory nor read for nothing."""

    media_type: str
    description: str
    headers: tuple[Header, ...] = ()
    other_types: tuple[str, ...] = ()
    """Further media types the body may have (a list as CSV or as XLSX)."""

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_types)


def header_parameter(header: Header) -> dict[str, Any]:
    return {
        "name": header.name,
        "in": "header",
        "required": True,
        "description": header.description,
        "schema": {"type": "integer", "minimum": header.minimum, "maximum": header.maximum},
    }


def raw_headers(request: web.Request, raw: RawBody) -> dict[str, int]:
    """The declared headers of a raw-body request, checked before any of the body is read."""
    if request.content_type not in raw.media_types:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"send the request body as {' or '.join(raw.media_types)}",
        )
    values: dict[str, int] = {}
    for header in raw.headers:
        value = request.headers.get(header.name, "").strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 20):
            raise ApiError(
                400, "bad_header", f"the {header.name} header must be a whole number of bytes"
            )
        if not header.minimum <= int(value) <= header.maximum:
            raise ApiError(
                400,
                "bad_header",
                f"the {header.name} header must lie between {header.minimum} and {header.maximum}",
            )
        values[header.name] = int(value)
    return values
