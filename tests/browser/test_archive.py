"""The clerk archive in Chromium: search finds a sealed recording, the player streams it with
byte ranges and seeks to a chapter and to the moment an exhibit was shown, the timeline is
listed, and the seal's verification turns from valid to broken when one byte of the archive
changes on disk."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, Response, expect

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.sealed_recording import T0, Sealed, make_archive_mp4

CHAPTERS = [
    (0, 1200, "法庭调查 Investigation"),
    (1200, 2400, "法庭辩论 Debate"),
    (2400, 3000, "宣判 Pronouncement"),
]


@pytest.fixture(scope="module")
def archive_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_archive_mp4(tmp_path_factory.mktemp("mp4") / "archive.mp4", CHAPTERS)


async def plays_from_chapter(page: Page, chapter: int, since: float, until: float) -> None:
    """The player's video lasts the archive's three seconds and lists its CHAPTERS; a click on
    chapter number ``chapter`` (from 0) plays it from between ``since`` and ``until`` s."""
    video = page.get_by_test_id("video")
    assert 2.9 < await video.evaluate("v => v.duration") < 3.2
    chapters = page.get_by_test_id("chapter")
    await expect(chapters).to_have_text(
        [f"0:00 {CHAPTERS[0][2]}", f"0:01 {CHAPTERS[1][2]}", f"0:02 {CHAPTERS[2][2]}"]
    )
    await chapters.nth(chapter).click()
    await page.wait_for_function(
        f"v => v.currentTime >= {since} && v.currentTime < {until}",
        arg=await video.element_handle(),
    )


async def exhibit_shown(database: Database, hearing_id: int) -> None:
    """原告证据1 shown from 1.5 s to 2.5 s into the hearing (and its archive), on page 2."""
    shown = {"exhibit_id": 1, "file_id": 1}
    presented = {**shown, "label": "原告证据1", "title": "借款合同", "page": 2}
    presented |= {"media_type": "application/pdf", "participant_id": None}
    async with database.session() as db:
        for seconds, kind, data in (
            (1.5, "exhibit_presented", presented),
            (2.5, "presentation_stopped", shown),
        ):
            at = T0 + timedelta(seconds=seconds)
            db.add(HearingEvent(hearing_id=hearing_id, at=at, kind=kind, actor="x", data=data))
        await db.commit()


async def test_clerk_finds_plays_and_verifies_a_recording(
    open_tab: OpenTab,
    settings: Settings,
    sealed: Sealed,
    database: Database,
) -> None:
    await exhibit_shown(database, sealed.hearing_id)
    tab = await open_tab("archive-clerk", "/archive", locale="zh-CN")
    page = tab.page
    streamed: list[tuple[str, int]] = []  # (Range header, status) of each archive response

    async def on_response(response: Response) -> None:
        if response.url.endswith(f"/recordings/{sealed.recording_id}/archive"):
            asked = (await response.request.all_headers()).get("range", "")
            streamed.append((asked, response.status))

    page.on("response", on_response)
    await log_in(page, "clerk")
    found = page.get_by_test_id(f"recording-{sealed.recording_id}")
    await expect(found).to_be_visible()  # the latest recordings, before any search
    await page.get_by_test_id("search-party").fill("李四")
    await page.get_by_test_id("search").click()
    await expect(page.get_by_test_id("found")).to_have_text("共找到 0 个录像。")
    await expect(found).to_have_count(0)
    await page.get_by_test_id("search-case").fill("1234")
    await page.get_by_test_id("search-date").fill("2026-03-02")
    await page.get_by_test_id("search-party").fill("张三")
    await page.get_by_test_id("search").click()
    await expect(found).to_contain_text("(2026)浙0402民初1234号")
    await expect(found).to_contain_text("已封存")
    await expect(page.get_by_test_id("found")).to_have_text("共找到 1 个录像。")
    await tab.screenshot("search-zh")

    await found.get_by_test_id("open").click()
    video = page.get_by_test_id("video")
    await expect(video).to_have_js_property("readyState", 4, timeout=10000)
    await plays_from_chapter(page, 1, 1.2, 2.4)
    await expect(page.get_by_test_id("exhibit-shown")).to_contain_text("原告证据1 借款合同")
    moment = page.get_by_test_id("exhibit-moment")
    await expect(moment).to_have_text("0:01–0:02 （第 2 页）")
    await page.get_by_test_id("chapter").nth(0).click()
    await moment.click()
    await page.wait_for_function(
        "v => v.currentTime >= 1.5 && v.currentTime < 2.5", arg=await video.element_handle()
    )
    assert any(asked.startswith("bytes=") and status == 206 for asked, status in streamed), streamed

    timeline = page.get_by_test_id("timeline")
    for text in (
        "庭审: 候审室已开放 → 正在开庭",
        "准许入庭: 张三",
        "身份核实: 张三",
        "阶段: 法庭调查",
        "庭审: 正在开庭 → 休庭中",
    ):
        await expect(timeline).to_contain_text(text)

    await page.get_by_test_id("verify").click()
    verdict = page.get_by_test_id("verdict")
    await expect(verdict).to_have_text(re.compile(r"封存完好：\d+ 个文件、\d+ 条记录均未改动。"))
    await tab.screenshot("recording-zh")
    await page.get_by_test_id("lang-switch").click()
    await expect(verdict).to_contain_text("Seal valid")
    await expect(moment).to_have_text("0:01–0:02 (pages 2)")
    await tab.screenshot("recording-en")

    archive = settings.recordings_dir / sealed.prefix / "archive.mp4"
    flip_a_byte(archive)
    await page.get_by_test_id("verify").click()
    await expect(verdict).to_have_text("Seal BROKEN: 1 problem(s) found.")
    await expect(page.get_by_test_id("problem")).to_contain_text(
        f"File changed: {sealed.prefix}/archive.mp4"
    )
    await tab.screenshot("seal-broken-en")

    download = await page.get_by_test_id("download").get_attribute("href")
    assert download is not None
    response = await page.request.get(download)
    assert response.ok and len(await response.body()) == archive.stat().st_size
    assert response.headers["content-disposition"].startswith("attachment")

    await page.get_by_test_id("back").click()  # to the same search
    await expect(page.get_by_test_id("found")).to_have_text("Recordings found: 1.")
    await expect(page.get_by_test_id("search-party")).to_have_value("张三")
    await tab.screenshot("search-en")


async def test_a_recording_of_another_court_is_not_there(
    open_tab: OpenTab,
    sealed: Sealed,
) -> None:
    tab = await open_tab(
        "archive-other-court", f"/archive#/recordings/{sealed.recording_id}", locale="en-US"
    )
    await log_in(tab.page, "judge_b")
    await expect(tab.page.get_by_test_id("recording-error")).to_contain_text(
        "Not found, or not visible to you"
    )
    await tab.screenshot("not-visible-en")


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
