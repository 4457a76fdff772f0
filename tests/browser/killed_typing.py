"""The clerk types in the console's transcript box while the server is killed with SIGKILL; what
the restarted server kept of the draft (docs/architecture.md#transcript).

Shared by tests/browser/test_transcript_kill.py and bench/transcript.py, so that the test and the
benchmark measure the same thing. The lost span is read from the server (another HTTP client,
after the restart), never from the browser's own copy of the draft (localStorage), which would
hide the loss.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
from playwright.async_api import Browser, BrowserContext, Page

from tests.live_server import ServerProcess
from tests.signal_client import SignalClient

EVERY_S = 0.1
"""The clerk types one character every 100 ms (600 a minute: a fast typist, steadily)."""
TEXT = "原告陈述：被告于二〇二五年三月借款十万元，至今未还。The defendant denies it. " * 20
"""What the clerk types, one character at a time (Chinese, Latin, punctuation)."""
API = "/api/v1"


@dataclass
class Typing:
    """When each character was typed (monotonic seconds, taken just before it was typed, so a
    lost span is never understated) and when the server was killed."""

    typed_at: list[float] = field(default_factory=list)
    killed_at: float | None = None

    def kill(self, server: ServerProcess) -> None:
        """SIGKILL the server now and wait for it to be gone; typing stops."""
        assert server.process is not None
        self.killed_at = time.monotonic()
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()

    def lost_s(self, saved: str) -> float:
        """How much typing the server lost: from the first character typed that `saved` (the
        restarted server's draft) lacks, to the kill; 0 when it has them all. All text typed
        more than this before the kill was kept."""
        assert self.killed_at is not None, "the server was not killed"
        typed = TEXT[: len(self.typed_at)]
        assert typed.startswith(saved), f"the server's draft is not what was typed: {saved!r}"
        if len(saved) == len(typed):
            return 0.0
        return self.killed_at - self.typed_at[len(saved)]


async def type_until_killed(page: Page, typing: Typing) -> None:
    """Type `TEXT` into the transcript box, one character every `EVERY_S`, until
    `typing.killed_at` is set (the kill happens elsewhere: a timer, a route)."""
    began = time.monotonic()
    for index, character in enumerate(TEXT):
        await asyncio.sleep(max(0.0, began + index * EVERY_S - time.monotonic()))
        if typing.killed_at is not None:
            return
        typing.typed_at.append(time.monotonic())
        await page.keyboard.type(character)
    raise RuntimeError(f"the server was not killed within {len(TEXT) * EVERY_S:.0f} s of typing")


@dataclass(frozen=True)
class Login:
    """A staff member's session (kept in the database: it outlives a restart of the server)."""

    user_id: int
    cookie: str
    csrf: str


async def log_in(url: str, username: str, password: str) -> Login:
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        body = {"username": username, "password": password}
        async with http.post(API + "/auth/login", json=body) as response:
            reply = await response.json()
            if response.status != 200:
                raise RuntimeError(f"login {username}: {response.status} {reply}")
        cookie = next(c.value for c in http.cookie_jar if c.key == "hs_session")
        return Login(reply["id"], cookie, reply["csrf_token"])


async def clerks_hearing(url: str, judge: Login, clerk_id: int) -> int:
    """A hearing with `clerk_id` as its clerk, scheduled and opened by `judge` (over socket.io
    without media, as the judge's console opens it)."""
    headers = {"Cookie": f"hs_session={judge.cookie}", "X-CSRF-Token": judge.csrf}
    async with aiohttp.ClientSession(url, headers=headers) as http:
        number = f"(2026)Draft{time.monotonic_ns() % 10**9}"
        case_body = {"number": number, "title": "借款合同纠纷", "kind": "civil_trial"}
        async with http.post(API + "/cases", json=case_body) as response:
            case = await response.json()
            assert response.status == 201, case
        start = datetime.now(UTC).isoformat()
        hearing_body = {"scheduled_start": start, "clerk_id": clerk_id}
        async with http.post(f"{API}/cases/{case['id']}/hearings", json=hearing_body) as response:
            hearing = await response.json()
            assert response.status == 201, hearing
    judge_signal = SignalClient(url)
    try:
        await judge_signal.connect(hearing["id"], cookie=judge.cookie, offers_first=True)
        opened = await judge_signal.call("open")
        assert opened.get("ok") is True, opened
    finally:
        await judge_signal.close()
    hearing_id: int = hearing["id"]
    return hearing_id


async def clerks_console(browser: Browser, url: str, hearing_id: int, cookie: str) -> Page:
    """The clerk's console of the hearing in a new browser context (nothing kept from another
    one), its transcript loaded, the caret in the transcript box. Close its context after."""
    context: BrowserContext = await browser.new_context(base_url=url, locale="zh-CN")
    await context.add_cookies([{"name": "hs_session", "value": cookie, "url": url}])
    page = await context.new_page()
    transcript = f"{API}/hearings/{hearing_id}/transcript"
    async with page.expect_response(lambda response: response.url.endswith(transcript)):
        await page.goto(f"/hearing/{hearing_id}")
    await page.get_by_test_id("transcript-text").click()
    return page


async def saved_draft(url: str, hearing_id: int, cookie: str) -> str:
    """The clerk's draft as the server has it (`GET .../transcript` → `draft`), "" if none."""
    headers = {"Cookie": f"hs_session={cookie}"}
    path = f"{API}/hearings/{hearing_id}/transcript"
    async with (
        aiohttp.ClientSession(url, headers=headers) as http,
        http.get(path) as response,
    ):
        transcript = await response.json()
        assert response.status == 200, transcript
    draft = transcript["draft"]
    return "" if draft is None else str(draft["text"])
