"""The bench in Chromium (docs/architecture.md#bench): the participants screen builds it (a
second judge of the court; the hearing's judge presides), the presiding judge conducts and the
second judge cannot until handed over; the bench writes in its private channel."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import go_to_console
from tests.callers import PASSWORD, Caller, World, schedule_hearing


async def test_the_second_judge_conducts_once_handed_over(
    open_tab: OpenTab, judge: Caller, admin: Caller, world: World
) -> None:
    body = {
        "username": "judge2",
        "display_name": "李审判员",
        "role": "judge",
        "court_id": world.court_id,
        "password": PASSWORD,
    }
    await admin.call("POST", "/users", body, expect=201)
    hearing = await schedule_hearing(judge, "(2026)A刑初5号", kind="criminal_trial")
    hid = hearing["id"]

    # the participants screen builds the bench: the hearing's judge presides
    presider = await open_tab("presiding", "/healthz", locale="zh-CN")
    page = presider.page
    login = await presider.context.request.post(
        "/api/v1/auth/login", data={"username": "judge", "password": PASSWORD}
    )
    assert login.ok
    await page.goto(f"/#/hearings/{hid}")
    bench = page.get_by_test_id("bench")
    await expect(page.get_by_test_id("bench-judge")).to_contain_text("李审判员")
    await page.get_by_test_id("bench-judge").select_option(label="李审判员")
    await page.get_by_test_id("bench-add").click()
    people = page.get_by_test_id("participant-list")
    await expect(people).to_contain_text("李审判员")
    await expect(people).to_contain_text("审判长")
    await expect(bench).to_be_visible()
    await presider.screenshot("bench-zh")

    # the consoles: who presides is shown; only the presiding judge has the conduct controls
    await page.goto(f"/hearing/{hid}")
    await expect(page.get_by_test_id("console")).to_be_visible()
    second = await open_tab("second-judge", "/healthz", locale="en-US")
    await go_to_console(second, hid, "judge2")
    other = second.page
    await expect(other.get_by_test_id("console")).to_be_visible()
    await expect(page.get_by_test_id("presiding")).to_have_attribute("data-you", "true")
    await expect(other.get_by_test_id("presiding")).to_have_attribute("data-you", "false")
    await expect(other.get_by_test_id("presiding")).to_contain_text("judge presides")
    await expect(page.get_by_test_id("hearing-open")).to_be_visible()
    await expect(other.get_by_test_id("hearing-open")).to_have_count(0)
    await page.get_by_test_id("hearing-open").click()
    state = other.get_by_test_id("hearing-state")
    await expect(state).to_have_attribute("data-state", "open")
    await expect(other.get_by_test_id("hearing-start_session")).to_have_count(0)
    await expect(other.get_by_test_id("hand-over")).to_have_count(0)
    await second.screenshot("not-presiding-en")

    # the bench channel
    await other.get_by_test_id("message-to").select_option("panel")
    await other.get_by_test_id("message-text").fill("请审判长主持")
    await other.get_by_test_id("message-send").click()
    panel = page.locator("[data-testid=message][data-panel]")
    await expect(panel).to_contain_text("请审判长主持")

    # hand over: the second judge now conducts, the first no longer
    await page.get_by_test_id("hand-over").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(other.get_by_test_id("presiding")).to_have_attribute("data-you", "true")
    await expect(page.get_by_test_id("presiding")).to_have_attribute("data-you", "false")
    await expect(page.get_by_test_id("hearing-start_session")).to_have_count(0)
    await other.get_by_test_id("hearing-start_session").click()
    await expect(state).to_have_attribute("data-state", "in_session")
    await second.screenshot("presiding-en")
    await presider.screenshot("handed-over-zh")
