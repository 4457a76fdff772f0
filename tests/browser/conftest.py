"""Browser tests: Playwright drives Debian's Chromium against the real app
(docs/architecture.md#testing); Debian's Firefox and WebKitGTK are driven through their own
protocols (bidi.py, webdriver.py) as a ``party_page`` (engine_pages.py).

Chromium gets a fake camera (a running frame number) and microphone; the server runs in the test's
event loop with aioice patched to gather loopback candidates, like the integration tests.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aioice.ice
import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    async_playwright,
    expect,
)

from config import Settings
from tests.browser.bidi import Firefox
from tests.browser.engine_pages import ARTIFACTS as ARTIFACTS
from tests.browser.engine_pages import DESKTOP as DESKTOP
from tests.browser.engine_pages import ENGINES, EnginePage
from tests.browser.engine_pages import PHONE as PHONE
from tests.browser.webdriver import WebKit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
]

pytestmark = pytest.mark.browser

EXPECT_MS = 15_000
"""How long an `expect` waits unless it says otherwise: a bound on liveness, not a speed.
Playwright's own 5 s was missed on a loaded CI machine by pages that were right a moment
later (a network check, a tile layout)."""
expect.set_options(timeout=EXPECT_MS)


@pytest.fixture(autouse=True)
def loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """aioice leaves out loopback addresses when gathering; on one machine they are all we use."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about the browser client; the store is tested elsewhere."""
    return f"sqlite+aiosqlite:///{tmp_path / 'hearing.db'}"


@pytest.fixture
def base_url(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
def built_client(settings: Settings) -> Path:
    if not (settings.web_dir / "join.html").is_file():
        pytest.fail(f"{settings.web_dir} is missing: build it with `make web` (make test does)")
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (.ci/run does)")
    return settings.web_dir


@dataclass
class Tab:
    """One browser context (its own cookies, camera permission) with one page."""

    context: BrowserContext
    page: Page
    name: str
    errors: list[str] = field(default_factory=list)

    async def screenshot(self, what: str) -> Path:
        """Save a screenshot as a test artifact (test-artifacts/browser/<tab>-<what>.png)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{re.sub(r'[^a-z0-9_-]+', '-', what.lower())}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path


OpenTab = Callable[..., Awaitable[Tab]]


@pytest.fixture
async def browser(built_client: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def open_tab(browser: Browser, base_url: str) -> AsyncIterator[OpenTab]:
    """Open a page in a fresh context; fails the test if a page logs a missing i18n key."""
    tabs: list[Tab] = []

    async def open_(
        name: str,
        path: str = "/",
        *,
        phone: bool = False,
        locale: str = "zh-CN",
        permissions: list[str] | None = None,
        answer_consent: bool = True,
    ) -> Tab:
        """``answer_consent``: on an invitation's page (opened now or later in the tab), agree
        to taking part online whenever the question shows (tests of other things need not
        answer it each time; the consent tests say False)."""
        context = await browser.new_context(
            base_url=base_url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            locale=locale,
        )
        if permissions is not None:
            await context.grant_permissions(permissions, origin=base_url)
        page = await context.new_page()
        tab = Tab(context, page, name)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                tab.errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
        tabs.append(tab)
        if answer_consent:
            agree = page.get_by_test_id("consent-agree")
            await page.add_locator_handler(agree, lambda: agree.click())
        await page.goto(path)
        return tab

    yield open_
    # What the pages said while the test ran: a page closed mid-load (a chunk the test's last
    # step made it fetch) reports the load it was cut off from, which is no fault of the page;
    # so does a stylesheet's preload cut off on a loaded machine (the chunk's own load is not).
    missing = [
        e
        for tab in tabs
        for e in tab.errors
        if ("missing i18n key" in e or "page error" in e) and "Unable to preload CSS" not in e
    ]
    for tab in tabs:
        await tab.context.close()
    assert not missing, missing


@pytest.fixture
def web_dir(settings: Settings) -> Path:
    if not (settings.web_dir / "join.html").is_file():
        pytest.fail(f"{settings.web_dir} is missing: build it with `make web` (make test does)")
    return settings.web_dir


@pytest.fixture
async def party_page(
    request: pytest.FixtureRequest, web_dir: Path, base_url: str, tmp_path: Path
) -> AsyncIterator[EnginePage]:
    """A blank phone-sized page in the engine the test is parametrized with (``party_page``,
    engine_pages.engines); the test fails if the page logged an error (Firefox only: WebDriver
    classic cannot tell)."""
    engine: str = request.param
    for binary, package in ENGINES[engine]:
        if not binary.exists():
            pytest.skip(f"{binary} is missing: `apt-get install {package}` (.ci/run does)")
    page: EnginePage
    if engine == "firefox":
        firefox = await Firefox.launch(tmp_path / "firefox")
        try:
            page = await firefox.new_tab(
                "party-firefox", width=PHONE["width"], height=PHONE["height"]
            )
            yield page
        finally:
            await firefox.close()
    else:
        webkit = await WebKit.launch(
            tmp_path / "webkit", width=PHONE["width"], height=PHONE["height"]
        )
        try:
            page = webkit.page("party-webkit")
            yield page
        finally:
            await webkit.close()
    assert not page.errors, page.errors
