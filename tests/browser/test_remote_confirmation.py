"""A remote confirmation (远程视频确认) in Chromium (docs/architecture.md#outcomes): a party
abroad joins on a phone; the court checks their identity from the console, the server capturing
their picture; a notary is invited too; the judge, in session, records that the person confirmed;
after close the person reads the record and signs it on the phone. The still, the outcome on
the timeline and the signature are then on record."""

from __future__ import annotations

from playwright.async_api import expect
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.browser.conftest import OpenTab
from tests.browser.test_live import bench_in_session, check_identity, person
from tests.browser.test_signing import sign
from tests.callers import Caller, invite, schedule_hearing


async def test_a_party_abroad_confirms_before_the_court_and_signs(
    open_tab: OpenTab, judge: Caller, database: Database
) -> None:
    hearing = await schedule_hearing(
        judge, "(2026)浙01民特8号", kind="remote_confirmation", title="确认授权委托书"
    )
    hid = hearing["id"]
    party = await invite(judge, hid, name="李明 Li Ming", time_zone="Europe/Paris")
    party_id = party["participant"]["id"]
    await invite(judge, hid, role="notary", name="公证员王", language="zh")

    bench = await bench_in_session(open_tab, hid)
    desk = bench.page
    phone = await open_tab("abroad", f"/join#{party['invitation']['token']}", phone=True)
    page = phone.page
    await expect(page.get_by_test_id("hearing-own-time")).to_contain_text("Europe/Paris")
    await expect(page.get_by_test_id("join-button")).to_be_enabled()
    await page.get_by_test_id("join-button").click()
    await expect(page.get_by_test_id("waiting-room")).to_be_visible()

    # nobody of a remote confirmation is admitted unchecked: the still is taken from the phone
    row = person(desk, party_id)
    await check_identity(row, "passport")
    await row.get_by_test_id("admit").click()
    await expect(page.get_by_test_id("waiting-room")).to_be_hidden()
    checks = await judge.call("GET", f"/hearings/{hid}/identity-checks")
    (check,) = [c for c in checks["items"] if c["participant_id"] == party_id]
    assert check["document_type"] == "passport" and check["still_sha256"], check

    await judge.call("POST", f"/hearings/{hid}/outcomes", {"outcome": "confirmed"}, expect=201)
    await desk.get_by_test_id("hearing-close").click()
    await desk.get_by_test_id("confirm-ok").click()
    await expect(desk.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
    body = {
        "key": "confirm-1",
        "speaker_id": party_id,
        "text": "本人确认授权委托书系本人真实意思表示。",
        "at": "2026-01-01T01:00:00Z",
    }
    await judge.call("POST", f"/hearings/{hid}/transcript/entries", body)

    # the person reads the record and signs it, on the same phone
    await page.reload()
    await expect(page.get_by_test_id("signing")).to_have_attribute("data-status", "pending")
    await expect(page.get_by_test_id("transcript-entry").first).to_contain_text("本人确认")
    await sign(phone, "李明")
    listed = await judge.call("GET", f"/hearings/{hid}/transcript/confirmations")
    signed = [s for s in listed["signers"] if s["participant_id"] == party_id]
    assert signed and signed[0]["signature"] is not None, listed
    async with database.session() as db:
        outcome = await db.scalar(
            select(HearingEvent.to_value).where(
                HearingEvent.hearing_id == hid, HearingEvent.kind == "outcome"
            )
        )
    assert outcome == "confirmed"
