"""The evidence screens in Chromium (docs/architecture.md#exhibits): a phone-sized plaintiff
submits an exhibit from the join page; the defendant does not see it until the judge opens the
exchange on the staff page; the defendant then disputes its authenticity (a reason first), and
the judge's examination matrix shows it, in both languages. The court's own exhibit is submitted,
given a file and withdrawn from the bench. Nobody reloads: each screen follows what the others
do, and keeps what its reader is in the middle of writing."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from tests.browser.conftest import PHONE, OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, World, invite, schedule_hearing
from tests.pdf_files import made_by_pdfium

FOLLOWED_MS = 15_000
"""Long enough for a screen to see another's change (it asks every few seconds)."""


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
    await expect(their.get_by_test_id("exchange-note")).to_contain_text(
        "The other side's evidence is shown after the exchange on", timeout=FOLLOWED_MS
    )
    await expect(their.get_by_test_id("exchange-note")).to_contain_text("2030")
    await expect(their.get_by_test_id(f"exhibit-{exhibit_id}")).to_have_count(0)
    await defendant.screenshot("defendant-before-exchange-en")

    bench.page.once("dialog", lambda dialog: dialog.accept())
    await screen.get_by_test_id("exchange-open").click()
    await expect(status).to_have_attribute("data-exchanged", "true")
    await expect(screen.get_by_test_id("exchange-open")).to_have_count(0)

    # The defendant now sees it and disputes its authenticity: a dispute needs its reason.
    exhibit = their.get_by_test_id("other-exhibits").get_by_test_id(f"exhibit-{exhibit_id}")
    await expect(exhibit.get_by_test_id("exhibit-label")).to_have_text(
        "Plaintiff's exhibit 1", timeout=FOLLOWED_MS
    )
    await expect(exhibit.get_by_test_id("exhibit-purpose")).to_have_text(
        "证明双方之间存在买卖合同关系"
    )
    authenticity = exhibit.get_by_test_id("opinion-authenticity")
    await authenticity.get_by_test_id("opinion-choice").select_option("disputed")
    await authenticity.get_by_test_id("opinion-save").click()
    await expect(authenticity.get_by_test_id("opinion-reason-missing")).to_have_text(
        "Say why you dispute this: a dispute needs a reason."
    )
    await expect(authenticity).to_have_attribute("data-given", "")
    await authenticity.get_by_test_id("opinion-reason").fill("合同上的签名不是被告所签")
    await expect(authenticity.get_by_test_id("opinion-reason-missing")).to_have_count(0)
    await authenticity.get_by_test_id("opinion-save").click()
    await expect(authenticity.get_by_test_id("opinion-saved")).to_have_text("Saved")
    await expect(authenticity).to_have_attribute("data-given", "disputed")
    await defendant.screenshot("defendant-examined-en")

    # The judge's matrix: the defendant's column says "disputed" and why; the plaintiff's own
    # exhibit is not theirs to examine.
    row = screen.get_by_test_id(f"matrix-row-{exhibit_id}")
    disputed = row.get_by_test_id(f"cell-{defendant_id}-authenticity")
    await expect(disputed).to_have_attribute("data-opinion", "disputed", timeout=FOLLOWED_MS)
    await expect(disputed).to_contain_text("Disputed")
    await expect(disputed).to_contain_text("合同上的签名不是被告所签")
    await expect(row.get_by_test_id(f"cell-{defendant_id}-legality")).to_have_attribute(
        "data-opinion", ""
    )
    await expect(row.get_by_test_id(f"cell-{plaintiff_id}-authenticity")).to_have_attribute(
        "data-opinion", "own"
    )
    await bench.screenshot("judge-matrix-en")

    # The defendant starts on the legality, unsaved, while the court submits its own exhibit,
    # gives it a file and withdraws it: the defendant's list follows, their words stay.
    legality = exhibit.get_by_test_id("opinion-legality")
    await legality.get_by_test_id("opinion-choice").select_option("disputed")
    await legality.get_by_test_id("opinion-reason").fill("未经公证")
    await screen.get_by_test_id("exhibit-title-input").fill("法院调取的银行流水")
    await screen.get_by_test_id("exhibit-purpose-input").fill("证明货款支付情况")
    await screen.get_by_test_id("exhibit-submit").click()
    court = screen.get_by_test_id("all-exhibits").locator("[data-side=court]")
    await expect(court.get_by_test_id("exhibit-label")).to_have_text("Court's exhibit 1")
    await expect(screen.get_by_test_id("exhibit-title-input")).to_have_value("")
    statement = made_by_pdfium(1)
    await court.get_by_test_id("file-input").set_input_files(
        {"name": "银行流水.pdf", "mimeType": "application/pdf", "buffer": statement}
    )
    await expect(court.get_by_test_id("file-name")).to_have_text("银行流水.pdf", timeout=20_000)
    theirs_court = their.get_by_test_id("other-exhibits").locator("[data-side=court]")
    await expect(theirs_court.get_by_test_id("file-name")).to_have_text(
        "银行流水.pdf", timeout=FOLLOWED_MS
    )
    await expect(legality.get_by_test_id("opinion-choice")).to_have_value("disputed")
    await expect(legality.get_by_test_id("opinion-reason")).to_have_value("未经公证")
    await expect(legality).to_have_attribute("data-given", "")
    await bench.screenshot("judge-court-exhibit-en")
    bench.page.once("dialog", lambda dialog: dialog.accept())
    await court.get_by_test_id("withdraw").click()
    await expect(court).to_have_attribute("data-withdrawn", "true")
    await expect(court.get_by_test_id("withdraw")).to_have_count(0)
    await expect(court.get_by_test_id("file-input")).to_have_count(0)
    await expect(theirs_court).to_have_attribute("data-withdrawn", "true", timeout=FOLLOWED_MS)
    await expect(legality.get_by_test_id("opinion-reason")).to_have_value("未经公证")
    await legality.get_by_test_id("opinion-save").click()
    await expect(legality).to_have_attribute("data-given", "disputed")
    await expect(row.get_by_test_id(f"cell-{defendant_id}-legality")).to_have_attribute(
        "data-opinion", "disputed", timeout=FOLLOWED_MS
    )
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
