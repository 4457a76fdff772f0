"""A party abroad opens their invitation (docs/architecture.md#invitations): the page starts in
the language the court recorded for them, shows the hearing's time as the court's, named so,
and beside it in the zone the court recorded for them; a choice they make on the device wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.callers import Caller, invite, schedule_hearing


def clock(at: datetime, zone: str) -> str:
    """The hour and minute as an English 12-hour clock shows them ("5:30")."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local.hour % 12 or 12}:{local.minute:02d}"


async def test_a_party_abroad_sees_both_times_in_their_language(
    open_tab: OpenTab, judge: Caller
) -> None:
    start = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    hearing = await schedule_hearing(
        judge, "(2026)浙01民初88号", kind="mediation", scheduled_start=start.isoformat()
    )
    made = await invite(
        judge, hearing["id"], name="Anna Weber", language="en", time_zone="America/New_York"
    )
    tab = await open_tab("abroad", f"/join#{made['invitation']['token']}", phone=True)
    page = tab.page
    court_time = page.get_by_test_id("hearing-time")
    await expect(court_time).to_contain_text("court time, Asia/Shanghai")
    await expect(court_time).to_contain_text(clock(start, "Asia/Shanghai"))
    own = page.get_by_test_id("hearing-own-time")
    await expect(own).to_contain_text("America/New_York")
    await expect(own).to_contain_text(clock(start, "America/New_York"))

    # their own choice on the device stands, also the next time they open the link
    await page.get_by_test_id("lang-switch").click()
    await expect(court_time).to_contain_text("法院所在地时间")
    await page.reload()
    await expect(page.get_by_test_id("hearing-time")).to_contain_text("法院所在地时间")
    await expect(page.get_by_test_id("hearing-own-time")).to_contain_text("America/New_York")

    # and the waiting room repeats both times
    await page.get_by_test_id("join-button").click()
    times = page.get_by_test_id("waiting-room").get_by_test_id("waiting-times")
    await expect(times.get_by_test_id("hearing-time")).to_contain_text("Asia/Shanghai")
    await expect(times.get_by_test_id("hearing-own-time")).to_contain_text("America/New_York")


async def test_a_party_in_the_court_s_zone_sees_one_time(open_tab: OpenTab, judge: Caller) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙01民初89号", kind="mediation")
    made = await invite(judge, hearing["id"], name="王五", time_zone="Asia/Shanghai")
    tab = await open_tab("home", f"/join#{made['invitation']['token']}", phone=True)
    await expect(tab.page.get_by_test_id("hearing-time")).to_contain_text("法院所在地时间")
    await expect(tab.page.get_by_test_id("invitee")).to_contain_text("王五")
    await expect(tab.page.get_by_test_id("hearing-own-time")).to_have_count(0)
