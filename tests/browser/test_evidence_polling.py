"""How the evidence screens follow others' changes (docs/architecture.md#client-views): every few
seconds each list is asked with If-None-Match, and while nothing changed the answers are 304 with
no body; a hidden tab asks nothing, and asks at once when it is seen again. A poll's reads and the
reads after the person's own change may overlap and come back in any order: what the person
submitted is drawn all the same (shared/polling.ts `Watched`, shared/evidence_feed.ts), and a
change the server made is not reported refused when only the read after it failed."""

from __future__ import annotations

import asyncio
import json
import re

from playwright.async_api import Page, Request, Response, Route, expect

from tests.browser.conftest import OpenTab
from tests.callers import Caller, invite, schedule_hearing

POLLED = re.compile(r"/api/v1/(hearings/\d+/(exhibits|examination)|cases/\d+/exchange)$")
QUIET_S = 7
"""Longer than two of the screen's intervals."""
HELD_S = 15
"""Long enough for a held request to reach the route on a loaded machine."""
POLLS_MS = 7_000
"""Two of the screen's intervals (POLL_MS, 3 s) and some: a later poll would have drawn it."""

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
    # `seen` reads the answer's body before noting it, which may end after the page drew it
    for _ in range(50):
        if 200 in {status for status, _, _ in answers}:
            break
        await asyncio.sleep(0.1)
    assert 200 in {status for status, _, _ in answers}, answers


class Held:
    """The first request a route sees, held until `release`; the ones after it pass at once."""

    def __init__(self) -> None:
        self.arrived: asyncio.Future[Request] = asyncio.get_running_loop().create_future()
        self.release = asyncio.Event()
        self.passed: list[str | None] = []
        """The If-None-Match of each request let through after the held one."""

    async def route(self, route: Route) -> None:
        if not self.arrived.done():
            self.arrived.set_result(route.request)
            await self.release.wait()
        else:
            self.passed.append(await route.request.header_value("if-none-match"))
        await route.continue_()


async def fill_exhibit(page: Page, title: str) -> None:
    await page.get_by_test_id("exhibit-title-input").fill(title)
    await page.get_by_test_id("exhibit-purpose-input").fill("证明双方之间存在买卖合同关系")


async def test_an_exhibit_submitted_while_a_poll_is_out_is_drawn(
    open_tab: OpenTab, judge: Caller
) -> None:
    """Forces: a poll (load N) asks its three lists, all held; the person submits an exhibit;
    once the server has made it, N's exhibits and examination reads are let through (each
    answered 200, with the new exhibit and a new ETag) and the page has both answers before the
    POST's answer reaches it; the read after the change (load N+1) then runs to its end and is
    shown; only then is N's exchange read (which the exhibit does not change) let through, so N
    ends last and is dropped as older than what is shown. Were N's answers held although N was
    dropped, N+1 would have asked with their ETags, been told 304 for all three, drawn nothing,
    and every later poll been told 304 too: the exhibit would never be drawn.

    (Had N's examination read been the one left pending, N+1 would have been told of the
    change by the examination, whose rows list the party's own exhibits too, and drawn it.)"""
    hearing = await schedule_hearing(judge, "(2026)浙0402民初32号", title="买卖合同纠纷")
    plaintiff = await invite(judge, hearing["id"], name="张三", side="plaintiff")
    tab = await open_tab(
        "overlap-plaintiff", f"/join#{plaintiff['invitation']['token']}", phone=True, locale="en-US"
    )
    page = tab.page
    ours = page.get_by_test_id("our-exhibits")
    await expect(ours).to_contain_text("None yet.")  # loaded: each list's copy held with its ETag
    await fill_exhibit(page, "买卖合同")

    # The next poll's three reads are held (one route: a poll cannot start between two)
    held = {"exhibits": Held(), "examination": Held(), "exchange": Held()}

    async def lists(route: Route) -> None:
        await held[route.request.url.rsplit("/", 1)[1]].route(route)

    await page.route(POLLED, lists)
    polled = {name: await asyncio.wait_for(list_.arrived, HELD_S) for name, list_ in held.items()}
    tags = {name: await request.header_value("if-none-match") for name, request in polled.items()}
    assert None not in tags.values(), tags

    # The exhibit is made on the server; its answer is held.
    made: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    answer_post = asyncio.Event()

    async def post(route: Route) -> None:
        response = await route.fetch()
        made.set_result(None)
        await answer_post.wait()
        await route.fulfill(response=response)

    await page.route(f"**/api/v1/cases/{hearing['case_id']}/exhibits", post)
    await page.get_by_test_id("exhibit-submit").click()
    await asyncio.wait_for(made, HELD_S)

    # The poll's exhibits and examination reads come back first, each with the new exhibit.
    for name in ["exhibits", "examination"]:
        request = polled[name]

        def answering(response: Response, request: Request = request) -> bool:
            return response.request == request

        async with page.expect_response(answering) as caught:
            held[name].release.set()
        newer = await caught.value
        await newer.finished()
        assert newer.status == 200, name
        assert newer.headers["etag"] != tags[name], name
        assert "买卖合同" in json.dumps(await newer.json(), ensure_ascii=False), name

    # Then the POST's answer: the read after the change (N+1) runs to its end (the form is
    # cleared once it has), while N still waits for its exchange.
    answer_post.set()
    await expect(page.get_by_test_id("exhibit-title-input")).to_have_value("")
    assert not held["exchange"].release.is_set()
    held["exchange"].release.set()

    await expect(ours.get_by_test_id("exhibit-title")).to_have_text(["买卖合同"], timeout=POLLS_MS)
    await expect(page.get_by_test_id("exhibit-purpose-input")).to_have_value("")
    await expect(page.get_by_test_id("evidence-error")).to_have_count(0)
    # N+1 asked with the tags of the copies shown, not those of N's answers, never shown
    for name in ["exhibits", "examination"]:
        assert held[name].passed[0] == tags[name], (name, tags, held[name].passed)


async def test_an_exhibit_made_is_not_refused_when_the_read_after_it_fails(
    open_tab: OpenTab, judge: Caller
) -> None:
    """Forces: the POST that makes the exhibit is answered 201, and every read of the exhibits
    fails from then until the page has settled the submission (so the read after the change
    fails, whichever poll comes between). The submission is done: the form is cleared, no
    refusal is shown (the person would submit it again); the next poll that gets through
    draws it."""
    hearing = await schedule_hearing(judge, "(2026)浙0402民初33号", title="买卖合同纠纷")
    plaintiff = await invite(judge, hearing["id"], name="张三", side="plaintiff")
    tab = await open_tab(
        "refresh-fails-plaintiff",
        f"/join#{plaintiff['invitation']['token']}",
        phone=True,
        locale="en-US",
    )
    page = tab.page
    ours = page.get_by_test_id("our-exhibits")
    await expect(ours).to_contain_text("None yet.")
    await fill_exhibit(page, "收货单")
    line = {"down": False, "cut": 0}

    async def reads(route: Route) -> None:
        if line["down"]:
            line["cut"] += 1
            await route.abort("connectionreset")
        else:
            await route.continue_()

    async def post(route: Route) -> None:
        response = await route.fetch()
        line["down"] = True
        await route.fulfill(response=response)

    exhibits_read = re.compile(rf"/api/v1/hearings/{hearing['id']}/exhibits$")
    await page.route(exhibits_read, reads)
    await page.route(f"**/api/v1/cases/{hearing['case_id']}/exhibits", post)
    await page.get_by_test_id("exhibit-submit").click()

    await expect(page.get_by_test_id("exhibit-title-input")).to_have_value("")
    await expect(page.get_by_test_id("exhibit-purpose-input")).to_have_value("")
    assert line["cut"] >= 1
    await expect(page.get_by_test_id("evidence-error")).to_have_count(0)
    await expect(ours).to_contain_text("None yet.")  # not drawn yet: its read failed
    await page.unroute(exhibits_read, reads)
    line["down"] = False
    await expect(ours.get_by_test_id("exhibit-title")).to_have_text(["收货单"], timeout=POLLS_MS)
    await expect(page.get_by_test_id("evidence-error")).to_have_count(0)
