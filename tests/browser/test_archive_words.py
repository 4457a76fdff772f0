"""The archive pages say words where the server sends codes: the chapters of an archive video
made before its chapters were titled in words (they carry the phases' codes), and the side of a
party in the grants panel."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.sealed_recording import Sealed, make_archive_mp4


@pytest.fixture(scope="module")
def archive_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    coded = [(0, 1000, "identity_check"), (1000, 3000, "investigation")]
    return make_archive_mp4(tmp_path_factory.mktemp("mp4") / "archive.mp4", coded)


async def test_coded_chapters_and_sides_are_words(
    open_tab: OpenTab,
    sealed: Sealed,
) -> None:

    tab = await open_tab("archive-words", f"/archive#/recordings/{sealed.recording_id}")
    page = tab.page
    await log_in(page, "clerk")
    chapters = page.get_by_test_id("chapter")
    await expect(chapters).to_have_text(["0:00 核对身份", "0:01 法庭调查"])
    row = page.get_by_test_id(f"grant-{sealed.party_id}")
    await expect(row).to_contain_text("张三")
    await expect(row).to_contain_text("当事人 · 原告")
    await tab.screenshot("timeline-chapters-zh")
    await page.get_by_test_id("lang-switch").click()
    await expect(chapters).to_have_text(["0:00 Identity check", "0:01 Court investigation"])
    await expect(row).to_contain_text("Party · Plaintiff")
