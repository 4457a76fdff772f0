"""Presenting an exhibit in Chromium and Firefox (docs/architecture.md#presenting-an-exhibit):
the judge puts a PDF of the case on screen and turns to page 2, and a party's phone shows page
2's picture; the judge points and zooms and the phone follows, while a pinch on the phone stays
its own until the judge's next move; a witness in the waiting room sees nothing of it; the judge
gives the party the floor, the party presents their photo and the judge sees it; stopping takes
it down everywhere. A recording plays, pauses and seeks on the phone as the judge does. In
Firefox, a party's phone follows the pages a (headless) judge turns.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.async_api import FloatRect, Page, expect

from tests.browser.conftest import OpenTab, Tab
from tests.browser.engine_pages import (
    VISIBLE,
    EnginePage,
    by_testid,
    engines,
    snapshot,
    wait_for,
)
from tests.browser.test_live import bench_in_session, both_languages, open_session, person, schedule
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.functional.test_exhibit_uploads import picture, upload
from tests.functional.test_exhibits_api import submit
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import presence, session_cookie
from tests.integration.peers import wait_until
from tests.pdf_files import made_by_pdfium
from tests.signal_client import admit_checked
from tests.unit.test_evidence_files import tone

WITHIN_MS = 10_000
"""A page turned, a pointer or a presentation must reach the other screens within this."""

PICTURE_LOADED = """([testid, page]) => {
    const image = document.querySelector(`[data-testid=${testid}] [data-testid=present-picture]`);
    return image !== null && image.complete && image.naturalWidth > 0
        && new RegExp(`/pages/${page}[?]`).test(image.src);
}"""
"""The page's picture of the presentation shows ``page`` and has loaded."""


async def picture_shows(page: Page, number: int) -> str:
    """Wait until the presented page is ``number``, its picture loaded; its address."""
    await page.wait_for_function(PICTURE_LOADED, arg=["presentation", number], timeout=WITHIN_MS)
    src: str = await page.get_by_test_id("present-picture").get_attribute("src") or ""
    return src


async def join_and_wait(open_tab: OpenTab, name: str, token: str) -> Tab:
    """A phone opens its invitation and enters the waiting room."""
    tab = await open_tab(name, f"/join#{token}", phone=True)
    await expect(tab.page.get_by_test_id("join-button")).to_be_enabled()
    await tab.page.get_by_test_id("join-button").click()
    await expect(tab.page.get_by_test_id("waiting-room")).to_be_visible()
    return tab


async def pinch(page: Page, box: FloatRect, spread: float) -> None:
    """Two fingers on the box's centre move ``spread`` pixels apart each (real touches)."""
    cdp = await page.context.new_cdp_session(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    async def touch(kind: str, apart: float) -> None:
        points: list[dict[str, Any]] = (
            []
            if kind == "touchEnd"
            else [{"x": x - apart, "y": y, "id": 1}, {"x": x + apart, "y": y, "id": 2}]
        )
        await cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    await touch("touchStart", 20)
    for step in range(1, 6):
        await touch("touchMove", 20 + spread * step / 5)
    await touch("touchEnd", 0)
    await cdp.detach()


async def test_the_judge_and_a_party_present_exhibits_to_each_other(
    open_tab: OpenTab, judge: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民初21号", title="买卖合同纠纷")
    plaintiff = await invite(judge, hearing["id"], name="张三", side="plaintiff")
    witness = await invite(judge, hearing["id"], role="witness", name="钱五")
    party_id = plaintiff["participant"]["id"]

    # The court's exhibit, a PDF of three pages; the plaintiff's own, a photo.
    contract = await submit(judge, hearing["case_id"], "买卖合同")
    pdf = (await upload(judge, contract["id"], "买卖合同.pdf", made_by_pdfium(3), 1 << 16))["file"]
    party_caller = await holder(new_caller, plaintiff["invitation"]["token"])
    receipt = await submit(party_caller, hearing["case_id"], "收货照片")
    photo = (await upload(party_caller, receipt["id"], "收货.jpg", picture(), 1 << 16))["file"]

    bench = await bench_in_session(open_tab, hearing["id"])
    party = await join_and_wait(open_tab, "present-party", plaintiff["invitation"]["token"])
    waiting = await join_and_wait(open_tab, "present-witness", witness["invitation"]["token"])
    await person(bench.page, party_id).get_by_test_id("admit").click()
    await expect(party.page.get_by_test_id("waiting-room")).to_be_hidden()
    # a party presents only once the judge gives them the floor
    await expect(party.page.get_by_test_id("present-open")).to_have_count(0)

    # The judge picks the PDF from the case's exhibits: page 1 on the party's phone.
    judge_page = bench.page
    await judge_page.get_by_test_id("present-open").click()
    picker = judge_page.get_by_test_id("present-picker")
    await expect(picker.get_by_test_id(f"present-exhibit-{receipt['id']}")).to_be_visible()
    await picker.locator(f'[data-testid=present-file][data-file="{pdf["id"]}"]').click()
    await expect(picker).to_have_count(0)
    shown = party.page.get_by_test_id("presentation")
    await expect(shown).to_have_attribute("data-file", str(pdf["id"]), timeout=WITHIN_MS)
    await expect(shown.get_by_test_id("present-caption")).to_contain_text("法院调取证据1")
    await expect(shown.get_by_test_id("present-caption")).to_contain_text("买卖合同")
    await expect(shown.get_by_test_id("present-page-number")).to_have_text("第1页，共3页")
    first = await picture_shows(party.page, 1)
    # a phone's width (390 CSS pixels at one device pixel each) asks for the smallest picture
    assert "width=480" in first, first
    await picture_shows(judge_page, 1)

    # Page 2: the phone's picture follows within a few seconds.
    await judge_page.get_by_test_id("present-next").click()
    second = await picture_shows(party.page, 2)
    assert second != first
    await expect(shown.get_by_test_id("present-page-number")).to_have_text("第2页，共3页")
    await expect(judge_page.get_by_test_id("present-prev")).to_be_enabled()

    # The judge taps the page: the pointer shows on the phone, near the same point of the page.
    box = judge_page.get_by_test_id("present-box")
    area = await box.bounding_box()
    assert area is not None
    await judge_page.mouse.click(area["x"] + area["width"] / 2, area["y"] + 40)
    dot = party.page.get_by_test_id("present-pointer")
    await expect(dot).to_be_visible(timeout=WITHIN_MS)
    left = await dot.evaluate("d => parseFloat(d.style.left)")
    assert 45 < left < 55, left  # per cent of the page's width: its middle

    # A pinch on the phone zooms its own copy; the judge's next move brings back the judge's.
    party_box = party.page.get_by_test_id("present-box")
    phone_area = await party_box.bounding_box()
    assert phone_area is not None
    await pinch(party.page, phone_area, 60)
    follow = party.page.get_by_test_id("present-follow")
    await expect(follow).to_be_visible()
    await party.screenshot("presented-pinched")
    await judge_page.get_by_test_id("present-zoom-in").click()
    await expect(follow).to_have_count(0, timeout=WITHIN_MS)
    width = await party.page.evaluate(
        """() => document.querySelector('.present-page').offsetWidth
            / document.querySelector('[data-testid=present-box]').clientWidth"""
    )
    assert abs(width - 1.25) < 0.02, width

    # The witness, still waiting, sees nothing of it.
    await expect(waiting.page.get_by_test_id("waiting-room")).to_be_visible()
    await expect(waiting.page.get_by_test_id("presentation")).to_have_count(0)
    await party.page.get_by_test_id("lang-switch").first.click()
    await expect(shown.get_by_test_id("present-caption")).to_contain_text("Court's exhibit 1")
    await expect(shown.get_by_test_id("present-page-number")).to_have_text("Page 2 of 3")
    await party.page.get_by_test_id("lang-switch").first.click()
    await expect(shown.get_by_test_id("present-caption")).to_contain_text("法院调取证据1")
    await both_languages(party, "presented-phone")
    await both_languages(bench, "presented-judge")

    # The floor: the judge gives it, the party presents their photo, the judge sees it.
    row = person(judge_page, party_id)
    await row.get_by_test_id("floor-give").click()
    await expect(row.get_by_test_id("may-present")).to_be_visible()
    await party.page.get_by_test_id("present-open").click()
    mine = party.page.get_by_test_id("present-picker")
    await expect(mine.get_by_test_id(f"present-exhibit-{contract['id']}")).to_be_visible()
    await mine.locator(f'[data-testid=present-file][data-file="{photo["id"]}"]').click()
    on_bench = judge_page.get_by_test_id("presentation")
    await expect(on_bench).to_have_attribute("data-file", str(photo["id"]), timeout=WITHIN_MS)
    await expect(on_bench.get_by_test_id("present-caption")).to_contain_text("原告证据1")
    await expect(on_bench.get_by_test_id("present-caption")).to_contain_text("张三")
    await picture_shows(judge_page, 1)
    await expect(shown).to_have_attribute("data-mine", "true")
    await expect(on_bench).to_have_attribute("data-mine", "false")
    await expect(on_bench.get_by_test_id("present-page-number")).to_have_text("第1页，共1页")
    # the judge may take it down; the party's own controls are those of the presenter
    await expect(on_bench.get_by_test_id("present-stop")).to_be_visible()
    await expect(shown.get_by_test_id("present-next")).to_be_disabled()
    await party.screenshot("party-presents")

    # Stopping takes it down on every screen.
    await shown.get_by_test_id("present-stop").click()
    await expect(on_bench).to_have_count(0, timeout=WITHIN_MS)
    await expect(shown).to_have_count(0)
    await expect(waiting.page.get_by_test_id("presentation")).to_have_count(0)

    # Taking the floor back: the party's button goes.
    await row.get_by_test_id("floor-take").click()
    await expect(party.page.get_by_test_id("present-open")).to_have_count(0)
    await expect(row.get_by_test_id("floor-give")).to_be_visible()
    for tab in (bench, party, waiting):
        assert not [e for e in tab.errors if re.search(r"present|refused", e)], tab.errors


MEDIA = """(testid) => {
    const media = document.querySelector(`[data-testid=${testid}] [data-testid=present-media]`);
    return media === null ? null : {paused: media.paused, time: media.currentTime};
}"""
"""The presented audio's state on a page (null: none)."""


async def media_state(page: Page) -> dict[str, Any]:
    state: dict[str, Any] | None = await page.evaluate(MEDIA, "presentation")
    assert state is not None
    return state


async def test_a_recording_plays_pauses_and_seeks_in_step(
    open_tab: OpenTab, judge: Caller, tmp_path: Path
) -> None:
    """The judge plays a recording: the party's phone plays it too (muted if the browser wants a
    tap first, with a button for the sound), pauses with it and follows a seek."""
    hearing = await schedule_hearing(judge, "(2026)浙0402民初22号", title="借款合同纠纷")
    plaintiff = await invite(judge, hearing["id"], name="张三", side="plaintiff")
    recording = await submit(judge, hearing["case_id"], "通话录音")
    sound = tone(tmp_path / "call.wav", "wav", "pcm_s16le", seconds=8).read_bytes()
    wav = (await upload(judge, recording["id"], "通话录音.wav", sound, 1 << 16))["file"]

    bench = await bench_in_session(open_tab, hearing["id"])
    party = await join_and_wait(open_tab, "present-listener", plaintiff["invitation"]["token"])
    await person(bench.page, plaintiff["participant"]["id"]).get_by_test_id("admit").click()
    await expect(party.page.get_by_test_id("waiting-room")).to_be_hidden()
    await bench.page.get_by_test_id("present-open").click()
    await bench.page.locator(f'[data-testid=present-file][data-file="{wav["id"]}"]').click()
    shown = party.page.get_by_test_id("presentation")
    await expect(shown.get_by_test_id("present-media")).to_be_attached(timeout=WITHIN_MS)
    await expect(shown.get_by_test_id("present-page-number")).to_have_count(0)
    assert (await media_state(party.page))["paused"]

    play = bench.page.get_by_test_id("present-play")
    await play.click()
    await expect(play).to_have_attribute("aria-pressed", "true")
    await party.page.wait_for_function(
        f"() => {{ const s = ({MEDIA})('presentation'); return s && !s.paused && s.time > 1; }}",
        timeout=WITHIN_MS,
    )
    await party.screenshot("recording-playing")

    await play.click()
    await party.page.wait_for_function(
        f"() => ({MEDIA})('presentation')?.paused === true", timeout=WITHIN_MS
    )
    judge_at = (await media_state(bench.page))["time"]
    assert abs((await media_state(party.page))["time"] - judge_at) < 0.75

    # The judge seeks: the phone goes there too.
    await bench.page.evaluate(
        "() => { document.querySelector('[data-testid=present-media]').currentTime = 6; }"
    )
    await party.page.wait_for_function(
        f"() => Math.abs(({MEDIA})('presentation').time - 6) < 0.6", timeout=WITHIN_MS
    )
    await bench.page.get_by_test_id("present-stop").click()
    await expect(shown).to_have_count(0, timeout=WITHIN_MS)


@engines("firefox")
async def test_a_firefox_phone_follows_the_pages_the_judge_turns(
    party_page: EnginePage,
    base_url: str,
    judge: Caller,
    world: World,
) -> None:
    """Firefox on a phone, the judge a headless client: page 1 shows, then page 2 when the judge
    turns to it; the pointer too; stopping takes it down."""
    page = party_page
    hearing = await schedule(judge, world, detainee=False)
    case_id = (await judge.call("GET", f"/hearings/{hearing.hearing_id}"))["case_id"]
    exhibit = await submit(judge, case_id, "现场照片")
    pdf = (await upload(judge, exhibit["id"], "现场.pdf", made_by_pdfium(2), 1 << 16))["file"]
    presiding = HeadlessParticipant(base_url, SendTimes(), cookie=session_cookie(judge))
    try:
        await open_session(presiding, hearing.hearing_id)
        await page.goto(f"{base_url}/join#{hearing.party_token}")
        await wait_for(
            page, "the question on taking part online", VISIBLE, by_testid("consent-agree")
        )
        await page.click(by_testid("consent-agree"))
        await wait_for(
            page,
            "the join button",
            "(s) => document.querySelector(s)?.disabled === false",
            by_testid("join-button"),
        )
        await page.click(by_testid("join-button"))
        await wait_for(page, "the waiting room", VISIBLE, by_testid("waiting-room"))
        await wait_until(
            lambda: presence(presiding, hearing.party_id) == "waiting", 20, "the party waiting"
        )
        assert await admit_checked(presiding.signal, hearing.party_id) == {"ok": True}
        shown = {"exhibit_id": exhibit["id"], "file_id": pdf["id"], "page": 1}
        assert await presiding.signal.call("present", shown) == {"ok": True}
        await wait_for(page, "page 1", f"(a) => ({PICTURE_LOADED})(a)", ["presentation", 1])
        view = {"page": 2, "zoom": 1, "x": 0.5, "y": 0, "pointer": {"x": 0.25, "y": 0.1}}
        assert await presiding.signal.call("present_view", view) == {"ok": True}
        await wait_for(page, "page 2", f"(a) => ({PICTURE_LOADED})(a)", ["presentation", 2])
        await wait_for(page, "the pointer", VISIBLE, by_testid("present-pointer"))
        await snapshot(page, "presented")
        assert await presiding.signal.call("stop_presenting") == {"ok": True}
        await wait_for(
            page,
            "the presentation to go",
            "(s) => document.querySelector(s) === null",
            by_testid("presentation"),
        )
        # closed, the page lets go of the server before the test stops it
        assert await presiding.signal.call("close") == {"ok": True}
        await wait_for(
            page,
            "the end of the hearing",
            "(s) => document.querySelector(s)?.dataset.kind === 'closed'",
            by_testid("ended"),
        )
    finally:
        await presiding.close()
