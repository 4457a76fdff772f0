"""A creditors' meeting votes (docs/architecture.md#votes): a creditor votes on a phone-sized page,
the judge opens and closes the vote from the console, and both see the result with the counts
and amounts."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import both_languages, person, staff_tab
from tests.callers import Caller, invite, schedule_hearing

pytestmark = pytest.mark.browser


async def test_a_creditor_votes_on_a_phone_and_both_see_the_result(
    open_tab: OpenTab, judge: Caller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A破5号", kind="creditors_meeting")
    hid = hearing["id"]
    bank = await invite(judge, hid, role="creditor", name="甲银行")
    away = await invite(judge, hid, role="creditor", name="乙公司")
    bank_id = bank["participant"]["id"]
    await judge.call(
        "PUT",
        f"/hearings/{hid}/claims",
        {
            "items": [
                {"participant_id": bank_id, "amount_fen": 600_000_00, "group": "ordinary"},
                {
                    "participant_id": away["participant"]["id"],
                    "amount_fen": 400_000_00,
                    "group": "ordinary",
                },
            ]
        },
    )
    await judge.call(
        "POST",
        f"/hearings/{hid}/motions",
        {"title": "财产变价方案", "rule": "ordinary"},
        expect=201,
    )

    bench = await staff_tab(open_tab, hid)
    page = bench.page
    state = page.get_by_test_id("hearing-state")
    await page.get_by_test_id("hearing-open").click()
    await expect(state).to_have_attribute("data-state", "open")

    creditor = await open_tab("creditor", f"/join#{bank['invitation']['token']}", phone=True)
    phone = creditor.page
    await expect(phone.get_by_test_id("join-button")).to_be_enabled()
    await phone.get_by_test_id("join-button").click()
    await expect(phone.get_by_test_id("waiting-room")).to_be_visible()

    await page.get_by_test_id("hearing-start_session").click()
    await expect(state).to_have_attribute("data-state", "in_session")
    await person(page, bank_id).get_by_test_id("admit").click()
    await expect(phone.get_by_test_id("waiting-room")).to_be_hidden()
    await page.get_by_test_id("phase-select").select_option("vote")
    await expect(page.get_by_test_id("vote-motion-item")).to_contain_text("财产变价方案")
    await page.get_by_test_id("vote-open").click()

    await expect(phone.get_by_test_id("vote-title")).to_contain_text("第1项议案：财产变价方案")
    await expect(phone.get_by_test_id("vote-for")).to_be_visible()
    await creditor.screenshot("vote-phone-open")
    await both_languages(creditor, "vote-phone")
    await phone.get_by_test_id("vote-for").click()
    await expect(phone.get_by_test_id("vote-ballot")).to_contain_text("同意")
    await expect(phone.get_by_test_id("vote-for")).to_have_count(0)

    tally = page.get_by_test_id("vote-tally")
    await expect(tally).to_contain_text("同意1人")
    await expect(tally).to_contain_text("600,000.00")
    await bench.screenshot("vote-console-tally")
    await page.get_by_test_id("vote-close").click()

    for tab in (creditor, bench):
        result = tab.page.get_by_test_id("vote-result")
        await expect(result).to_contain_text("表决结果：通过")
        overall = tab.page.get_by_test_id("vote-overall")
        await expect(overall).to_contain_text("缺席1人")
        await expect(overall).to_contain_text("同意的债权额：600,000.00元，总额1,000,000.00元")
    await creditor.screenshot("vote-phone-result")
    await expect(page.get_by_test_id("vote-motion-item")).to_have_attribute("data-state", "closed")

    # The bench puts another motion from the console; it is listed, ready to be opened.
    await page.get_by_test_id("vote-new-title").fill("破产财产分配方案")
    await page.get_by_test_id("vote-new-rule").select_option("ordinary_unsecured")
    await page.get_by_test_id("vote-add").click()
    second = page.get_by_test_id("vote-motion-item").nth(1)
    await expect(second).to_contain_text("第2项议案：破产财产分配方案")
    await expect(second.get_by_test_id("vote-open")).to_be_visible()
