"""HTTP byte ranges (RFC 9110 §14): which part of a file a ``Range`` header asks for.

One range is served as 206 Partial Content, which is all a browser's ``<video>`` asks for when
it seeks. A header in another unit, or with several ranges, is ignored (the whole file is sent,
as the RFC allows) unless none of its ranges could be served; a malformed or unsatisfiable
bytes range is refused with 416.
"""

from __future__ import annotations

from dataclasses import dataclass


class RangeNotSatisfiable(Exception):
    """The header asks for bytes the file does not have, or cannot be read."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int
    """Inclusive, as in the header."""

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range to send of a file of ``size`` bytes; None for the whole file.

    Raises RangeNotSatisfiable for a bytes range that is malformed or lies past the end.
    """
    if header is None:
        return None
    unit, equals, spec = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    parts = [part.strip() for part in spec.split(",") if part.strip()]
    if not parts:
        raise RangeNotSatisfiable(f"no range in {header!r}")
    ranges = [_one(part, size) for part in parts]
    served = [r for r in ranges if r is not None]
    if not served:
        raise RangeNotSatisfiable(f"{header!r} lies outside the {size} bytes of the file")
    return served[0] if len(parts) == 1 else None


def _one(part: str, size: int) -> ByteRange | None:
    """A range of the file, or None when it lies past the end; raises when it is malformed."""
    first, dash, last = part.partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not _digits(first or last) or (first and last and not _digits(last)):
        raise RangeNotSatisfiable(f"malformed range {part!r}")
    if not first:  # a suffix: the last N bytes
        suffix = int(last)
        return ByteRange(max(0, size - suffix), size - 1) if suffix and size else None
    start = int(first)
    if last and int(last) < start:
        raise RangeNotSatisfiable(f"range {part!r} ends before it starts")
    if start >= size:
        return None
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 20
