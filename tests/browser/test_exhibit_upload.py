"""Uploading an exhibit's files from a phone in Chromium (docs/architecture.md#exhibits): a
plaintiff on the join page adds a real PDF and a real photo to their exhibit through the file
picker, with the connection dropped in the middle of each (once, which the page gets past by
itself; then for longer, until the person taps "Resume"); both files appear with their hashes; a
text file named .pdf is refused in English and in Chinese, a photo over the pixel limit with the
limit in each language; the judge's evidence screen lists the files."""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, Route, expect

from hearing_server.api import exhibit_uploads_api
from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, invite, schedule_hearing
from tests.functional.test_exhibit_uploads import picture
from tests.pdf_files import made_by_pdfium
from tests.unit.test_evidence_files import png_claiming

UPLOADS = "**/api/v1/uploads/*"
CHUNK = 16 << 10


class Line:
    """The phone's connection to the uploads: a chunk lost on the way, a chunk that claims the
    wrong offset, or the line down from some chunk on until restored."""

    def __init__(self) -> None:
        self.drop_next_chunk = False
        self.rewind_next_chunk = False
        self.down_after: int | None = None
        """Chunks still let through before the line goes down (None: it stays up)."""
        self.down = False
        self.dropped = 0

    async def route(self, route: Route) -> None:
        chunk = route.request.method == "PATCH"
        if chunk and self.down_after is not None:
            if self.down_after == 0:
                self.down, self.down_after = True, None
            else:
                self.down_after -= 1
        if self.down or (chunk and self.drop_next_chunk):
            self.drop_next_chunk = False
            self.dropped += 1
            await route.abort("connectionreset")
        elif chunk and self.rewind_next_chunk and route.request.headers["upload-offset"] != "0":
            self.rewind_next_chunk = False
            await route.continue_(headers={**route.request.headers, "upload-offset": "0"})
        else:
            await route.continue_()


async def add_file(page: Page, exhibit_id: int, name: str, mime: str, data: bytes) -> None:
    card = page.get_by_test_id(f"exhibit-{exhibit_id}")
    files = {"name": name, "mimeType": mime, "buffer": data}
    await card.get_by_test_id("file-input").set_input_files(files)  # type: ignore[arg-type]


async def test_a_phone_uploads_a_pdf_and_a_photo_through_a_dropped_connection(
    open_tab: OpenTab, judge: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small chunks: the photo takes several, so there is progress to see and offsets to miss
    monkeypatch.setattr(exhibit_uploads_api, "CHUNK_SIZE", CHUNK)
    hearing = await schedule_hearing(judge, "(2026)浙0402民初14号", title="买卖合同纠纷")
    plaintiff = await invite(judge, hearing["id"], name="张三", side="plaintiff")
    tab = await open_tab(
        "upload-plaintiff",
        f"/join#{plaintiff['invitation']['token']}",
        phone=True,
        locale="en-US",
    )
    page = tab.page
    await page.get_by_test_id("exhibit-title-input").fill("买卖合同及收货照片")
    await page.get_by_test_id("exhibit-purpose-input").fill("证明双方之间存在买卖合同关系")
    await page.get_by_test_id("exhibit-submit").click()
    # the submitted exhibit's card is drawn once the server has it
    await expect(page.get_by_test_id(re.compile(r"^exhibit-\d+$"))).to_have_count(1)
    listed = await judge.call("GET", f"/cases/{hearing['case_id']}/exhibits")
    exhibit_id = listed["items"][0]["id"]
    card = page.get_by_test_id(f"exhibit-{exhibit_id}")
    await expect(card.get_by_test_id("file-input")).to_have_attribute(
        "accept",
        "application/pdf,image/jpeg,image/png,image/webp,audio/mpeg,audio/mp4,"
        "audio/x-m4a,audio/wav,audio/x-wav,video/mp4,.pdf,.jpg,.jpeg,.png,.webp,.mp3,.m4a,.wav,"
        ".mp4",
    )
    line = Line()
    await page.route(UPLOADS, line.route)

    # A PDF: its one chunk is lost on the way; the page asks where the upload stands and
    # sends it again by itself.
    document = made_by_pdfium(2)
    line.drop_next_chunk = True
    await add_file(page, exhibit_id, "合同.pdf", "application/pdf", document)
    pdf_hash = hashlib.sha256(document).hexdigest()
    stored = card.locator(f"[data-sha256='{pdf_hash}']")
    await expect(stored).to_contain_text("合同.pdf", timeout=20_000)
    await expect(stored).to_contain_text(pdf_hash[:12])
    assert line.dropped == 1

    # A photo in chunks: one claims to start at 0 and gets the server's offset back (409), then
    # the line goes down for longer than the page keeps trying: "Resume" once it is back.
    photo = picture()
    assert len(photo) > 2 * CHUNK
    line.rewind_next_chunk = True
    line.down_after = 2
    await add_file(page, exhibit_id, "收货照片.jpg", "image/jpeg", photo)
    upload = card.get_by_test_id("upload")
    await expect(upload).to_have_attribute("data-status", "stopped", timeout=30_000)
    await expect(upload.get_by_test_id("upload-percent")).to_have_text(
        f"{CHUNK * 100 // len(photo)}%"
    )
    await expect(card.get_by_test_id("upload-error")).to_contain_text("The connection dropped")
    assert not line.rewind_next_chunk
    await tab.screenshot("photo-stopped-en")
    line.down = False
    await upload.get_by_test_id("upload-resume").click()
    photo_hash = hashlib.sha256(photo).hexdigest()
    stored_photo = card.locator(f"[data-sha256='{photo_hash}']")
    await expect(stored_photo).to_contain_text("收货照片.jpg", timeout=20_000)
    await expect(stored_photo).to_contain_text(photo_hash[:12])
    await expect(card.get_by_test_id("upload-error")).to_have_count(0)
    await expect(card.get_by_test_id("file-input")).to_be_attached()

    # A text file named .pdf: refused, in the person's language.
    await add_file(page, exhibit_id, "假的.pdf", "application/pdf", b"not a PDF at all\n")
    refusal = card.get_by_test_id("upload-error")
    await expect(refusal).to_have_text(
        "The court does not accept this kind of file. It accepts PDF, JPEG, PNG, WebP, MP3, "
        "M4A, WAV and MP4 files.",
        timeout=20_000,
    )
    await expect(card.get_by_test_id("exhibit-file")).to_have_count(2)
    await tab.screenshot("refused-en")
    await page.get_by_test_id("lang-switch").click()
    await expect(refusal).to_have_text(
        "法院不接受此类文件。可接受的格式：PDF、JPEG、PNG、WebP、MP3、M4A、WAV、MP4。"
    )
    await tab.screenshot("refused-zh")
    # A photo over the pixel limit: the limit is worded from the refusal's details.
    await add_file(page, exhibit_id, "炸弹.png", "image/png", png_claiming(100_000, 100_000))
    await expect(refusal).to_have_text("图片超过50百万像素。", timeout=20_000)
    await page.get_by_test_id("lang-switch").click()
    await expect(refusal).to_have_text("This image has more than 50 megapixels.")

    # The party's download: the invitation goes in a header, so the page fetches the file.
    async with page.expect_download() as downloading:
        await stored.get_by_test_id("file-download").click()
    download = await downloading.value
    assert download.suggested_filename == "合同.pdf"
    saved = Path(await download.path())
    assert await asyncio.to_thread(saved.read_bytes) == document

    # The judge's evidence screen lists both files with their hashes, to download.
    bench = await open_tab("upload-judge", "/", locale="en-US")
    await log_in(bench.page, "judge")
    await bench.page.goto(f"/#/hearings/{hearing['id']}")
    await bench.page.get_by_test_id("evidence-link").click()
    screen = bench.page.get_by_test_id("bench-evidence").get_by_test_id(f"exhibit-{exhibit_id}")
    await expect(screen.get_by_test_id("file-name")).to_have_text(["合同.pdf", "收货照片.jpg"])
    for digest in (pdf_hash, photo_hash):
        await expect(screen.locator(f"[data-sha256='{digest}']")).to_contain_text(digest[:12])
    link = screen.get_by_test_id("file-download").first
    href = await link.get_attribute("href")
    assert href is not None
    served = await bench.page.request.get(href)
    assert served.ok
    assert await served.body() == document
    await bench.screenshot("judge-files-en")
