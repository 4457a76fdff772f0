"""A page in any engine (tests/browser/bidi.py's Firefox, webdriver.py's WebKit, Playwright's
Chromium): what the cross-engine tests do with it, and waiting on it. The ``party_page`` fixture
(conftest.py) opens one in the engine a test is parametrized with (:func:`engines`)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Protocol

import pytest
from playwright.async_api import ViewportSize

from tests.browser.bidi import FIREFOX
from tests.browser.webdriver import WEBKIT_DRIVER, XVFB

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
"""Where browser tests leave their screenshots."""
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1366, height=820)

WITHIN_S = 90
"""Each step a test waits for (a self-test, an admission, media playing, a list following what
others did) must be done within this: a bound on liveness, not a speed (WebKitGTK under
xdist's other worker took over 20 s, once over 40 s, to draw a submitted exhibit it draws in
2 s alone)."""

ENGINES: dict[str, list[tuple[Path, str]]] = {
    "firefox": [(FIREFOX, "firefox-esr")],
    "webkit": [(WEBKIT_DRIVER, "webkit2gtk-driver"), (XVFB, "xvfb")],
}
"""The engines besides Chromium, and the Debian packages each needs."""

VISIBLE = """(selector) => {
    const element = document.querySelector(selector);
    return element !== null && element.getClientRects().length > 0
        && getComputedStyle(element).visibility !== "hidden";
}"""

ALERTS = """() => Array.from(document.querySelectorAll("[role=alert]"), (e) => e.textContent)
    .filter((text) => text)"""
"""What the page says went wrong (a refusal may be out of the screenshot's view)."""


class EnginePage(Protocol):
    """What the tests do with a page, in any engine."""

    name: str
    errors: list[str]

    async def goto(self, url: str) -> None: ...

    async def evaluate(self, function: str, *args: Any) -> Any: ...

    async def click(self, selector: str) -> None: ...

    async def screenshot(self, path: Path) -> None: ...


def by_testid(name: str) -> str:
    return f"[data-testid={name}]"


def engines(*names: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("party_page", names, indirect=True)


async def snapshot(page: EnginePage, what: str) -> Path:
    """Save a screenshot as a test artifact (test-artifacts/browser/<page>-<what>.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{page.name}-{what.replace(' ', '-')}.png"
    await page.screenshot(path)
    return path


async def wait_for(page: EnginePage, what: str, function: str, *args: Any) -> Any:
    """Call ``function`` in the page until it returns something truthy, which is returned."""
    deadline = time.monotonic() + WITHIN_S
    while True:
        value = await page.evaluate(function, *args)
        if value:
            return value
        if time.monotonic() > deadline:
            await snapshot(page, f"timeout-{what}")
            alerts = await page.evaluate(ALERTS)
            raise AssertionError(
                f"{page.name}: timed out after {WITHIN_S} s waiting for {what}; "
                f"the page's alerts: {alerts or 'none'}"
            )
        await asyncio.sleep(0.1)
