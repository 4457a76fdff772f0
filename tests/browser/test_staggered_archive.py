"""A staggered hearing's archive in the clerk's archive, in Chromium
(docs/architecture.md#staggered-hearings): once the court closed it, the archive video plays
every statement in the order they went on the record, a chapter each named by stage and
speaker; the seal verifies, and no longer once one byte of a statement changed on disk."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from playwright.async_api import expect

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import Recording
from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, NewCaller
from tests.staggered import add_stage, consent, make_video, staggered, upload_video


async def archived(database: Database, recording_id: int) -> Recording:
    """The recording once its archive video is rendered (within two minutes)."""
    deadline = time.monotonic() + 120
    while True:
        async with database.session() as db:
            recording = await db.get(Recording, recording_id)
        assert recording is not None and recording.render_state != "failed"
        if recording.render_state == "done":
            return recording
        assert time.monotonic() < deadline, "the archive was not rendered in two minutes"
        await asyncio.sleep(0.5)


async def test_the_archive_plays_the_statements_in_order_and_the_seal_holds_them(
    open_tab: OpenTab,
    judge: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    tmp_path: Path,
) -> None:
    h = await staggered(judge, new_caller, "(2026)浙0402民初23号")
    both = [h.plaintiff_id, h.defendant_id]
    claims = await add_stage(judge, h.hearing_id, both)
    defence = await add_stage(judge, h.hearing_id, both, kind="defence")
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    status, _ = await upload_video(
        h.plaintiff, claims["id"], make_video(tmp_path / "a.webm", seconds=2.0)
    )
    assert status == 201
    status, _ = await upload_video(
        h.defendant, defence["id"], make_video(tmp_path / "b.webm", seconds=1.0)
    )
    assert status == 201
    closed = await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/close")
    recording = await archived(database, closed["recording_id"])

    tab = await open_tab("archive-staggered", "/archive", locale="zh-CN")
    page = tab.page
    await log_in(page, "clerk")
    found = page.get_by_test_id(f"recording-{recording.id}")
    await found.get_by_test_id("open").click()
    video = page.get_by_test_id("video")
    await expect(video).to_have_js_property("readyState", 4, timeout=20_000)
    chapters = page.get_by_test_id("chapter")
    await expect(chapters).to_have_text(
        [re.compile(r"^0:00 起诉陈述 原告甲$"), re.compile(r"^0:0\d 答辩 被告乙$")]
    )
    await chapters.nth(1).click()
    await page.wait_for_function(
        "v => v.currentTime >= 3.0 && v.currentTime < v.duration",
        arg=await video.element_handle(),
    )
    await page.get_by_test_id("verify").click()
    verdict = page.get_by_test_id("verdict")
    await expect(verdict).to_have_text(re.compile(r"封存完好：3 个文件"))
    await tab.screenshot("staggered-archive")

    # one byte of the first statement changes on disk: the seal names it
    statements = sorted((settings.recordings_dir / f"hearing-{h.hearing_id}").glob("statements/*"))
    assert len(statements) == 2
    first = statements[0]
    data = bytearray(first.read_bytes())
    data[200] ^= 0x01
    first.write_bytes(bytes(data))
    await page.get_by_test_id("verify").click()
    await expect(verdict).not_to_contain_text("封存完好")
    await expect(page.get_by_test_id("problem")).to_contain_text(first.name)
