"""A creditors' meeting's roll on the staff participants screen (docs/architecture.md#votes), in
Chromium: the clerk imports a creditors' list with a bad row and sees its line and column named,
nothing made; imports it corrected and sees the creditors with their links and the claims table;
edits one claim; adds a motion. Both languages."""

from __future__ import annotations

from playwright.async_api import FilePayload, expect

from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, World

GOOD = (
    "名称,债权额,组别,联系方式\n"
    '甲银行,"1,200,000.50",有财产担保债权,010-12345678\n'
    "乙公司,3000,普通债权,yi@example.com\n"
)
BAD = GOOD + "丙公司,12.345,普通债权,\n"
FIXED = GOOD + "丙公司,12.34,普通债权,\n"


def csv_file(text: str) -> FilePayload:
    return {"name": "creditors.csv", "mimeType": "text/csv", "buffer": text.encode()}


async def test_the_clerk_imports_creditors_and_puts_a_motion(
    open_tab: OpenTab, world: World, judge: Caller
) -> None:
    tab = await open_tab(
        "staff-creditors", "/", locale="zh-CN", permissions=["clipboard-read", "clipboard-write"]
    )
    page = tab.page
    await log_in(page, "clerk")
    await page.get_by_test_id("schedule").click()
    await page.get_by_test_id("case-number").fill("(2026)浙0402破1号")
    await page.get_by_test_id("case-title").fill("某公司破产清算")
    await page.get_by_test_id("kind").select_option("creditors_meeting")
    await page.get_by_test_id("judge").select_option(label="judge")
    await page.get_by_test_id("schedule-submit").click()
    roll = page.get_by_test_id("creditors")
    await expect(roll.get_by_role("heading").first).to_have_text("债权人名册")
    await expect(roll.get_by_test_id("claims-none")).to_have_text("尚无债权。")
    hid = int(page.url.split("/hearings/")[1].split("/")[0])

    # A list with one bad cell: its line and column named, in Chinese; nothing made.
    await roll.get_by_test_id("creditor-file").set_input_files(csv_file(BAD))
    await roll.get_by_test_id("creditor-import").click()
    error = roll.get_by_test_id("creditor-import-error")
    await expect(error).to_contain_text("共 1 处错误")
    problem = roll.get_by_test_id("problem-4-claim")
    await expect(problem).to_contain_text("第4行“债权额”列")
    await expect(problem).to_contain_text("债权额须为元，最多两位小数")
    await tab.screenshot("refused-zh")
    await page.get_by_test_id("lang-switch").click()
    await expect(problem).to_contain_text("Line 4, column “claim”")
    await expect(problem).to_contain_text("a claim is yuan with at most two decimals")
    await expect(error).to_contain_text("1 problem(s)")
    await tab.screenshot("refused-en")
    assert (await judge.call("GET", f"/hearings/{hid}/claims"))["items"] == []
    people = (await judge.call("GET", f"/hearings/{hid}/participants"))["items"]
    assert [p for p in people if p["role"] == "creditor"] == []

    # Corrected: the creditors made, each with a link to copy; the claims listed.
    await roll.get_by_test_id("creditor-file").set_input_files(csv_file(FIXED))
    await roll.get_by_test_id("creditor-import").click()
    await expect(error).to_be_hidden()
    await expect(roll.get_by_test_id("creditor-problems")).to_be_hidden()
    made = roll.get_by_test_id("creditors-made").locator("li")
    await expect(made).to_have_count(3)
    bank = made.filter(has_text="甲银行")
    await expect(bank).to_contain_text("Secured claims · ¥1,200,000.50 · 010-12345678")
    link = await bank.get_by_test_id("invitation-link").input_value()
    assert "/join#" in link
    await bank.get_by_test_id("copy").click()
    await expect(bank.get_by_test_id("copied")).to_have_text("Copied")
    assert await page.evaluate("navigator.clipboard.readText()") == link
    await expect(page.get_by_test_id("participant-list")).to_contain_text("乙公司")

    claims = roll.get_by_test_id("claims-body").locator("tr")
    await expect(claims).to_have_count(3)
    first = claims.filter(has_text="甲银行")
    await expect(first.get_by_test_id("claim-group")).to_have_text("Secured claims")
    await expect(first.get_by_test_id("claim-amount")).to_have_text("1,200,000.50")
    await expect(first.get_by_test_id("claim-secured")).to_have_text("Yes")
    third = claims.filter(has_text="丙公司")
    await expect(third.get_by_test_id("claim-amount")).to_have_text("12.34")
    await expect(third.get_by_test_id("claim-secured")).to_have_text("No")
    await tab.screenshot("imported-en")

    # One claim edited: a bad amount is refused on the page, a good one saved.
    await third.get_by_test_id("claim-edit").click()
    await third.get_by_test_id("claim-amount-input").fill("12.345")
    await third.get_by_test_id("claim-save").click()
    await expect(roll.get_by_test_id("claims-error")).to_contain_text("at most two decimals")
    await third.get_by_test_id("claim-amount-input").fill("50,000")
    await third.get_by_test_id("claim-group-input").select_option("employees")
    await third.get_by_test_id("claim-save").click()
    await expect(third.get_by_test_id("claim-amount")).to_have_text("50,000.00")
    await expect(third.get_by_test_id("claim-group")).to_have_text("Employee claims")
    stored = {c["name"]: c for c in (await judge.call("GET", f"/hearings/{hid}/claims"))["items"]}
    assert (stored["丙公司"]["amount_fen"], stored["丙公司"]["group"]) == (5_000_000, "employees")

    # A motion, with its rule's label; both languages.
    await expect(roll.get_by_test_id("motions-none")).to_have_text("No motions yet.")
    await roll.get_by_test_id("motion-title").fill("财产变价方案")
    await roll.get_by_test_id("motion-rule").select_option("ordinary_unsecured")
    await roll.get_by_test_id("motion-add").click()
    motion = roll.get_by_test_id("motion-1")
    await expect(motion).to_contain_text("Motion 1: 财产变价方案")
    await expect(motion.get_by_test_id("motion-rule-label")).to_contain_text(
        "secured creditors not voting"
    )
    await expect(motion.get_by_test_id("motion-state")).to_have_text("Not voted on")
    await page.get_by_test_id("lang-switch").click()
    await expect(motion).to_contain_text("第1项议案：财产变价方案")
    await expect(motion.get_by_test_id("motion-rule-label")).to_contain_text(
        "有财产担保债权人不参加表决"
    )
    await expect(first.get_by_test_id("claim-group")).to_have_text("有财产担保债权")
    await expect(first.get_by_test_id("claim-secured")).to_have_text("是")
    await tab.screenshot("motions-zh")
    motions = (await judge.call("GET", f"/hearings/{hid}/motions"))["items"]
    assert [(m["seq"], m["title"], m["rule"]) for m in motions] == [
        (1, "财产变价方案", "ordinary_unsecured")
    ]
