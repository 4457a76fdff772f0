"""The court's words reaching people in Chromium: a failed self-test alerts the bench, a court
notice reaches the waiting room, a refusal is explained in the person's language, and a party
steps out to a private consultation with their lawyer and comes back."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from playwright.async_api import Route, expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import both_languages, headless_judge, person, schedule, staff_tab
from tests.callers import Caller, World, invite
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.peers import wait_until
from tests.signal_client import admit_checked


async def test_a_failed_self_test_alerts_the_judge_who_sends_a_notice_to_the_waiting_room(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await staff_tab(open_tab, hearing.hearing_id)
    await bench.page.get_by_test_id("hearing-open").click()
    await expect(bench.page.get_by_test_id("hearing-state")).to_have_attribute("data-state", "open")

    # The party's network check cannot reach the server; the camera works, so they join.
    party = await open_tab("party-notice", "/healthz", phone=True)

    async def unreachable(route: Route) -> None:
        await route.abort()

    await party.page.route("**/healthz", unreachable)
    await party.page.goto(f"/join#{hearing.party_token}")
    await expect(party.page.get_by_test_id("network-check")).to_have_attribute(
        "data-result", "failed", timeout=30_000
    )
    await party.page.get_by_test_id("join-button").click()
    await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()

    # The judge's console names the person and what failed.
    alert = bench.page.locator("[data-testid=alert][data-kind=self_test_failed]")
    await expect(alert).to_have_count(1)
    await expect(alert).to_contain_text("张三 设备检测未通过：与法院的连接")
    await expect(person(bench.page, hearing.party_id)).to_have_attribute("data-presence", "waiting")

    # A court notice reaches the waiting room and stays until dismissed.
    await bench.page.get_by_test_id("notice-text").fill("庭审推迟至10:30开始")
    await bench.page.get_by_test_id("notice-send").click()
    banner = party.page.get_by_test_id("court-notice")
    await expect(banner).to_be_visible()
    await expect(banner.get_by_test_id("court-notice-text")).to_have_text("庭审推迟至10:30开始")
    await expect(banner).to_contain_text("法庭通知")
    await expect(bench.page.get_by_test_id("notice-text")).to_have_value("")
    await both_languages(party, "court-notice-waiting-phone")
    await both_languages(bench, "judge-console-self-test-alert")
    await party.page.get_by_test_id("court-notice-dismiss").click()
    await expect(banner).to_have_count(0)
    await expect(party.page.get_by_test_id("messages")).to_contain_text("庭审推迟至10:30开始")
    await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()

    # Closed, so the server has nothing left to wind down when the test ends.
    await bench.page.get_by_test_id("hearing-close").click()
    await bench.page.get_by_test_id("confirm-ok").click()
    await expect(party.page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")


async def test_a_withdrawn_invitation_is_explained_in_the_persons_language(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    await judge.call("DELETE", f"/participants/{hearing.party_id}/invitation", expect=204)
    tab = await open_tab("join-revoked", f"/join#{hearing.party_token}", phone=True)
    problem = tab.page.get_by_test_id("join-problem")
    await expect(problem).to_have_attribute("data-code", "invitation_revoked")
    await expect(problem).to_have_text("法院已撤回此邀请。")
    await both_languages(tab, "join-revoked")
    await tab.page.get_by_test_id("lang-switch").click()
    await expect(problem).to_have_text("The court has withdrawn this invitation.")


async def test_a_party_consults_their_lawyer_in_private_and_returns(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    agent_seat = await invite(
        judge,
        hearing.hearing_id,
        role="agent",
        name="吴律师 Counsel Wu",
        represents_id=hearing.party_id,
    )
    agent_id = agent_seat["participant"]["id"]
    url = str(server.make_url("")).rstrip("/")
    presiding = headless_judge(server, judge)
    agent = HeadlessParticipant(url, SendTimes(), invitation=agent_seat["invitation"]["token"])
    try:
        await presiding.join(hearing.hearing_id, publish=False)
        for event in ("open", "start_session"):
            assert await presiding.signal.call(event) == {"ok": True}
        await agent.join(hearing.hearing_id, publish=False)
        party = await open_tab("party-consult", f"/join#{hearing.party_token}", phone=True)
        await party.page.get_by_test_id("join-button").click()
        await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()
        for who in (agent_id, hearing.party_id):
            assert await admit_checked(presiding.signal, who) == {"ok": True}

        start = party.page.get_by_test_id("consult-start")
        # a name ending in Latin letters keeps a space before the Chinese text that follows
        await expect(start).to_be_visible()
        assert await start.text_content() == "与吴律师 Counsel Wu 私下沟通"
        await expect(party.page.get_by_test_id("consultation")).to_be_hidden()
        await start.click()
        consultation = party.page.get_by_test_id("consultation")
        await expect(consultation).to_be_visible()
        await expect(consultation.locator("h2")).to_have_text("正在与吴律师 Counsel Wu 私下沟通")
        await expect(start).to_have_count(0)
        await wait_until(
            lambda: agent.signal.room["you"]["presence"] == "in_consultation", 5, "consultation"
        )
        await both_languages(party, "consultation-phone")

        await party.page.get_by_test_id("consult-end").click()
        await expect(consultation).to_be_hidden()
        await expect(start).to_be_visible()
        await wait_until(
            lambda: agent.signal.room["you"]["presence"] == "in_hearing", 5, "back in the hearing"
        )
        assert await presiding.signal.call("close") == {"ok": True}
        await expect(party.page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
    finally:
        await agent.close()
        await presiding.close()


async def test_before_the_waiting_room_opens_a_party_is_told_when_they_can_write(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    party = await open_tab("party-early", f"/join#{hearing.party_token}", phone=True)
    page = party.page
    await page.get_by_test_id("join-button").click()
    await expect(page.get_by_test_id("waiting-room")).to_be_visible()
    await page.get_by_test_id("messages-toggle").click()
    # Nobody reads messages yet (the server would refuse one): no form, but the reason.
    await expect(page.get_by_test_id("chat-not-yet")).to_have_text(
        "法庭开放候审室后，您才能给法庭留言。"
    )
    await expect(page.get_by_test_id("message-text")).to_be_hidden()
    await both_languages(party, "message-before-open-phone")

    presiding = headless_judge(server, judge)
    try:
        await presiding.join(hearing.hearing_id, publish=False)
        assert await presiding.signal.call("open") == {"ok": True}
        await expect(page.get_by_test_id("chat-not-yet")).to_be_hidden()
        await page.get_by_test_id("message-text").fill("我已到候审室")
        await page.get_by_test_id("message-send").click()
        received = await presiding.signal.wait_for("message")
        assert received["text"] == "我已到候审室" and received["to"] == "bench"
        await expect(page.get_by_test_id("notice")).to_have_count(0)
        assert await presiding.signal.call("close") == {"ok": True}
    finally:
        await presiding.close()
