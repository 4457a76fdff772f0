"""Invitations that reach people, in Chromium (issue 19): the clerk adds a party with a mail
address and a phone and has the link sent both ways; the page shows the link with its QR code
(read back from a screenshot), the mail arrives at a real SMTP server with the link in it, the
SMS gateway's 500 is shown as the reason the SMS was not sent, and the printable invitation
carries the same link. Sending again by mail, confirmed, replaces the link."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import Locator, Page, expect

from config import Settings
from tests.browser.conftest import PHONE, OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, schedule_hearing
from tests.conftest import settings_with
from tests.delivery_servers import (
    Gateway,
    MailServer,
    delivery_settings,
    mail_server,
    sms_gateway,
)
from tests.pdf_files import qr_texts

SENT = 20_000
"""Time for a send to finish in the background and the list to ask again (every 3 s)."""


@pytest.fixture
async def smtp() -> AsyncIterator[MailServer]:
    async with mail_server() as server:
        yield server


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with sms_gateway(status=500) as server:
        yield server


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp: MailServer, gateway: Gateway) -> Settings:
    return settings_with(database_url, tmp_path, **delivery_settings(smtp, gateway))


async def qr_text(code: Locator) -> str:
    """What the QR code drawn in `code` says, read from a screenshot of it."""
    picture = Image.open(io.BytesIO(await code.screenshot()))
    found = zxingcpp.read_barcodes(picture)
    assert len(found) == 1, found
    return str(found[0].text)


def delivery(page: Page, channel: str, state: str) -> Locator:
    """The deliveries list's rows of `channel` in `state`."""
    return page.get_by_test_id("deliveries").locator(
        f'li[data-channel="{channel}"][data-state="{state}"]'
    )


async def test_the_clerk_sends_an_invitation_by_mail_and_sms(
    open_tab: OpenTab, judge: Caller, smtp: MailServer, gateway: Gateway
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民初19号", title="跨境买卖合同纠纷")
    tab = await open_tab("invite-send", "/", locale="zh-CN")
    page = tab.page
    await log_in(page, "clerk")
    await page.goto(f"/#/hearings/{hearing['id']}")

    form = page.get_by_test_id("participant-form")
    await form.get_by_test_id("participant-name").fill("Anna Schmidt")
    await form.get_by_test_id("participant-side").select_option("defendant")
    await form.get_by_test_id("participant-email").fill("anna@example.de")
    await form.get_by_test_id("participant-phone").fill("+49 151-2345 6789")
    await form.get_by_test_id("participant-language").select_option("en")
    await form.get_by_test_id("participant-time-zone").fill("Europe/Berlin")
    # offered: the server has both a mail server and an SMS gateway
    await form.get_by_test_id("send-mail").check()
    await form.get_by_test_id("send-sms").check()
    await tab.screenshot("form-zh")
    await form.get_by_test_id("participant-add").click()

    row = page.get_by_test_id("participant-list").locator("li", has_text="Anna Schmidt")
    link = row.get_by_test_id("invitation-link")
    await expect(link).to_be_visible()
    url = await link.input_value()
    assert "/join#" in url
    await expect(row.get_by_test_id("contact")).to_contain_text("anna@example.de")
    await expect(row.get_by_test_id("contact")).to_contain_text("+4915123456789")
    qr = row.get_by_test_id("invitation-qr")
    await expect(qr).to_be_visible()
    assert await qr_text(qr) == url

    # the mail is sent; the gateway's 500 is the reason the SMS is not
    await expect(delivery(page, "mail", "sent")).to_have_count(1, timeout=SENT)
    await expect(delivery(page, "mail", "sent")).to_contain_text("anna@example.de")
    await expect(delivery(page, "mail", "sent")).to_contain_text("已发送")
    failed = delivery(page, "sms", "failed")
    await expect(failed).to_have_count(1, timeout=SENT)
    await expect(failed).to_contain_text("+4915123456789")
    await expect(failed).to_contain_text("发送失败")
    reason = failed.get_by_test_id("delivery-detail")
    await expect(reason).to_contain_text("短信网关拒绝了发送")
    await expect(reason).to_contain_text("500")
    await tab.screenshot("sent-zh")

    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail.recipients == ["anna@example.de"]
    assert url in mail.text()
    assert len(gateway.received) == 1
    assert gateway.received[0]["to"] == "+4915123456789"
    assert url in gateway.received[0]["text"]

    # the printable invitation: a PDF whose QR code is the same link
    async with page.expect_download() as downloading:
        await row.get_by_test_id("invitation-pdf").click()
    saved = Path(await (await downloading.value).path())
    pdf = await asyncio.to_thread(saved.read_bytes)
    assert pdf.startswith(b"%PDF")
    assert url in qr_texts(pdf)

    # Sent again by mail, confirmed: a new link (the old one stops working), mailed.
    page.once("dialog", lambda dialog: dialog.accept())
    await row.get_by_test_id("send-mail").click()
    await expect(link).not_to_have_value(url)
    fresh = await link.input_value()
    assert await qr_text(qr) == fresh
    await expect(delivery(page, "mail", "sent")).to_have_count(2, timeout=SENT)
    assert len(smtp.received) == 2
    assert fresh in smtp.received[1].text()
    assert url not in smtp.received[1].text()

    await page.set_viewport_size(PHONE)
    await tab.screenshot("sent-phone-zh")

    # Her contact corrected: the next mail goes to the new address.
    await row.get_by_test_id("contact-edit").click()
    editor = row.get_by_test_id("contact-editor")
    await editor.locator('input[name="email"]').fill("anna.schmidt@example.de")
    await editor.get_by_test_id("contact-save").click()
    await expect(editor).to_have_count(0)
    await expect(row.get_by_test_id("contact")).to_contain_text("anna.schmidt@example.de")
    page.once("dialog", lambda dialog: dialog.accept())
    await row.get_by_test_id("send-mail").click()
    await expect(delivery(page, "mail", "sent")).to_have_count(3, timeout=SENT)
    assert smtp.received[2].recipients == ["anna.schmidt@example.de"]
