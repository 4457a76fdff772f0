"""The transcript beside the archive video, in Chromium: the clerk's archive shows it beside the
player (speaker and words, the timeline's facts set apart, in either language), a click or
Enter on a line plays the video from its moment and the line is marked as playing; a granted
party sees it below the video on a phone and seeks with it the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from hearing_server.db.database import Database
from hearing_server.db.transcript_rows import EntryState, TranscriptEntry
from tests.browser.conftest import OpenTab
from tests.browser.test_archive import CHAPTERS
from tests.browser.test_party_archive import close
from tests.browser.test_staff import log_in
from tests.callers import Caller, World
from tests.sealed_recording import T0, Sealed, make_archive_mp4

FIRST = "我是原告张三 👋"
SECOND = "借款已于2025年全部归还。"


@pytest.fixture(scope="module")
def archive_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_archive_mp4(tmp_path_factory.mktemp("mp4") / "archive.mp4", CHAPTERS)


async def write_transcript(database: Database, sealed: Sealed, world: World) -> None:
    """Two lines of the party's, 1.2 s and 2.2 s into the hearing (and its 3 s archive)."""
    async with database.session() as db:
        for seq, (seconds, text) in enumerate(((1.2, FIRST), (2.2, SECOND)), 1):
            db.add(
                TranscriptEntry(
                    hearing_id=sealed.hearing_id,
                    key=f"k{seq}",
                    seq=seq,
                    state=EntryState.COMMITTED,
                    speaker_id=sealed.party_id,
                    text=text,
                    at=T0 + timedelta(seconds=seconds),
                    author_id=world.clerk_id,
                )
            )
        await db.commit()


async def plays_from(page: Page, said: str, seconds: float) -> None:
    """The video is at ``seconds`` (± 1 s) and the line that ``said`` is marked as playing."""
    video = await page.get_by_test_id("video").element_handle()
    await page.wait_for_function(
        f"v => Math.abs(v.currentTime - {seconds}) <= 1", arg=video, timeout=5000
    )
    await expect(page.locator("[data-testid=transcript-lines] li.current")).to_contain_text(said)


async def test_the_clerk_seeks_the_archive_from_the_transcript(
    open_tab: OpenTab, sealed: Sealed, database: Database, world: World
) -> None:
    await write_transcript(database, sealed, world)
    tab = await open_tab("archive-transcript", f"/archive#/recordings/{sealed.recording_id}")
    page = tab.page
    await log_in(page, "clerk")
    video = page.get_by_test_id("video")
    await expect(video).to_have_js_property("readyState", 4, timeout=10000)
    await video.evaluate("v => { v.playbackRate = 0.1; }")  # stays on the line it seeks to
    transcript = page.get_by_test_id("transcript")
    await expect(transcript).to_contain_text("庭审笔录")
    lines = page.get_by_test_id("transcript-line")
    first = lines.filter(has_text=FIRST)
    second = lines.filter(has_text=SECOND)
    await expect(first).to_have_text(f"0:01张三 {FIRST}")
    await expect(second).to_contain_text("张三")

    # beside the video: to its right, level with it
    player, panel = await video.bounding_box(), await transcript.bounding_box()
    assert player is not None and panel is not None
    assert panel["x"] >= player["x"] + player["width"], (player, panel)
    assert panel["y"] < player["y"] + player["height"], (player, panel)

    # the facts of the timeline are set apart, in the page's language
    fact = page.locator("[data-testid=transcript-lines] li.line-fact em").first
    await expect(fact).to_contain_text("开庭")

    await second.click()
    await plays_from(page, SECOND, 2.2)
    await video.evaluate("v => { v.pause(); v.currentTime = 0; }")
    await first.focus()
    await page.keyboard.press("Enter")
    await plays_from(page, FIRST, 1.2)
    await tab.screenshot("transcript-zh")

    await page.get_by_test_id("lang-switch").click()
    await expect(transcript).to_contain_text("Transcript")
    await expect(fact).not_to_contain_text("开庭")
    await tab.screenshot("transcript-en")


async def test_a_granted_party_sees_the_transcript_below_the_video_on_a_phone(
    open_tab: OpenTab, judge: Caller, sealed: Sealed, database: Database, world: World
) -> None:
    await write_transcript(database, sealed, world)
    await close(database, sealed.hearing_id)
    await judge.call(
        "POST",
        f"/recordings/{sealed.recording_id}/grants",
        {"participant_id": sealed.party_id},
        expect=201,
    )
    tab = await open_tab("party-transcript", "/healthz", phone=True)
    page = tab.page
    await page.goto(f"/join#{sealed.party.invitation}")
    video = page.get_by_test_id("video")
    await expect(video).to_have_js_property("readyState", 4, timeout=15000)
    transcript = page.get_by_test_id("transcript")
    second = page.get_by_test_id("transcript-line").filter(has_text=SECOND)
    await expect(second).to_be_visible()
    player, panel = await video.bounding_box(), await transcript.bounding_box()
    assert player is not None and panel is not None
    assert panel["y"] >= player["y"] + player["height"], (player, panel)
    await second.click()
    await plays_from(page, SECOND, 2.2)
    await tab.screenshot("transcript-phone-zh")
