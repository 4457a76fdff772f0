"""Confirming the transcript after the hearing (docs/architecture.md#confirmation-screens): a party
signs on a phone with a signature drawn by real pointer moves, the detainee signs on the
detention centre's terminal, another party asks for a correction of a line, the court corrects
the line (merging with a change made meanwhile), answers the request and records a refusal; the
first signature then shows as signed before a change and is given again; the court cannot close
the record while a request is unanswered, then closes it, and the signers' pages say so. In
Firefox on a phone, a party signs with a finger (touch actions) and a mouse."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.async_api import Locator, Page, expect
from sqlalchemy import update

from court.states import HearingState
from hearing_server.db.database import Database
from hearing_server.db.models import Hearing
from tests.browser.bidi import FirefoxTab
from tests.browser.conftest import OpenTab, Tab
from tests.browser.engine_pages import VISIBLE, EnginePage, by_testid, engines, snapshot, wait_for
from tests.browser.test_exhibit_engines import type_into
from tests.browser.test_live import (
    Scheduled,
    bench_in_session,
    both_languages,
    go_to_console,
    schedule,
)
from tests.callers import TERMINAL_SECRET, Caller, World, invite

pytestmark = pytest.mark.browser

SAID = ["被告人孙六，你对起诉书指控的事实有无异议？", "没有异议。I have no objection 🙂"]


async def close_with_transcript(judge: Caller, database: Database, hearing: Scheduled) -> None:
    """The hearing held and closed, with two entries in its transcript."""
    async with database.session() as db:
        await db.execute(
            update(Hearing)
            .where(Hearing.id == hearing.hearing_id)
            .values(state=HearingState.CLOSED)
        )
        await db.commit()
    for n, (speaker, text) in enumerate(
        [(hearing.judge_id, SAID[0]), (hearing.detainee_id or hearing.party_id, SAID[1])]
    ):
        body = {
            "key": f"entry-{n}",
            "speaker_id": speaker,
            "text": text,
            "at": "2026-01-01T01:00:00Z",
        }
        await judge.call("POST", f"/hearings/{hearing.hearing_id}/transcript/entries", body)


async def draw_signature(page: Page, canvas: Locator) -> None:
    """Sign in the box as a hand does: press, move in small steps, lift; twice."""
    await canvas.scroll_into_view_if_needed()
    box = await canvas.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    strokes = [
        [(0.1, 0.7), (0.2, 0.3), (0.3, 0.7), (0.4, 0.3), (0.5, 0.6)],
        [(0.55, 0.5), (0.7, 0.35), (0.85, 0.65), (0.9, 0.4)],
    ]
    for stroke in strokes:
        (sx, sy), *rest = stroke
        await page.mouse.move(x + sx * w, y + sy * h)
        await page.mouse.down()
        for px, py in rest:
            await page.mouse.move(x + px * w, y + py * h, steps=6)
        await page.mouse.up()
    await expect(canvas).to_have_attribute("data-strokes", "2")


async def sign(tab: Tab, name: str) -> None:
    page = tab.page
    await page.get_by_test_id("signing-sign").click()
    submit = page.get_by_test_id("sign-submit")
    await expect(submit).to_be_disabled()  # neither name nor signature yet
    await page.get_by_test_id("sign-name").fill(name)
    canvas = page.get_by_test_id("signature-canvas")
    await draw_signature(page, canvas)
    await page.get_by_test_id("signature-undo").click()  # taken back, drawn again
    await expect(canvas).to_have_attribute("data-strokes", "1")
    await page.get_by_test_id("signature-clear").click()
    await expect(canvas).to_have_attribute("data-strokes", "0")
    await draw_signature(page, canvas)
    await tab.screenshot("signature-drawn")
    await submit.click()
    await expect(page.get_by_test_id("signing")).to_have_attribute("data-status", "signed")


async def inked_pixels(judge: Caller, image_url: str) -> int:
    """How many pixels of the stored signature carry ink (the PNG is real, and not blank)."""
    path = image_url.removeprefix("/api/v1")
    response = await judge.client.get(f"/api/v1{path}")
    assert response.status == 200, await response.text()
    assert response.content_type == "image/png"
    picture = Image.open(io.BytesIO(await response.read()))
    alpha = picture.convert("RGBA").getchannel("A")
    # the histogram of the alpha channel: every count but that of the fully transparent
    return sum(alpha.histogram()[1:])


def signer(page: Page, participant_id: int) -> Locator:
    return page.locator(f'[data-testid=signer][data-participant="{participant_id}"]')


async def terminal_signs(open_tab: OpenTab, world: World) -> Tab:
    terminal = await open_tab("terminal-signing", "/terminal")
    page = terminal.page
    await page.get_by_test_id("terminal-id").fill(str(world.terminal_id))
    await page.get_by_test_id("terminal-secret").fill(TERMINAL_SECRET)
    await page.get_by_test_id("terminal-submit").click()
    listed = page.get_by_test_id("terminal-hearing")
    await expect(listed).to_have_attribute("data-state", "closed")
    await listed.get_by_test_id("terminal-sign").click()
    await expect(page.get_by_test_id("transcript-entry")).to_have_count(2)
    await sign(terminal, "孙六")
    await expect(page.get_by_test_id("signing-status")).to_contain_text("您已在笔录上签名")
    return terminal


async def test_parties_and_the_detainee_confirm_and_the_court_closes_the_record(
    open_tab: OpenTab, judge: Caller, world: World, database: Database
) -> None:
    hearing = await schedule(judge, world)  # the party 张三, the detainee 孙六 at the terminal
    other = await invite(judge, hearing.hearing_id, name="李四", side="defendant")
    await close_with_transcript(judge, database, hearing)
    hid = hearing.hearing_id

    # The party reads the transcript on a phone and signs it.
    party = await open_tab("party-signing", f"/join#{hearing.party_token}", phone=True)
    page = party.page
    signing = page.get_by_test_id("signing")
    await expect(signing).to_have_attribute("data-status", "pending")
    await expect(page.get_by_test_id("transcript-entry").first).to_contain_text(SAID[0])
    await both_languages(party, "signing-read")
    await sign(party, "张三")
    await expect(page.get_by_test_id("signing-notice")).to_contain_text("签名已记录")
    await both_languages(party, "signing-signed")

    # The detainee signs on the terminal.
    terminal = await terminal_signs(open_tab, world)

    # The other party asks for a correction of the detainee's line.
    asking = await open_tab("other-signing", f"/join#{other['invitation']['token']}", phone=True)
    ask = asking.page
    await ask.get_by_test_id("line-correct").nth(1).click()
    entry_id = await ask.get_by_test_id("transcript-entry").nth(1).get_attribute("data-entry")
    await expect(ask.get_by_test_id("correction-line")).to_have_value(str(entry_id))
    await ask.get_by_test_id("correction-text").fill("孙六说的是“有异议”，不是“没有异议”。")
    await ask.get_by_test_id("correction-send").click()
    mine = ask.get_by_test_id("correction")
    await expect(mine).to_have_attribute("data-state", "pending")
    await expect(mine).to_contain_text("等待法庭答复")

    # The court: who signed (with the picture), the request; closing is refused while it is open.
    bench = await open_tab("judge-signing", "/healthz")
    await go_to_console(bench, hid, "judge")
    desk = bench.page
    await expect(desk.get_by_test_id("record")).to_be_visible()
    await expect(signer(desk, hearing.party_id)).to_have_attribute("data-status", "signed")
    await expect(signer(desk, hearing.detainee_id)).to_have_attribute("data-status", "signed")
    await expect(signer(desk, other["participant"]["id"])).to_have_attribute(
        "data-status", "pending"
    )
    await desk.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=signature-thumb]')]"
        ".filter(img => img.complete && img.naturalWidth > 0).length === 2"
    )
    listed = await judge.call("GET", f"/hearings/{hid}/transcript/confirmations")
    for row in listed["signers"]:
        if row["signature"] is not None:
            assert await inked_pixels(judge, row["signature"]["image_url"]) > 200
    await desk.get_by_test_id("record-close").click()
    await desk.get_by_test_id("confirm-ok").click()
    await expect(desk.get_by_test_id("confirmations-problem")).to_contain_text("未答复")
    await expect(desk.get_by_test_id("confirmations")).to_have_attribute("data-closed", "false")

    # The clerk changes the line meanwhile; the judge's correction meets it and merges.
    line = desk.get_by_test_id("transcript-entry").nth(1)
    await line.get_by_test_id("entry-edit").click()
    current = await judge.call("GET", f"/hearings/{hid}/transcript")
    entry = next(
        x["entry"]
        for x in current["lines"]
        if x["entry"] and x["entry"]["id"] == int(entry_id or 0)
    )
    await judge.call(
        "PATCH",
        f"/transcript-entries/{entry_id}",
        {"version": entry["version"], "text": "没有异议。"},
    )
    await line.get_by_test_id("entry-edit-text").fill("有异议。")
    await line.get_by_test_id("entry-edit-save").click()
    await expect(line.get_by_test_id("entry-current")).to_have_text("没有异议。")
    await expect(line.locator(".transcript-said")).to_have_text("没有异议。")  # the list follows
    await bench.screenshot("entry-conflict")
    await line.get_by_test_id("entry-edit-text").fill("有异议。I do object.")
    await line.get_by_test_id("entry-edit-save").click()
    await expect(line).to_contain_text("有异议。I do object.")

    request = desk.get_by_test_id("correction")
    await request.get_by_test_id("answer-reason").fill("经核对录音，予以更正。")
    await request.get_by_test_id("answer-accept").click()
    await expect(request).to_have_attribute("data-state", "accepted")
    await signer(desk, other["participant"]["id"]).get_by_test_id("record-refusal").click()
    await desk.get_by_test_id("refusal-reason").fill("当庭表示不签名")
    await desk.get_by_test_id("refusal-save").click()
    await expect(signer(desk, other["participant"]["id"])).to_have_attribute(
        "data-status", "refused"
    )
    await both_languages(bench, "confirmations")

    # The asker sees the answer; the signers see the change and the party signs again.
    await expect(mine).to_have_attribute("data-state", "accepted", timeout=15_000)
    await expect(mine.get_by_test_id("correction-answer")).to_contain_text("予以更正")
    await expect(signing).to_have_attribute("data-status", "stale", timeout=15_000)
    await expect(page.get_by_test_id("signing-status")).to_contain_text("重新阅读")
    await expect(page.get_by_test_id("signing-notice")).to_have_count(0)  # "thank you" is past
    await expect(page.get_by_test_id("transcript-entry").nth(1)).to_contain_text("I do object")
    await party.screenshot("signing-stale")
    await sign(party, "张三")
    await expect(signer(desk, hearing.party_id)).to_have_attribute(
        "data-status", "signed", timeout=15_000
    )
    await expect(signer(desk, hearing.detainee_id)).to_have_attribute("data-status", "stale")

    # The court closes the record: every page says so, nothing more can be done.
    await desk.get_by_test_id("record-close").click()
    await desk.get_by_test_id("confirm-ok").click()
    await expect(desk.get_by_test_id("confirmations")).to_have_attribute("data-closed", "true")
    await expect(desk.get_by_test_id("entry-edit")).to_have_count(0)
    for tab in (party, terminal, asking):
        await expect(tab.page.get_by_test_id("record-closed")).to_be_visible(timeout=15_000)
        await expect(tab.page.get_by_test_id("signing-sign")).to_have_count(0)
    await terminal.screenshot("record-closed")
    await bench.screenshot("record-closed")


# The box's corners in the viewport, scrolled into view first.
CANVAS_BOX = """(selector) => {
    const canvas = document.querySelector(selector);
    if (canvas === null) return null;
    canvas.scrollIntoView({ block: "center" });
    const box = canvas.getBoundingClientRect();
    return [box.x, box.y, box.width, box.height];
}"""
STATUS = "(s, status) => document.querySelector(s)?.dataset.status === status"


@engines("firefox")
async def test_a_party_signs_with_a_finger_in_firefox_on_a_phone(
    party_page: EnginePage, base_url: str, judge: Caller, world: World, database: Database
) -> None:
    page = party_page
    hearing = await schedule(judge, world, detainee=False)
    await close_with_transcript(judge, database, hearing)
    await page.goto(f"{base_url}/join#{hearing.party_token}")
    await wait_for(page, "the transcript to sign", STATUS, by_testid("signing"), "pending")
    await page.click(by_testid("signing-sign"))
    await wait_for(page, "the signature box", VISIBLE, by_testid("signature-canvas"))
    await type_into(page, by_testid("sign-name"), "张三")
    x, y, w, h = await page.evaluate(CANVAS_BOX, by_testid("signature-canvas"))
    assert isinstance(page, FirefoxTab)
    await page.drag([(x + w * fx, y + h * fy) for fx, fy in [(0.1, 0.7), (0.3, 0.2), (0.5, 0.8)]])
    await page.drag([(x + w * fx, y + h * fy) for fx, fy in [(0.6, 0.5), (0.9, 0.4)]], "mouse")
    strokes = "(s) => document.querySelector(s)?.dataset.strokes"
    await wait_for(
        page, "both strokes", f"(s) => ({strokes})(s) === '2'", by_testid("signature-canvas")
    )
    await snapshot(page, "signature-drawn")
    await page.click(by_testid("sign-submit"))
    await wait_for(page, "the signature on record", STATUS, by_testid("signing"), "signed")
    await snapshot(page, "signed")
    listed = await judge.call("GET", f"/hearings/{hearing.hearing_id}/transcript/confirmations")
    signed = next(s for s in listed["signers"] if s["participant_id"] == hearing.party_id)
    assert signed["status"] == "signed" and signed["signature"]["name"] == "张三"
    assert await inked_pixels(judge, signed["signature"]["image_url"]) > 200


async def test_the_record_follows_the_close_and_the_list_leads_back_to_it(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    page = bench.page
    text = page.get_by_test_id("transcript-text")
    await text.fill("本庭现在宣布开庭。")
    await text.press("Enter")
    await expect(page.get_by_test_id("transcript-entry")).to_have_count(1)

    await page.get_by_test_id("hearing-close").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
    record = page.get_by_test_id("record")
    await expect(record.get_by_test_id("transcript-entry")).to_contain_text("本庭现在宣布开庭。")
    await expect(signer(page, hearing.party_id)).to_have_attribute("data-status", "pending")
    await bench.screenshot("record-after-close")

    await page.get_by_test_id("back-to-list").click()
    row = page.get_by_test_id(f"hearing-{hearing.hearing_id}")
    await row.get_by_test_id("record").click()
    await expect(page.get_by_test_id("record")).to_be_visible()
    await expect(page.get_by_test_id("confirmations")).to_have_attribute("data-closed", "false")
