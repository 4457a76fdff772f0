"""Taking part online, on a phone: the first time a party opens the invitation they read the
court's notice and answer before the self-test; a refusal is shown to the bench at once (and
alerted) and still lets them into the waiting room; opened again, the question is not asked
again but the notice stays readable, and a change of mind reaches the bench too."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import (
    bench_in_session,
    both_languages,
    go_to_console,
    person,
    schedule,
)
from tests.callers import Caller, World

pytestmark = pytest.mark.browser


async def test_the_notice_comes_first_and_the_answer_reaches_the_bench(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    badge = person(bench.page, hearing.party_id).get_by_test_id("consent")
    await expect(badge).to_have_attribute("data-answer", "pending")

    url = f"/join#{hearing.party_token}"
    party = await open_tab("party-consent", url, phone=True, answer_consent=False)
    page = party.page
    consent = page.get_by_test_id("consent")
    await expect(consent).to_have_attribute("data-answer", "pending")
    await expect(page.get_by_test_id("consent-notice")).to_contain_text("不得录音、录像")
    await expect(page.get_by_test_id("consent-agree")).to_be_visible()
    await expect(page.get_by_test_id("join-button")).to_have_count(0)  # no self-test yet
    await both_languages(party, "consent-question")
    await page.get_by_test_id("lang-switch").first.click()
    await expect(page.get_by_test_id("consent-notice")).to_contain_text("record sound or video")
    await page.get_by_test_id("lang-switch").first.click()

    await page.get_by_test_id("consent-refuse").click()
    await expect(consent).to_have_attribute("data-answer", "refused")
    await expect(page.get_by_test_id("consent-refused-note")).to_contain_text("法庭")
    await expect(page.get_by_test_id("consent-details")).to_be_visible()  # still readable
    await expect(badge).to_have_attribute("data-answer", "refused")
    alert = bench.page.locator('[data-testid=alert][data-kind="consent_refused"]')
    await expect(alert).to_contain_text("张三")
    await bench.screenshot("consent-refused-console")

    await expect(page.get_by_test_id("join-button")).to_be_enabled()
    await page.get_by_test_id("join-button").click()
    await expect(page.get_by_test_id("waiting-room")).to_be_visible()

    # The same link opened again (another phone): not asked again, the notice still there.
    again = await open_tab("party-consent-again", url, phone=True, answer_consent=False)
    await expect(again.page.get_by_test_id("consent")).to_have_attribute("data-answer", "refused")
    await expect(again.page.get_by_test_id("consent-agree")).to_have_count(0)
    details = again.page.get_by_test_id("consent-details")
    await details.locator("summary").click()
    await expect(again.page.get_by_test_id("consent-notice")).to_contain_text("不得录音、录像")
    await again.screenshot("consent-answered")
    await again.page.get_by_test_id("consent-change").click()
    await expect(again.page.get_by_test_id("consent")).to_have_attribute("data-answer", "agreed")
    await expect(again.page.get_by_test_id("consent-status")).to_contain_text("同意")
    await expect(badge).to_have_attribute("data-answer", "agreed")

    # The staff participants screen has it too, with its time.
    staff = await open_tab("clerk-consent", "/healthz")
    await go_to_console(staff, hearing.hearing_id, "clerk")
    await staff.page.goto(f"/#/hearings/{hearing.hearing_id}")
    row = staff.page.get_by_test_id(f"participant-{hearing.party_id}")
    await expect(row.get_by_test_id("consent")).to_have_attribute("data-answer", "agreed")
    await expect(row.get_by_test_id("consent")).to_contain_text("同意在线庭审")
    await staff.screenshot("consent-participants")
