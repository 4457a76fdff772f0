"""Range headers as browsers and odd clients send them."""

from __future__ import annotations

import pytest

from hearing_server.api.byte_ranges import ByteRange, RangeNotSatisfiable, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=990-5000", ByteRange(990, 999)),
        ("BYTES = 0-0 ", ByteRange(0, 0)),
        ("bytes=0-0,", ByteRange(0, 0)),
        (None, None),
        ("items=0-9", None),
        ("bytes 0-9", None),
        ("bytes=0-9,20-29", None),
        ("bytes=0-9,5000-", None),
    ],
)
def test_served_ranges(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize(
    "header",
    [
        "bytes=1000-",
        "bytes=-0",
        "bytes=9-2",
        "bytes=",
        "bytes=-",
        "bytes=a-b",
        "bytes=١-٢",
        "bytes=1-2-3",
        "bytes=+1-2",
        "bytes=1000-,2000-",
        "bytes=" + "9" * 30 + "-",
    ],
)
def test_refused_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


def test_an_empty_file_has_no_range() -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=-1", 0)
    assert parse_range(None, 0) is None


def test_content_range() -> None:
    assert ByteRange(10, 19).content_range(100) == "bytes 10-19/100"
    assert ByteRange(10, 19).length == 10
