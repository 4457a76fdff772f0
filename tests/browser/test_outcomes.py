"""An enforcement interview's outcome recorded on the staff hearing page, in Chromium
(docs/architecture.md#outcomes): the judge, with the hearing live, records a payment plan (the
sum, instalments and first due date asked only for a plan), then the end of this round of
enforcement; the list shows both, the later one standing; a typo in the sum is said in words."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, invite, schedule_hearing
from tests.integration.courtroom import session_cookie
from tests.signal_client import SignalClient


async def test_the_judge_records_a_payment_plan(
    open_tab: OpenTab, judge: Caller, base_url: str
) -> None:
    hearing = await schedule_hearing(
        judge, "(2026)浙0402执恢7号", kind="enforcement_interview", title="终本约谈"
    )
    hid = hearing["id"]
    await invite(judge, hid, name="被执行人乙", side="respondent")
    bench = SignalClient(base_url)
    await bench.connect(hid, cookie=session_cookie(judge))
    try:
        for step in ("open", "start_session"):
            assert "error" not in await bench.call(step)
        tab = await open_tab("outcome-judge", "/")
        page = tab.page
        await log_in(page, "judge")
        await page.goto(f"/#/hearings/{hid}")
        outcomes = page.get_by_test_id("outcomes")
        await expect(outcomes.get_by_test_id("outcome-list")).to_contain_text("尚未记录结果")

        await outcomes.get_by_test_id("outcome-choice").select_option("payment_plan")
        await outcomes.get_by_test_id("outcome-amount").fill("12,000.5x")
        await outcomes.get_by_test_id("outcome-instalments").fill("6")
        await outcomes.get_by_test_id("outcome-first-due").fill("2027-01-15")
        await outcomes.get_by_test_id("outcome-record").click()
        await expect(outcomes.get_by_test_id("outcome-error")).to_contain_text("以元为单位")

        await outcomes.get_by_test_id("outcome-amount").fill("12,000.50")
        await outcomes.get_by_test_id("outcome-note").fill("被执行人自愿分期履行")
        await outcomes.get_by_test_id("outcome-record").click()
        recorded = outcomes.get_by_test_id("outcome")
        await expect(recorded).to_have_count(1)
        await expect(recorded.first).to_contain_text("确定履行计划")
        await expect(recorded.first).to_contain_text("¥12,000.50")
        await expect(recorded.first).to_contain_text("分6期，自2027-01-15起")
        await expect(outcomes.get_by_test_id("outcome-error")).to_be_hidden()

        await outcomes.get_by_test_id("outcome-choice").select_option("termination")
        await expect(outcomes.get_by_test_id("outcome-amount")).to_be_hidden()
        await expect(outcomes.get_by_test_id("outcome-instalments")).to_be_hidden()
        await outcomes.get_by_test_id("outcome-record").click()
        await expect(recorded).to_have_count(2)
        await expect(recorded.nth(1)).to_contain_text("终结本次执行程序")
        await expect(recorded.nth(0)).to_contain_text("已由其后记录的结果取代")
        listed = await judge.call("GET", f"/hearings/{hid}/outcomes")
        assert [o["outcome"] for o in listed["items"]] == ["payment_plan", "termination"]
        assert listed["items"][0]["amount_fen"] == 1_200_050
    finally:
        await bench.close()
