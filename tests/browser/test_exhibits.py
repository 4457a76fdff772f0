"""The evidence screens in Chromium (docs/architecture.md#exhibits): a phone-sized plaintiff
submits an exhibit from the join page; the defendant does not see it until the judge opens the
exchange on the staff page; the defendant then disputes its authenticity with a reason, and the
judge's examination matrix shows it, in both languages."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, World, invite, schedule_hearing


async def reload(page: Page) -> None:
    """The screens show what the server holds when they load (nothing is pushed to them)."""
    await page.reload()
    await expect(page.get_by_test_id("evidence")).to_be_visible()


async def test_exchange_and_examination_from_the_join_page_and_the_bench(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民初9号", title="买卖合同纠纷")
    people: dict[str, Any] = {
        side: await invite(judge, hearing["id"], name=name, side=side)
        for side, name in [("plaintiff", "张三"), ("defendant", "李四")]
    }
    defendant_id = people["defendant"]["participant"]["id"]
    plaintiff_id = people["plaintiff"]["participant"]["id"]

    # The plaintiff, on a phone, in English: nothing yet, then an exhibit of their own.
    plaintiff = await open_tab(
        "exhibits-plaintiff",
        f"/join#{people['plaintiff']['invitation']['token']}",
        phone=True,
        locale="en-US",
    )
    page = plaintiff.page
    ours = page.get_by_test_id("our-exhibits")
    await expect(ours).to_contain_text("None yet.")
    await page.get_by_test_id("exhibit-title-input").fill("买卖合同")
    await page.get_by_test_id("exhibit-purpose-input").fill("证明双方之间存在买卖合同关系")
    await page.get_by_test_id("exhibit-submit").click()
    await expect(ours.get_by_test_id("exhibit-label")).to_have_text(["Plaintiff's exhibit 1"])
    await expect(ours.get_by_test_id("exhibit-title")).to_have_text(["买卖合同"])
    await expect(ours.get_by_test_id("exhibit-status")).to_contain_text(["Submitted by 张三"])
    await expect(ours.get_by_test_id("withdraw")).to_be_visible()
    await expect(page.get_by_test_id("exchange-note")).to_have_text(
        "The other side's evidence is shown after the exchange; the court has not set its date yet."
    )
    await plaintiff.screenshot("plaintiff-submitted-en")
    listed = await judge.call("GET", f"/cases/{hearing['case_id']}/exhibits")
    exhibit_id = listed["items"][0]["id"]

    # The defendant, on a phone: the plaintiff's exhibit is not there before the exchange.
    defendant = await open_tab(
        "exhibits-defendant",
        f"/join#{people['defendant']['invitation']['token']}",
        phone=True,
        locale="en-US",
    )
    their = defendant.page
    await expect(their.get_by_test_id("other-exhibits")).to_contain_text("None yet.")
    await expect(their.get_by_test_id(f"exhibit-{exhibit_id}")).to_have_count(0)

    # The judge, on the staff page: the exhibit, a date for the exchange, then open it now.
    bench = await open_tab("exhibits-judge", "/", locale="en-US")
    await log_in(bench.page, "judge")
    await bench.page.goto(f"/#/hearings/{hearing['id']}")
    await bench.page.get_by_test_id("evidence-link").click()
    screen = bench.page.get_by_test_id("bench-evidence")
    await expect(screen.get_by_test_id(f"exhibit-{exhibit_id}")).to_contain_text(
        "Plaintiff's exhibit 1"
    )
    status = screen.get_by_test_id("exchange-status")
    await expect(status).to_have_attribute("data-exchanged", "false")
    await screen.get_by_test_id("exchange-deadline").fill("2030-06-01T09:30")
    await screen.get_by_test_id("exchange-set").click()
    await expect(status).to_contain_text("Exchange on 2030-06-01 09:30")
    await reload(their)
    await expect(their.get_by_test_id("exchange-note")).to_contain_text(
        "The other side's evidence is shown after the exchange on"
    )
    await expect(their.get_by_test_id("exchange-note")).to_contain_text("2030")
    await expect(their.get_by_test_id(f"exhibit-{exhibit_id}")).to_have_count(0)
    await defendant.screenshot("defendant-before-exchange-en")

    bench.page.once("dialog", lambda dialog: dialog.accept())
    await screen.get_by_test_id("exchange-open").click()
    await expect(status).to_have_attribute("data-exchanged", "true")
    await expect(screen.get_by_test_id("exchange-open")).to_have_count(0)

    # The defendant now sees it and disputes its authenticity, with a reason.
    await reload(their)
    exhibit = their.get_by_test_id("other-exhibits").get_by_test_id(f"exhibit-{exhibit_id}")
    await expect(exhibit.get_by_test_id("exhibit-label")).to_have_text("Plaintiff's exhibit 1")
    await expect(exhibit.get_by_test_id("exhibit-purpose")).to_have_text(
        "证明双方之间存在买卖合同关系"
    )
    authenticity = exhibit.get_by_test_id("opinion-authenticity")
    await authenticity.get_by_test_id("opinion-choice").select_option("disputed")
    await authenticity.get_by_test_id("opinion-reason").fill("合同上的签名不是被告所签")
    await authenticity.get_by_test_id("opinion-save").click()
    await expect(authenticity.get_by_test_id("opinion-saved")).to_have_text("Saved")
    await expect(authenticity).to_have_attribute("data-given", "disputed")
    await defendant.screenshot("defendant-examined-en")

    # The judge's matrix: the defendant's column says "disputed" and why; the plaintiff's own
    # exhibit is not theirs to examine.
    await bench.page.reload()
    row = screen.get_by_test_id(f"matrix-row-{exhibit_id}")
    disputed = row.get_by_test_id(f"cell-{defendant_id}-authenticity")
    await expect(disputed).to_have_attribute("data-opinion", "disputed")
    await expect(disputed).to_contain_text("Disputed")
    await expect(disputed).to_contain_text("合同上的签名不是被告所签")
    await expect(row.get_by_test_id(f"cell-{defendant_id}-legality")).to_have_attribute(
        "data-opinion", ""
    )
    await expect(row.get_by_test_id(f"cell-{plaintiff_id}-authenticity")).to_have_attribute(
        "data-opinion", "own"
    )
    await bench.screenshot("judge-matrix-en")
    await bench.page.get_by_test_id("lang-switch").click()
    await expect(row).to_contain_text("原告证据1")
    await expect(disputed).to_contain_text("有异议")
    await expect(status).to_contain_text("已于")
    await bench.screenshot("judge-matrix-zh")
    await bench.page.set_viewport_size(PHONE)
    await expect(disputed).to_be_attached()
    await bench.screenshot("judge-matrix-phone-zh")

    # The plaintiff switches to Chinese: their list's label follows.
    await page.get_by_test_id("lang-switch").click()
    await expect(ours.get_by_test_id("exhibit-label")).to_have_text(["原告证据1"])
    await expect(page.get_by_test_id("evidence").locator("h2")).to_have_text("证据")
    await plaintiff.screenshot("plaintiff-zh")
