"""How the evidence screens follow others' changes (docs/architecture.md#client-views): every few
seconds each list is asked with If-None-Match, and while nothing changed the answers are 304 with
no body; a hidden tab asks nothing, and asks at once when it is seen again."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Response, expect

from tests.browser.conftest import OpenTab
from tests.callers import Caller, invite, schedule_hearing

POLLED = re.compile(r"/api/v1/(hearings/\d+/(exhibits|examination)|cases/\d+/exchange)$")
QUIET_S = 7
"""Longer than two of the screen's intervals."""

SET_VISIBILITY = """(state) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
    document.dispatchEvent(new Event("visibilitychange"));
}"""


async def test_unchanged_lists_cost_a_304_and_a_hidden_tab_asks_nothing(
    open_tab: OpenTab, judge: Caller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民初31号", title="买卖合同纠纷")
    plaintiff = await invite(judge, hearing["id"], name="张三", side="plaintiff")
    tab = await open_tab(
        "polling-plaintiff", f"/join#{plaintiff['invitation']['token']}", phone=True
    )
    page = tab.page
    await expect(page.get_by_test_id("our-exhibits")).to_be_visible()
    answers: list[tuple[int, str | None, bytes]] = []

    async def seen(response: Response) -> None:
        if POLLED.search(response.url):
            asked = await response.request.header_value("if-none-match")
            body = b"" if response.status == 304 else await response.body()
            answers.append((response.status, asked, body))

    page.on("response", seen)
    await asyncio.sleep(QUIET_S)
    assert len(answers) >= 6, answers  # three lists, at least twice
    assert {(status, asked is not None, body) for status, asked, body in answers} == {
        (304, True, b"")
    }

    # Hidden: nothing asked, even when something changed.
    await page.evaluate(SET_VISIBILITY, "hidden")
    await asyncio.sleep(0.5)  # a request already on its way
    answers.clear()
    await judge.call(
        "POST",
        f"/cases/{hearing['case_id']}/exhibits",
        {"title": "银行流水", "purpose": "证明付款情况"},
    )
    await asyncio.sleep(QUIET_S)
    assert answers == []
    court = page.get_by_test_id("other-exhibits").locator("[data-side=court]")
    await expect(court).to_have_count(0)

    # Seen again: asked at once (well before the next interval), the new exhibit drawn.
    await page.evaluate(SET_VISIBILITY, "visible")
    await expect(court.get_by_test_id("exhibit-title")).to_have_text("银行流水", timeout=2_000)
    assert 200 in {status for status, _, _ in answers}
