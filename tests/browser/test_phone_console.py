"""A judge conducts a whole hearing from a 390 x 844 phone: every conducting action of the moment
sits in the first screen within reach of a thumb, uncovered, and the people are one tap away; the
page never scrolls sideways, in either language."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE, OpenTab, Tab
from tests.browser.test_live import check_identity, go_to_console, person, schedule
from tests.callers import Caller, World
from tests.headless import HeadlessParticipant, SendTimes

# Where a thumb reaches on a phone held in one hand: the lower part of the screen.
THUMB_ZONE_TOP = PHONE["height"] * 0.45


async def phone_judge(open_tab: OpenTab, hearing_id: int) -> Tab:
    tab = await open_tab("judge-phone", "/healthz", phone=True)
    await go_to_console(tab, hearing_id, "judge")
    await expect(tab.page.get_by_test_id("console")).to_be_attached()
    return tab


async def first_screen(tab: Tab, what: str) -> None:
    """Save what the phone shows (the viewport, not the whole page) as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await tab.page.screenshot(path=str(ARTIFACTS / f"{tab.name}-{what.lower()}.png"))


async def placement(page: Page, testid: str) -> dict[str, float | bool]:
    """Where the control is, whether it is the topmost element at its centre, and the widths."""
    found: dict[str, float | bool] = await page.evaluate(
        """(testid) => {
            const node = [...document.querySelectorAll(`[data-testid="${testid}"]`)]
                .find((n) => n.getClientRects().length > 0);
            if (!node) return {found: false};
            const r = node.getBoundingClientRect();
            const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return {
                found: true, x: r.x, y: r.y, right: r.right, bottom: r.bottom,
                uncovered: top !== null && node.contains(top),
                scrollWidth: document.scrollingElement.scrollWidth,
                innerWidth: window.innerWidth,
            };
        }""",
        testid,
    )
    return found


async def in_reach(tab: Tab, testid: str, *, thumb: bool = True, switch: bool = True) -> None:
    """The control is on the first screen, uncovered, without sideways scrolling, in both
    languages (and, for the hearing's actions, in the lower part of the screen)."""
    page = tab.page
    await expect(page.get_by_test_id(testid).locator("visible=true")).to_have_count(1)
    for _ in range(2 if switch else 1):
        where = await placement(page, testid)
        language = await page.evaluate("document.documentElement.lang")
        assert where["found"], (testid, language)
        assert where["x"] >= 0 and where["right"] <= PHONE["width"], (testid, language, where)
        assert where["y"] >= 0 and where["bottom"] <= PHONE["height"], (testid, language, where)
        assert where["uncovered"], (testid, language, where)
        assert where["scrollWidth"] <= where["innerWidth"], (testid, language, where)
        if thumb:
            assert where["y"] >= THUMB_ZONE_TOP, (testid, language, where)
        await first_screen(tab, f"{testid}-{language}")
        if switch:
            await page.get_by_test_id("lang-switch").first.click()
            await expect(page.locator("html")).not_to_have_attribute("lang", language)


async def test_a_judge_conducts_a_whole_hearing_from_a_phone(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    url = str(server.make_url("")).rstrip("/")
    bench = await phone_judge(open_tab, hearing.hearing_id)
    page = bench.page
    state = page.get_by_test_id("hearing-state")

    await in_reach(bench, "hearing-open")
    await page.get_by_test_id("hearing-open").click()
    await expect(state).to_have_attribute("data-state", "open")

    party = HeadlessParticipant(url, SendTimes(), invitation=hearing.party_token)
    try:
        await party.join(hearing.hearing_id)
        # The waiting room's count is on the people button; the sheet lists each person.
        people = page.get_by_test_id("people-toggle")
        await expect(people).to_have_attribute("data-waiting", "1")
        await in_reach(bench, "people-toggle")
        await people.click()
        row = person(page, hearing.party_id)
        await expect(row).to_have_attribute("data-presence", "waiting")
        await check_identity(row)
        await in_reach(bench, "admit", thumb=False)
        await row.get_by_test_id("admit").click()
        await expect(row).to_have_attribute("data-presence", "in_hearing")
        await expect(people).to_have_attribute("data-waiting", "0")
        for action in ("mute", "send-back", "remove"):
            await in_reach(bench, action, thumb=False)
        await people.click()
        await expect(page.get_by_test_id("stage")).to_be_visible()

        await in_reach(bench, "hearing-start_session")
        await page.get_by_test_id("hearing-start_session").click()
        await expect(state).to_have_attribute("data-state", "in_session")
        await expect(page.get_by_test_id("recording")).to_be_visible()
        await expect(
            page.locator(f'[data-testid=tile][data-participant="{hearing.party_id}"]')
        ).to_be_visible()
        # The pictures are a strip, not a black stage filling the first screen.
        stage = await page.get_by_test_id("stage").bounding_box()
        assert stage is not None and stage["height"] < PHONE["height"] / 3, stage
        await in_reach(bench, "phase-select")
        await page.get_by_test_id("phase-select").select_option("rights_notice")
        await expect(page.get_by_test_id("phase")).to_have_text("告知权利")
        await first_screen(bench, "in-session")

        await in_reach(bench, "hearing-recess")
        await page.get_by_test_id("hearing-recess").click()
        await expect(state).to_have_attribute("data-state", "recess")
        await in_reach(bench, "hearing-resume")
        await page.get_by_test_id("hearing-resume").click()
        await expect(state).to_have_attribute("data-state", "in_session")

        await in_reach(bench, "hearing-close")
        # The question is modal (no language switch behind it): asked once in each language.
        await page.get_by_test_id("hearing-close").click()
        await in_reach(bench, "confirm-ok", thumb=False, switch=False)
        await page.get_by_test_id("confirm-cancel").click()
        await page.get_by_test_id("lang-switch").first.click()
        await page.get_by_test_id("hearing-close").click()
        await in_reach(bench, "confirm-ok", thumb=False, switch=False)
        await page.get_by_test_id("confirm-ok").click()
        await expect(page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
        await in_reach(bench, "back-to-list", thumb=False)
    finally:
        await party.close()
