"""Odd addresses get a 4xx answer, never a 500 or a traceback in the log."""

from __future__ import annotations

import logging

import pytest
from yarl import URL

from tests.callers import Caller

ODD_PATHS = [
    "/assets/%00",
    "/assets/x%00.js",
    "/assets/..%2f",
    "/assets/..%2F..%2Fpyproject.toml",
    "/assets/%2e%2e",
    "/assets/%ff",
    "/assets/%c0%ae%c0%ae%2fx",
    "/assets/%5c..%5cx",
    "/assets/a%0ab.js",
    "/assets/" + "a" * 300,  # longer than a file name may be
    "/assets/" + "a" * 6000,
    "/%00",
    "/api/v1/%00",
    "/api/v1/cases/%00",
    "/api/v1/cases/%ff",
    "/api/v1/cases?q=%00",
    "/api/v1/cases?q=%ff",
    "/api/v1/recordings/1/archive?by=%00&expires=1&signature=x",
    "/api/v1/recordings/1/archive?by=u%ff&expires=%ff&signature=%ff",
]


@pytest.mark.parametrize("path", ODD_PATHS)
async def test_odd_paths_get_a_4xx(
    anon: Caller, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await anon.client.get(URL(path, encoded=True))
    assert 400 <= response.status < 500, (path, response.status)
    assert "error" in await response.json()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
