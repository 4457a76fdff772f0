"""The transcript's sealed PDF in the browser (docs/architecture.md#transcript): before the court
closes the record the clerk's archive says it is not sealed yet; once closed, the clerk opens and
downloads it there (its text holds the Chinese lines), and a party the court granted the
recording downloads it on a phone — fetched with the invitation's header, saved from a Blob
under the server's file name — byte for byte what was sealed. Their page names the signing
section for what it is, not "Hearing recording". A party whose access is withdrawn meanwhile is
told so, in their language, and gets no file."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Download, Page, Request, expect

from config import Settings
from hearing_server.db.database import Database
from tests.browser.conftest import OpenTab
from tests.browser.test_live import both_languages
from tests.browser.test_staff import log_in
from tests.callers import Caller, NewCaller, World
from tests.functional.test_transcript_filing import closed_and_signed, pdf_of, pdf_text
from tests.sealed_recording import seal_at_close

pytestmark = pytest.mark.browser

LINES = ("(2026)A刑初1号", "请被告人陈述。", "我借了五万元。", "我方对借款金额有异议。", "拒绝签名")


async def downloaded(page: Page, testid: str) -> tuple[str, bytes]:
    """Click ``testid`` and wait for the file it saves: its suggested name and its bytes."""
    async with page.expect_download() as info:
        await page.get_by_test_id(testid).click()
    download = await info.value
    path = await download.path()
    return download.suggested_filename, await asyncio.to_thread(Path(path).read_bytes)


async def test_the_clerk_and_a_granted_party_download_the_sealed_transcript(
    open_tab: OpenTab,
    judge: Caller,
    clerk: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    world: World,
) -> None:
    cast = await closed_and_signed(judge, clerk, new_caller, database, world)
    recording_id = await seal_at_close(database, settings, cast.id)

    # Recording sealed, record still open: the archive says the PDF is not sealed yet.
    desk = await open_tab("transcript-pdf-clerk", f"/archive#/recordings/{recording_id}")
    await log_in(desk.page, "clerk")
    item = desk.page.get_by_test_id("transcript-pdf")
    await expect(item).to_contain_text("庭审笔录 (PDF)")
    await expect(desk.page.get_by_test_id("transcript-pdf-none")).to_contain_text("笔录尚未封存")
    await expect(desk.page.get_by_test_id("transcript-pdf-download")).to_have_count(0)

    await judge.call("POST", cast.path("/close"))
    sealed_pdf = await pdf_of(judge, recording_id)
    detail: dict[str, Any] = await clerk.call("GET", f"/recordings/{recording_id}")
    sha256 = detail["transcript"]["sha256"]
    assert sha256 == hashlib.sha256(sealed_pdf).hexdigest()

    # The clerk: the item with its hash, a link to read it, a download of the sealed bytes.
    await desk.page.reload()
    await expect(desk.page.get_by_test_id("transcript-pdf-sha256")).to_have_text(sha256)
    opened = desk.page.get_by_test_id("transcript-pdf-open")
    assert await opened.get_attribute("href") == f"/api/v1/recordings/{recording_id}/transcript.pdf"
    assert await opened.get_attribute("target") == "_blank"
    name, body = await downloaded(desk.page, "transcript-pdf-download")
    assert name.startswith("(2026)A刑初1号 ") and name.endswith(" 庭审笔录.pdf"), name
    assert hashlib.sha256(body).hexdigest() == sha256
    text = pdf_text(body)
    for words in LINES:
        assert words in text, words
    await both_languages(desk, "transcript-pdf-archive")
    await desk.page.get_by_test_id("lang-switch").first.click()
    await expect(item).to_contain_text("Transcript (PDF)")
    await expect(item.get_by_test_id("transcript-pdf-download")).to_have_text("Download")

    # The party 张三, granted the recording, on a phone with their invitation link.
    zhang = cast.people["party"]
    await judge.call(
        "POST", f"/recordings/{recording_id}/grants", {"participant_id": zhang["id"]}, expect=201
    )
    party = await open_tab("transcript-pdf-party", f"/join#{zhang['token']}", phone=True)
    page = party.page
    await expect(page.get_by_test_id("invitation")).to_contain_text("庭审已结束")
    await expect(page.get_by_test_id("invitation")).not_to_contain_text("庭审录像")
    await expect(page.get_by_test_id("signing-title")).to_have_text("庭审笔录")
    await expect(page.get_by_test_id("record-closed")).to_be_visible()
    await expect(page.get_by_test_id("transcript-pdf-sha256")).to_have_text(sha256)
    pdf_requests: list[str | None] = []

    async def on_request(request: Request) -> None:
        if "/transcript.pdf" in request.url:
            pdf_requests.append((await request.all_headers()).get("authorization"))

    page.on("request", on_request)
    name, body = await downloaded(page, "transcript-pdf-download")
    assert name.startswith("(2026)A刑初1号 ") and name.endswith(" 庭审笔录.pdf"), name
    assert body == sealed_pdf
    assert pdf_requests == [f"Invitation {zhang['token']}"], pdf_requests

    # Open: a new tab shows the fetched copy (a link alone would not carry the invitation).
    async with page.context.expect_page() as tab_info:
        await page.get_by_test_id("transcript-pdf-open").click()
    viewer = await tab_info.value
    await viewer.wait_for_url(lambda url: url.startswith("blob:"), wait_until="commit")
    await viewer.close()
    await both_languages(party, "transcript-pdf-party")
    await page.get_by_test_id("lang-switch").first.click()
    await expect(page.get_by_test_id("invitation")).to_contain_text("The hearing is over")
    await expect(page.get_by_test_id("signing-title")).to_have_text("The hearing transcript")
    await expect(page.get_by_test_id("transcript-pdf")).to_contain_text("Transcript (PDF)")

    # The court withdraws the access: the page still shows the item; following it is refused.
    await judge.call("DELETE", f"/recordings/{recording_id}/grants/{zhang['id']}", expect=204)
    downloads: list[Download] = []

    def on_download(download: Download) -> None:
        downloads.append(download)

    page.on("download", on_download)
    await page.get_by_test_id("transcript-pdf-download").click()
    problem = page.get_by_test_id("transcript-pdf-error")
    await expect(problem).to_be_visible()
    await expect(problem).to_have_attribute("role", "alert")
    await expect(problem).to_contain_text("the court has not given you access")
    assert downloads == []
