"""The judge's screen in Chromium when the recordings disk fills up during the session: the
recording badge gives way to a warning that recording stopped, in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import expect

from config import Settings
from hearing_server.records.reserve import RESERVE_BYTES
from tests.browser.conftest import OpenTab
from tests.browser.test_live import bench_in_session, schedule
from tests.callers import Caller, World
from tests.small_disk import fill, needs_root, small_disk

pytestmark = needs_root


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    """The recordings folder on a disk of its own, small enough to fill up."""
    with small_disk(settings.recordings_dir, RESERVE_BYTES + 4 * 1024 * 1024):
        yield settings


async def test_the_bench_sees_the_recording_stop_when_the_disk_is_full(
    open_tab: OpenTab, judge: Caller, world: World, settings: Settings
) -> None:
    fill(settings.recordings_dir, RESERVE_BYTES + 100_000)
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    page = bench.page
    await expect(page.get_by_test_id("recording")).to_be_visible()

    failed = page.get_by_test_id("recording-failed")
    await expect(failed).to_have_text("⚠ 录像已中断：已录内容会保存", timeout=30_000)
    await expect(page.get_by_test_id("recording")).to_be_hidden()
    await bench.screenshot("recording-failed-zh")
    await page.get_by_test_id("lang-switch").first.click()
    await expect(failed).to_have_text("⚠ Recording stopped: what was recorded is kept")
    await bench.screenshot("recording-failed-en")
