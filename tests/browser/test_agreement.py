"""A mediation agreement in Chromium (docs/architecture.md#mediation-agreement): the mediator
writes the terms on the hearing's page while it is live; after close the worker opens their
link on a phone, reads the terms and signs them with a drawn signature; the mediator's page
shows it signed, and the mediator closes the agreement."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import judge_in_session
from tests.browser.test_signing import draw_signature
from tests.browser.test_staff import log_in
from tests.callers import Caller, invite, schedule_hearing

TERMS = "一、被申请人于2027年1月15日前支付申请人工资12000元。\n二、申请人放弃其他请求。"


async def test_the_worker_signs_the_agreement_the_mediator_wrote(
    open_tab: OpenTab, judge: Caller, server: TestServer
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民调88号", kind="mediation")
    hid = hearing["id"]
    worker = await invite(judge, hid, name="工人甲", side="plaintiff")
    worker_id = worker["participant"]["id"]
    bench = await open_tab("mediator", "/")
    desk = bench.page
    await log_in(desk, "judge")
    async with judge_in_session(server, judge, hid) as mediator:
        await desk.goto(f"/#/hearings/{hid}")
        section = desk.get_by_test_id("agreement")
        await expect(section.get_by_test_id("agreement-state")).to_contain_text("尚未拟定")
        await section.get_by_test_id("agreement-text").fill(TERMS)
        await section.get_by_test_id("agreement-save").click()
        await expect(section.get_by_test_id("agreement-state")).to_contain_text("第 1 版")
        signer = section.locator(f'[data-testid=agreement-signer][data-participant="{worker_id}"]')
        await expect(signer.locator(".state")).to_have_attribute("data-status", "pending")
        assert await mediator.signal.call("close") == {"ok": True}

    tab = await open_tab("worker", f"/join#{worker['invitation']['token']}", phone=True)
    page = tab.page
    agreement = page.get_by_test_id("agreement")
    await expect(agreement).to_have_attribute("data-status", "pending")
    await expect(agreement.get_by_test_id("agreement-text")).to_have_text(TERMS)
    await agreement.get_by_test_id("agreement-sign").click()
    await page.get_by_test_id("sign-name").fill("工人甲")
    await draw_signature(page, page.get_by_test_id("signature-canvas"))
    await page.get_by_test_id("sign-submit").click()
    await expect(agreement).to_have_attribute("data-status", "signed")
    await expect(agreement.get_by_test_id("agreement-status")).to_contain_text("您已在本协议上签名")
    await tab.screenshot("agreement-signed")

    await expect(signer.locator(".state")).to_have_attribute(
        "data-status", "signed", timeout=15_000
    )
    await expect(section.get_by_test_id("agreement-close")).to_be_hidden()  # the live page's
    await desk.reload()  # the hearing is closed now: the agreement may be closed and sealed
    desk.once("dialog", lambda dialog: dialog.accept())
    await section.get_by_test_id("agreement-close").click()
    await expect(section.get_by_test_id("agreement-state")).to_contain_text("结束签署")
    await expect(section.get_by_test_id("agreement-form")).to_be_hidden()
    sealed = await judge.call("GET", f"/hearings/{hid}/agreement")
    assert sealed["sealed_sha256"] is not None
    await page.reload()
    await expect(page.get_by_test_id("agreement")).to_have_attribute("data-status", "signed")
