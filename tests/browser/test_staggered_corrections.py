"""A submitted statement is never changed, only followed by a correction on the record
(docs/architecture.md#staggered-hearings), in Chromium on a phone: a party writes their
statement, adds a written correction of it, then a recorded one of that correction; each names
the one it corrects, and all three stay listed."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_staggered import SLOW, one_party_stage, record
from tests.callers import Caller


async def test_a_party_corrects_a_statement_twice_and_all_of_it_stays(
    open_tab: OpenTab, judge: Caller
) -> None:
    hid, a, stage_id = await one_party_stage(judge, "(2026)浙0402民初20号")
    party = await open_tab("stag-correct", f"/join#{a['invitation']['token']}", phone=True)
    page = party.page
    stage = page.get_by_test_id("stage-1")
    await expect(stage.get_by_test_id("text-open")).to_be_visible()  # consent answered
    await judge.call("POST", f"/hearings/{hid}/staggered/start", {})

    # Nothing to correct before a first statement.
    await expect(stage.get_by_test_id("correct-open")).to_have_count(0)
    await stage.get_by_test_id("text-open").click()
    await stage.get_by_test_id("text-turn").fill("货款为十万元。")
    await stage.get_by_test_id("text-submit").click()
    own = stage.get_by_test_id("own-turns")
    await expect(own).to_contain_text("货款为十万元。")

    # A written correction of it: offered closed, said to leave the first on the record.
    correction = stage.get_by_test_id("correction")
    await expect(correction).to_contain_text("不能修改")
    await correction.get_by_test_id("correct-open").click()
    await correction.get_by_test_id("text-open").click()
    await correction.get_by_test_id("text-turn").fill("更正：货款为十二万元。")
    await correction.get_by_test_id("text-submit").click()
    await expect(own).to_contain_text("更正：货款为十二万元。")
    await expect(own).to_contain_text("货款为十万元。")
    await expect(own).to_contain_text("更正")

    # A recorded correction of the correction.
    await stage.get_by_test_id("correct-open").click()
    await record(page, correction, 1.5)
    await correction.get_by_test_id("record-stop").click()
    await correction.get_by_test_id("record-submit").click()
    await expect(own.get_by_test_id("turn-video")).to_have_count(1, timeout=SLOW)

    turns = (await judge.call("GET", f"/stages/{stage_id}/turns"))["items"]
    assert [(t["kind"], t["corrects_id"]) for t in turns] == [
        ("text", None),
        ("text", turns[0]["id"]),
        ("video", turns[1]["id"]),
    ]
    await expect(stage.get_by_test_id("correct-open")).to_be_visible()  # still open: again
    await party.screenshot("staggered-corrections")
