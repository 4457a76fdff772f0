"""A staggered hearing (错时审理) in Chromium on phones (docs/architecture.md#staggered-hearings):
the clerk adds two stages on the hearing's page and starts it, refused while a party has not
agreed to take part online; party A records a video statement with the fake camera after the
self-test and submits it through a dropped connection; party B does not see it before the
on_close stage closes and watches it after; the court asks B a question and B answers; B reloads
while recording and is offered to record again, with nothing of it on the record. The clerk
reminds a party who has not acted: their page shows the reminder at the top until they submit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, Request, Route, ViewportSize, expect

from hearing_server.api import turns_api
from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, invite, schedule_hearing

CHUNK = 16 << 10
SLOW = 20_000
"""Time for the pages to ask again (every 5 s) and for the server to probe a statement."""
NARROW = ViewportSize(width=360, height=740)
"""A small phone: the party's pages must fit it without scrolling sideways."""
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def court_local(zone: str, **delta: float) -> str:
    """A datetime-local value on the court's wall clock, `delta` from now."""
    moment = datetime.now(UTC) + timedelta(**delta)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


class DropOneChunk:
    """The phone's line loses the next chunk of a statement on the way."""

    def __init__(self) -> None:
        self.armed = True
        self.dropped = 0

    async def route(self, route: Route) -> None:
        if route.request.method == "PATCH" and self.armed:
            self.armed = False
            self.dropped += 1
            await route.abort("connectionreset")
        else:
            await route.continue_()


async def add_stage(
    page: Page, kind: str, title: str, ids: list[int], deadline: str, visibility: str
) -> None:
    form = page.get_by_test_id("stage-form")
    await form.get_by_test_id("stage-kind").select_option(kind)
    await form.get_by_test_id("stage-title").fill(title)
    for participant_id in ids:
        await form.get_by_test_id(f"stage-participant-{participant_id}").check()
    await form.get_by_test_id("stage-deadline").fill(deadline)
    await form.get_by_test_id("stage-visibility").select_option(visibility)
    await form.get_by_test_id("stage-add").click()


async def one_party_stage(judge: Caller, number: str, **fields: Any) -> tuple[int, Any, int]:
    """A staggered hearing with a plaintiff listed on one stage (a claim, due in two days, seen
    on submission, unless `fields` say otherwise): the hearing's id, the plaintiff's invitation
    (participant and token), the stage's id."""
    hearing = await schedule_hearing(judge, number, kind="async_hearing")
    a = await invite(judge, hearing["id"], name="原告甲", side="plaintiff")
    body = {
        "kind": "claims_statement",
        "participant_ids": [a["participant"]["id"]],
        "deadline": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "visibility": "on_submit",
        **fields,
    }
    stage = await judge.call("POST", f"/hearings/{hearing['id']}/stages", body, expect=201)
    return hearing["id"], a, stage["id"]


async def record(page: Page, stage: Any, seconds: float) -> None:
    """Open the recorder of `stage`, pass the self-test and record for `seconds`."""
    await stage.get_by_test_id("record-open").click()
    await stage.get_by_test_id("join-button").click()  # the self-test's "go on"
    await expect(stage.get_by_test_id("record-preview")).to_be_visible()
    await stage.get_by_test_id("record-start").click()
    await expect(stage.get_by_test_id("record-time")).to_be_visible()
    await page.wait_for_timeout(seconds * 1000)


async def test_two_parties_take_their_turns_at_their_own_times(
    open_tab: OpenTab, judge: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small chunks: the statement takes several, so one can be lost on the way
    monkeypatch.setattr(turns_api, "CHUNK_SIZE", CHUNK)
    hearing = await schedule_hearing(
        judge, "(2026)浙0402民初17号", kind="async_hearing", title="买卖合同纠纷"
    )
    hid = hearing["id"]
    a = await invite(judge, hid, name="原告甲", side="plaintiff")
    b = await invite(judge, hid, name="被告乙", side="defendant")
    a_id, b_id = a["participant"]["id"], b["participant"]["id"]
    zone = (await judge.call("GET", "/auth/me"))["time_zone"]

    # The clerk sets two stages: A's claim, seen by B only once it closes; B's defence.
    bench = await open_tab("stag-clerk", "/")
    await log_in(bench.page, "clerk")
    await bench.page.goto(f"/#/hearings/{hid}")
    stages = bench.page.get_by_test_id("stages")
    await add_stage(
        bench.page, "claims_statement", "原告陈述", [a_id], court_local(zone, days=2), "on_close"
    )
    await expect(stages.get_by_test_id("stage-1")).to_contain_text("原告陈述")
    await add_stage(
        bench.page, "defence", "被告答辩", [b_id], court_local(zone, days=3), "on_submit"
    )
    await expect(stages.get_by_test_id("stage-2")).to_contain_text("被告答辩")

    # A agrees on opening their link; B has not yet: the start is refused, naming B.
    party_a = await open_tab("stag-a", f"/join#{a['invitation']['token']}", phone=True)
    a_page = party_a.page
    await a_page.set_viewport_size(NARROW)
    await expect(a_page.get_by_test_id("stage-1")).to_contain_text("原告陈述")
    await expect(a_page.get_by_test_id("join-button")).to_have_count(0)  # no live courtroom
    await stages.get_by_test_id("stag-start").click()
    error = stages.get_by_test_id("stages-error")
    await expect(error).to_contain_text("未同意在线参加诉讼")
    await expect(error).to_contain_text("被告乙")
    await expect(error).not_to_contain_text("consent_missing")
    party_b = await open_tab("stag-b", f"/join#{b['invitation']['token']}", phone=True)
    b_page = party_b.page
    await b_page.set_viewport_size(NARROW)
    await expect(b_page.get_by_test_id("stage-1")).to_be_visible()
    await stages.get_by_test_id("stag-start").click()
    await expect(stages.get_by_test_id("stag-started")).to_be_visible()

    # A records a short statement, watches it back, and submits it; one chunk is lost.
    line = DropOneChunk()
    await a_page.route("**/api/v1/turn-uploads/*", line.route)
    stage_a = a_page.get_by_test_id("stage-1")
    await expect(stage_a.get_by_test_id("deadline")).to_contain_text("还剩")
    await record(a_page, stage_a, 2.5)
    await stage_a.get_by_test_id("record-stop").click()
    await expect(stage_a.get_by_test_id("record-playback")).to_be_visible()
    await stage_a.get_by_test_id("record-submit").click()
    own = stage_a.get_by_test_id("own-turns")
    await expect(own.get_by_test_id("turn-meta")).to_contain_text("SHA-256", timeout=SLOW)
    assert line.dropped == 1
    listed = await judge.call("GET", f"/hearings/{hid}/stages")
    claim_id = listed["items"][0]["id"]
    turns = (await judge.call("GET", f"/stages/{claim_id}/turns"))["items"]
    assert [(t["participant_id"], t["kind"]) for t in turns] == [(a_id, "video")]
    assert turns[0]["duration_s"] > 1
    await expect(own.get_by_test_id("turn-meta")).to_contain_text(turns[0]["sha256"][:12])
    await expect(stage_a.get_by_test_id("record-open")).to_have_count(0)  # one statement
    assert await a_page.evaluate(FITS)

    # B does not see it while the stage is open; the bench does, and closes the stage.
    stage_b1 = b_page.get_by_test_id("stage-1")
    await expect(stage_b1.get_by_test_id("other-turns")).to_contain_text("本阶段结束后公开")
    await expect(stage_b1.get_by_test_id("turn-video")).to_have_count(0)
    clerk_stage = stages.get_by_test_id("stage-1")
    await expect(clerk_stage.get_by_test_id("turn-video")).to_be_visible(timeout=SLOW)
    bench.page.once("dialog", lambda dialog: dialog.accept())
    await clerk_stage.get_by_test_id("stage-close").click()
    await expect(clerk_stage.get_by_test_id("stage-state")).to_have_text("已结束")
    video = stage_b1.get_by_test_id("turn-video")
    await expect(video).to_be_visible(timeout=SLOW)
    assert await video.evaluate(
        "v => new Promise(done => v.readyState >= 1 ? done(v.duration > 0)"
        " : v.addEventListener('loadedmetadata', () => done(v.duration > 0)))"
    )
    await expect(stage_a.get_by_test_id("record-open")).to_have_count(0)

    # The court asks B; B answers in the open defence stage; the bench reads the answer.
    clerk_defence = stages.get_by_test_id("stage-2")
    await clerk_defence.get_by_test_id("ask-text").fill("被告是否收到货物？")
    await clerk_defence.get_by_test_id("ask-submit").click()
    stage_b2 = b_page.get_by_test_id("stage-2")
    await expect(stage_b2.get_by_test_id("questions")).to_contain_text(
        "被告是否收到货物？", timeout=SLOW
    )
    await stage_b2.get_by_test_id("answer-text").fill("收到了，但有质量问题。")
    await stage_b2.get_by_test_id("answer-submit").click()
    await expect(stage_b2.get_by_test_id("answer")).to_have_text("收到了，但有质量问题。")
    await expect(clerk_defence.get_by_test_id("answer")).to_contain_text(
        "收到了，但有质量问题。", timeout=SLOW
    )

    # B starts recording and reloads: nothing was sent, and the page offers to record again.
    sent: list[str] = []

    def on_request(request: Request) -> None:
        if request.method != "GET" and re.search(r"/turns$|/turn-uploads/", request.url):
            sent.append(request.url)

    b_page.on("request", on_request)
    await record(b_page, stage_b2, 1.5)
    assert await b_page.evaluate(FITS)  # the camera's preview and the timer too
    await b_page.reload()
    await expect(stage_b2.get_by_test_id("record-open")).to_be_visible()
    await expect(stage_b2.get_by_test_id("mine")).to_contain_text("尚未提交")
    assert sent == []
    assert await b_page.evaluate(FITS)
    defence_id = listed["items"][1]["id"]
    assert (await judge.call("GET", f"/stages/{defence_id}/turns"))["items"] == []
    await party_b.screenshot("staggered-party-b")
    await bench.screenshot("staggered-bench")


async def test_after_the_deadline_the_late_party_is_told_in_words(
    open_tab: OpenTab, judge: Caller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民初18号", kind="async_hearing")
    hid = hearing["id"]
    a = await invite(judge, hid, name="原告甲", side="plaintiff")
    deadline = datetime.now(UTC) + timedelta(seconds=12)
    body = {
        "kind": "final_statement",
        "participant_ids": [a["participant"]["id"]],
        "deadline": deadline.isoformat(),
        "visibility": "on_submit",
    }
    await judge.call("POST", f"/hearings/{hid}/stages", body, expect=201)
    party = await open_tab(
        "stag-late", f"/join#{a['invitation']['token']}", phone=True, locale="en-US"
    )
    page = party.page
    stage = page.get_by_test_id("stage-1")
    await expect(stage.get_by_test_id("text-open")).to_be_visible()  # consent answered
    await judge.call("POST", f"/hearings/{hid}/staggered/start", {})

    # The statement is written while the deadline passes; the page has not asked again yet.
    await page.route("**/api/v1/hearings/*/stages", lambda route: route.abort())
    await stage.get_by_test_id("text-open").click()
    await stage.get_by_test_id("text-turn").fill("Final statement, written too late.")
    await page.wait_for_timeout((deadline - datetime.now(UTC)).total_seconds() * 1000 + 1000)
    await stage.get_by_test_id("text-submit").click()
    problem = stage.get_by_test_id("act-problem")
    await expect(problem).to_contain_text("The deadline of this stage has passed")
    await expect(problem).to_contain_text("The deadline was ")
    await expect(problem).not_to_contain_text("deadline_passed")

    # Asking again, the page takes the actions away and says the deadline was missed.
    await page.unroute("**/api/v1/hearings/*/stages")
    await expect(stage).to_have_attribute("data-state", "closed", timeout=SLOW)
    await expect(stage.get_by_test_id("text-open")).to_have_count(0)
    await expect(stage.get_by_test_id("record-open")).to_have_count(0)
    await expect(stage.get_by_test_id("closed-note")).to_be_visible()
    await expect(stage.get_by_test_id("mine")).to_contain_text(
        "did not submit by the deadline", timeout=30_000
    )
    await party.screenshot("staggered-late")


async def test_the_court_reminds_and_the_reminder_goes_once_the_party_acts(
    open_tab: OpenTab, judge: Caller
) -> None:
    hid, a, _ = await one_party_stage(judge, "(2026)浙0402民初19号", title="原告陈述")
    a_id = a["participant"]["id"]
    party = await open_tab("stag-remind-a", f"/join#{a['invitation']['token']}", phone=True)
    page = party.page
    await page.set_viewport_size(NARROW)
    stage = page.get_by_test_id("stage-1")
    await expect(stage.get_by_test_id("text-open")).to_be_visible()  # consent answered
    await judge.call("POST", f"/hearings/{hid}/staggered/start", {})
    await expect(page.get_by_test_id("reminders")).to_have_count(0)

    # The clerk sees A not reminded yet, and reminds them.
    bench = await open_tab("stag-remind-clerk", "/")
    await log_in(bench.page, "clerk")
    await bench.page.goto(f"/#/hearings/{hid}")
    row = bench.page.get_by_test_id("stages").get_by_test_id(f"reminded-{a_id}")
    await expect(row.get_by_test_id("reminded-state")).to_contain_text("原告甲：未提醒")
    await row.get_by_test_id(f"remind-{a_id}").click()
    await expect(row.get_by_test_id("reminded-state")).to_contain_text("原告甲：已于")
    await expect(bench.page.get_by_test_id("remind-done")).to_contain_text("已提醒原告甲")

    # A's page shows the reminder at the top, with the deadline and the time left.
    banner = page.get_by_test_id("reminder-1")
    await expect(banner).to_contain_text("法院提醒", timeout=SLOW)
    await expect(banner).to_contain_text("提交“原告陈述”的陈述")
    await expect(banner).to_contain_text("还剩")
    banner_top = await banner.evaluate("e => e.getBoundingClientRect().top")
    stage_top = await stage.evaluate("e => e.getBoundingClientRect().top")
    assert banner_top < stage_top
    assert await page.evaluate(FITS)
    await party.screenshot("staggered-reminder")

    # A writes their statement: the reminder goes, and the clerk sees A done.
    await stage.get_by_test_id("text-open").click()
    await stage.get_by_test_id("text-turn").fill("我方请求判令被告支付货款。")
    await stage.get_by_test_id("text-submit").click()
    await expect(stage.get_by_test_id("mine")).to_contain_text("您已提交陈述")
    await expect(page.get_by_test_id("reminders")).to_have_count(0)
    await expect(row.get_by_test_id("reminded-state")).to_have_text("原告甲：已完成", timeout=SLOW)
    await expect(row.get_by_test_id(f"remind-{a_id}")).to_have_count(0)
