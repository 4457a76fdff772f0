"""The court's recorded question in a staggered hearing (录制提问), in Chromium
(docs/architecture.md#staggered-hearings): the clerk records a question for a party on the
hearing's stages screen with the fake camera (self-test, preview, playback; sent only once its
words are written, through a dropped connection); the party's phone page plays it above its
words and the party answers in writing; the bench reads the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from hearing_server.api import questions_api
from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.browser.test_staggered import CHUNK, FITS, NARROW, SLOW, DropOneChunk
from tests.callers import Caller, invite, schedule_hearing

QUESTION = "请说明货物交付的时间和地点。"
ANSWER = "三月一日，在买方仓库交付。"
PLAYS = (
    "v => new Promise(done => v.readyState >= 1 ? done(v.duration > 0)"
    " : v.addEventListener('loadedmetadata', () => done(v.duration > 0)))"
)


async def test_the_clerk_records_a_question_and_the_party_plays_and_answers_it(
    open_tab: OpenTab, judge: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(questions_api, "CHUNK_SIZE", CHUNK)  # several chunks: one is lost
    hearing = await schedule_hearing(judge, "(2026)浙0402民初19号", kind="async_hearing")
    hid = hearing["id"]
    a = await invite(judge, hid, name="原告甲", side="plaintiff")
    a_id = a["participant"]["id"]
    stage_body = {
        "kind": "court_questions",
        "participant_ids": [a_id],
        "deadline": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "visibility": "on_submit",
    }
    stage = await judge.call("POST", f"/hearings/{hid}/stages", stage_body, expect=201)
    party = await open_tab("stagq-party", f"/join#{a['invitation']['token']}", phone=True)
    p_page = party.page
    await p_page.set_viewport_size(NARROW)
    await expect(p_page.get_by_test_id("stage-1")).to_be_visible()  # consent answered
    await judge.call("POST", f"/hearings/{hid}/staggered/start", {})

    # The clerk records a question; it goes only once its words are written too.
    bench = await open_tab("stagq-clerk", "/")
    await log_in(bench.page, "clerk")
    await bench.page.goto(f"/#/hearings/{hid}")
    clerk_stage = bench.page.get_by_test_id("stages").get_by_test_id("stage-1")
    await clerk_stage.get_by_test_id("ask-record-open").click()
    await expect(clerk_stage.get_by_test_id("ask-record-hint")).to_be_visible()
    await clerk_stage.get_by_test_id("join-button").click()  # the self-test's "go on"
    await expect(clerk_stage.get_by_test_id("record-preview")).to_be_visible()
    await clerk_stage.get_by_test_id("record-start").click()
    await expect(clerk_stage.get_by_test_id("record-time")).to_be_visible()
    await bench.page.wait_for_timeout(2500)
    await clerk_stage.get_by_test_id("record-stop").click()
    await expect(clerk_stage.get_by_test_id("record-playback")).to_be_visible()
    submit = clerk_stage.get_by_test_id("record-submit")
    await expect(submit).to_contain_text("发送录制的提问")
    await expect(submit).to_be_disabled()
    await clerk_stage.get_by_test_id("ask-text").fill(QUESTION)
    await expect(clerk_stage.get_by_test_id("ask-record-hint")).to_have_count(0)
    line = DropOneChunk()
    await bench.page.route("**/api/v1/question-uploads/*", line.route)
    await submit.click()
    bench_video = clerk_stage.get_by_test_id("question-video")
    await expect(bench_video).to_be_visible(timeout=SLOW)
    await expect(clerk_stage.get_by_test_id("ask-record")).to_have_count(0)
    assert line.dropped == 1
    asked = (await judge.call("GET", f"/stages/{stage['id']}/questions"))["items"]
    assert [(q["participant_id"], q["text"], q["media_type"]) for q in asked] == [
        (a_id, QUESTION, "video/webm")
    ]
    assert asked[0]["duration_s"] > 1 and len(asked[0]["sha256"]) == 64
    assert await bench_video.evaluate(PLAYS)

    # The party's phone plays it above its words, and answers in writing.
    p_stage = p_page.get_by_test_id("stage-1")
    question = p_stage.get_by_test_id(f"question-{asked[0]['id']}")
    video = question.get_by_test_id("question-video")
    await expect(video).to_be_visible(timeout=SLOW)
    await expect(question).to_contain_text(QUESTION)
    await expect(question).to_contain_text("录像提问")
    assert await video.evaluate(PLAYS)
    assert await video.evaluate("v => v.controls && v.playsInline")
    assert await p_page.evaluate(FITS)
    await question.get_by_test_id("answer-text").fill(ANSWER)
    await question.get_by_test_id("answer-submit").click()
    await expect(question.get_by_test_id("answer")).to_have_text(ANSWER)

    # The bench reads the answer.
    await expect(clerk_stage.get_by_test_id("answer")).to_contain_text(ANSWER, timeout=SLOW)
    await party.screenshot("staggered-question-party")
    await bench.screenshot("staggered-question-bench")
