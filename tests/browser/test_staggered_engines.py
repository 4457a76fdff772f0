"""A staggered hearing's video statement recorded in Firefox on a phone-sized page
(docs/architecture.md#staggered-hearings), with Firefox's fake camera and microphone: the
self-test, recording with MediaRecorder (WebM), playback, then "submit"; the court holds the
statement with its length and hash, as the page shows it."""

from __future__ import annotations

import asyncio

from tests.browser.engine_pages import VISIBLE, EnginePage, by_testid, engines, snapshot, wait_for
from tests.browser.test_engines import invitation_named
from tests.callers import Caller, invite, schedule_hearing
from tests.staggered import soon

READY = """(selector) => {
    const button = document.querySelector(selector);
    return button !== null && !button.disabled && !button.hidden;
}"""
TEXT = "(selector) => document.querySelector(selector)?.textContent ?? ''"


@engines("firefox")
async def test_a_phone_records_and_submits_a_video_statement(
    party_page: EnginePage, base_url: str, judge: Caller
) -> None:
    page = party_page
    hearing = await schedule_hearing(judge, "(2026)浙0402民初19号", kind="async_hearing")
    hid = hearing["id"]
    a = await invite(judge, hid, name="原告甲", side="plaintiff")
    body = {
        "kind": "claims_statement",
        "participant_ids": [a["participant"]["id"]],
        "deadline": soon(days=1),
        "visibility": "on_submit",
    }
    stage = await judge.call("POST", f"/hearings/{hid}/stages", body, expect=201)
    await invitation_named(page, f"{base_url}/join#{a['invitation']['token']}")
    await judge.call("POST", f"/hearings/{hid}/staggered/start", {})

    card = by_testid("stage-1")
    await wait_for(page, "the stage's actions", VISIBLE, f"{card} {by_testid('record-open')}")
    await page.click(f"{card} {by_testid('record-open')}")
    await wait_for(page, "the self-test", READY, f"{card} {by_testid('join-button')}")
    await page.click(f"{card} {by_testid('join-button')}")
    await wait_for(page, "the camera", READY, f"{card} {by_testid('record-start')}")
    await page.click(f"{card} {by_testid('record-start')}")
    await wait_for(page, "the timer", VISIBLE, f"{card} {by_testid('record-time')}")
    await asyncio.sleep(2.5)
    await page.click(f"{card} {by_testid('record-stop')}")
    await wait_for(page, "the playback", VISIBLE, f"{card} {by_testid('record-playback')}")
    await page.click(f"{card} {by_testid('record-submit')}")
    meta: str = await wait_for(
        page, "the submitted statement", TEXT, f"{card} {by_testid('turn-meta')}"
    )

    turns = (await judge.call("GET", f"/stages/{stage['id']}/turns"))["items"]
    assert [(t["kind"], t["media_type"]) for t in turns] == [("video", "video/webm")]
    assert turns[0]["duration_s"] > 1
    assert turns[0]["sha256"][:12] in meta
    await snapshot(page, "staggered-statement")
