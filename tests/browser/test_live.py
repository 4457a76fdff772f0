"""The live screens in Chromium: a judge at a desktop, a party on a phone and a detention terminal.

Each page must show the others' video actually playing (decoded frames advance), the judge's
conduct (admit, mute, recess, close) must show on every page, a dropped phone must come back
without being admitted again, and every main screen is saved as a screenshot in both languages.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp.test_utils import TestServer
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import OpenTab, Tab
from tests.callers import PASSWORD, TERMINAL_SECRET, Caller, World, invite, schedule_hearing
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import session_cookie
from tests.signal_client import admit_checked

FRAMES_WITHIN_MS = 20_000


@dataclass(frozen=True)
class Scheduled:
    hearing_id: int
    judge_id: int
    party_id: int
    party_token: str
    detainee_id: int


async def schedule(judge: Caller, world: World, *, detainee: bool = True) -> Scheduled:
    """A criminal hearing today with a party (invited) and a detained defendant (terminal)."""
    hearing = await schedule_hearing(
        judge,
        "(2026)A刑初7号",
        "criminal_trial",
        title="盗窃案",
        public=False,
        clerk_id=world.clerk_id,
    )
    hearing_id = hearing["id"]
    bench = await judge.call("GET", f"/hearings/{hearing_id}/participants")
    judge_id = next(p["id"] for p in bench["items"] if p["role"] == "judge")
    party = await invite(judge, hearing_id, side="victim")
    detainee_id = 0
    if detainee:
        seat = await invite(
            judge, hearing_id, role="detainee", name="孙六", detention_centre_id=world.centre_id
        )
        detainee_id = seat["participant"]["id"]
    return Scheduled(
        hearing_id,
        judge_id,
        party["participant"]["id"],
        party["invitation"]["token"],
        detainee_id,
    )


async def both_languages(tab: Tab, what: str) -> None:
    """Screenshot the screen as it is, switch language, screenshot again, switch back."""
    page = tab.page
    first = await page.evaluate("document.documentElement.lang")
    await tab.screenshot(f"{what}-{first}")
    await page.get_by_test_id("lang-switch").first.click()
    await expect(page.locator("html")).not_to_have_attribute("lang", first)
    await tab.screenshot(f"{what}-{await page.evaluate('document.documentElement.lang')}")
    await page.get_by_test_id("lang-switch").first.click()
    await expect(page.locator("html")).to_have_attribute("lang", first)


async def frames(page: Page, participant_id: int) -> int:
    """Video frames decoded so far in the tile of ``participant_id`` (0 without a tile)."""
    count: int = await page.evaluate(
        """(id) => {
            const video = document.querySelector(
                `[data-testid=tile][data-participant="${id}"] video`);
            return video ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
        }""",
        participant_id,
    )
    return count


async def video_plays(page: Page, participant_id: int, more: int = 15) -> None:
    """Wait until ``participant_id``'s tile has decoded ``more`` frames beyond what it had."""
    tile = page.locator(f'[data-testid=tile][data-participant="{participant_id}"]')
    await expect(tile).to_be_visible(timeout=FRAMES_WITHIN_MS)
    start = await frames(page, participant_id)
    await page.wait_for_function(
        """([id, wanted]) => {
            const video = document.querySelector(
                `[data-testid=tile][data-participant="${id}"] video`);
            return video !== null && video.getVideoPlaybackQuality().totalVideoFrames >= wanted;
        }""",
        arg=[participant_id, start + more],
        timeout=FRAMES_WITHIN_MS,
    )


def person(page: Page, participant_id: int) -> Locator:
    return page.locator(f'[data-testid=person][data-participant="{participant_id}"]')


async def check_identity(row: Locator, document: str = "resident_id") -> None:
    """The clerk reads the person's document into the console's check (a criminal trial admits
    nobody unchecked); the row then says verified."""
    await row.get_by_test_id("identity-document").select_option(document)
    await row.get_by_test_id("identity-digits").fill("1234")
    await row.get_by_test_id("verify").click()
    await expect(row.get_by_test_id("identity")).to_have_attribute("data-verified", "true")


async def check_everyone(page: Page) -> None:
    """Check every person the console still offers a check for, one after the other."""
    forms = page.get_by_test_id("identity-form")
    for remaining in range(await forms.count(), 0, -1):
        form = forms.first
        await form.get_by_test_id("identity-digits").fill("1234")
        await form.get_by_test_id("verify").click()
        await expect(forms).to_have_count(remaining - 1)


async def staff_tab(open_tab: OpenTab, hearing_id: int, username: str = "judge") -> Tab:
    """A judge's or clerk's desktop, logged in, in the hearing's console."""
    tab = await open_tab(username, "/healthz")
    await go_to_console(tab, hearing_id, username)
    await expect(tab.page.get_by_test_id("console")).to_be_visible()
    return tab


async def go_to_console(tab: Tab, hearing_id: int, username: str) -> None:
    """Log the tab in as staff member ``username`` (through the API, not the login form) and
    open the hearing's console."""
    login = await tab.context.request.post(
        "/api/v1/auth/login", data={"username": username, "password": PASSWORD}
    )
    assert login.ok, await login.text()
    await tab.page.goto(f"/hearing/{hearing_id}")


async def bench_in_session(open_tab: OpenTab, hearing_id: int) -> Tab:
    """The judge's console with the hearing opened and in session (clicked, as a judge does)."""
    tab = await staff_tab(open_tab, hearing_id)
    state = tab.page.get_by_test_id("hearing-state")
    await tab.page.get_by_test_id("hearing-open").click()
    await expect(state).to_have_attribute("data-state", "open")
    await tab.page.get_by_test_id("hearing-start_session").click()
    await expect(state).to_have_attribute("data-state", "in_session")
    return tab


async def open_session(presiding: HeadlessParticipant, hearing_id: int) -> None:
    """A headless judge joins (publishing) and puts the hearing in session."""
    await presiding.join(hearing_id)
    for event in ("open", "start_session"):
        assert await presiding.signal.call(event) == {"ok": True}


def headless_judge(server: TestServer, judge: Caller) -> HeadlessParticipant:
    """A headless client with the judge's login session (not joined yet)."""
    url = str(server.make_url("")).rstrip("/")
    return HeadlessParticipant(url, SendTimes(), cookie=session_cookie(judge))


@asynccontextmanager
async def judge_in_session(
    server: TestServer, judge: Caller, hearing_id: int
) -> AsyncIterator[HeadlessParticipant]:
    """A headless judge joined and the hearing in session (`open_session`), gone on exit."""
    presiding = headless_judge(server, judge)
    try:
        await open_session(presiding, hearing_id)
        yield presiding
    finally:
        await presiding.close()


def headless_party(server: TestServer, hearing: Scheduled) -> HeadlessParticipant:
    """A headless client holding the party's invitation (not joined yet)."""
    url = str(server.make_url("")).rstrip("/")
    return HeadlessParticipant(url, SendTimes(), invitation=hearing.party_token)


async def phone_admitted(
    open_tab: OpenTab, presiding: HeadlessParticipant, hearing: Scheduled, name: str
) -> Tab:
    """The party joins on a phone with their invitation, the headless judge admits them, and
    the judge's video plays on the phone."""
    party = await open_tab(name, f"/join#{hearing.party_token}", phone=True)
    page = party.page
    await expect(page.get_by_test_id("join-button")).to_be_enabled()
    await page.get_by_test_id("join-button").click()
    await expect(page.get_by_test_id("waiting-room")).to_be_visible()
    assert await admit_checked(presiding.signal, hearing.party_id) == {"ok": True}
    await video_plays(page, hearing.judge_id)
    return party


async def admit_party(
    page: Page, party: HeadlessParticipant, hearing: Scheduled, within_ms: float
) -> Locator:
    """The headless ``party`` joins and the judge admits them from the console on ``page``;
    their tile, once it shows (within ``within_ms``)."""
    await party.join(hearing.hearing_id)
    await check_identity(person(page, hearing.party_id))
    await person(page, hearing.party_id).get_by_test_id("admit").click()
    tile = page.locator(f'[data-testid=tile][data-participant="{hearing.party_id}"]')
    await expect(tile).to_be_visible(timeout=within_ms)
    return tile


async def test_judge_party_and_terminal_hold_a_hearing(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world)

    # The detention terminal logs in with its credential and lists today's hearings.
    terminal = await open_tab("terminal", "/terminal")
    await both_languages(terminal, "terminal-login")
    await terminal.page.get_by_test_id("terminal-id").fill(str(world.terminal_id))
    await terminal.page.get_by_test_id("terminal-secret").fill(TERMINAL_SECRET)
    await terminal.page.get_by_test_id("terminal-submit").click()
    listed = terminal.page.get_by_test_id("terminal-hearing")
    await expect(listed).to_have_attribute("data-state", "scheduled")
    await expect(listed).to_contain_text("(2026)A刑初7号")
    await both_languages(terminal, "terminal-hearings")

    bench = await staff_tab(open_tab, hearing.hearing_id)
    await expect(bench.page.get_by_test_id("hearing-state")).to_have_attribute(
        "data-state", "scheduled"
    )
    await bench.page.get_by_test_id("hearing-open").click()
    await expect(bench.page.get_by_test_id("hearing-state")).to_have_attribute("data-state", "open")

    # The party: the invitation names the court and case; the self-test passes; the waiting room.
    party = await open_tab("party", f"/join#{hearing.party_token}", phone=True)
    await expect(party.page.get_by_test_id("court")).to_have_text("A区人民法院")
    await expect(party.page.get_by_test_id("case")).to_contain_text("(2026)A刑初7号")
    # the loopback's round trip on a loaded machine may be judged slow: still a pass; and the
    # check (after the consent step and the camera's start) may take its time to appear
    await expect(party.page.get_by_test_id("network-check")).to_have_attribute(
        "data-result", re.compile("^(good|slow)$"), timeout=30_000
    )
    await party.page.wait_for_function(
        "document.querySelector('[data-testid=preview]').videoWidth > 0"
    )
    await expect(party.page.get_by_test_id("join-button")).to_be_enabled()
    await both_languages(party, "join-selftest")
    await party.page.get_by_test_id("join-button").click()
    await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()
    await expect(party.page.get_by_test_id("waiting-who")).to_contain_text("张三")
    await both_languages(party, "waiting-room")

    # The terminal, which listed the hearing, joins it by itself once it is open.
    await expect(terminal.page.get_by_test_id("waiting-room")).to_be_visible()
    await expect(terminal.page.get_by_test_id("leave")).to_have_count(0)

    # The judge sees both waiting, starts the session and admits them.
    page = bench.page
    await expect(person(page, hearing.party_id)).to_have_attribute("data-presence", "waiting")
    await expect(person(page, hearing.detainee_id)).to_have_attribute("data-presence", "waiting")
    await page.get_by_test_id("hearing-start_session").click()
    await expect(page.get_by_test_id("recording")).to_be_visible()
    # A criminal trial admits nobody unchecked: the clerk reads the document's last digits;
    # the server takes the still from the camera.
    refused = person(page, hearing.party_id)
    await refused.get_by_test_id("admit").click()
    await expect(page.get_by_test_id("notice").last).to_contain_text("身份")
    verify = person(page, hearing.party_id).get_by_test_id("verify")
    await expect(verify).to_have_text("标记身份已核实")
    await expect(person(page, hearing.party_id).get_by_test_id("identity")).to_have_text(
        "身份未核对"
    )
    await (
        person(page, hearing.party_id).get_by_test_id("identity-document").select_option("passport")
    )
    await person(page, hearing.party_id).get_by_test_id("identity-digits").fill("1234")
    await verify.click()
    await expect(person(page, hearing.party_id).get_by_test_id("identity")).to_have_attribute(
        "data-verified", "true"
    )
    await expect(person(page, hearing.party_id).get_by_test_id("identity-still")).to_be_visible()
    await page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=identity-still]')]"
        ".some(img => img.complete && img.naturalWidth > 0)"
    )
    await check_identity(person(page, hearing.detainee_id))
    await person(page, hearing.party_id).get_by_test_id("admit").click()
    await page.get_by_test_id("admit-all").click()
    await expect(person(page, hearing.detainee_id)).to_have_attribute("data-presence", "in_hearing")

    # Everyone sees everyone else's video playing.
    await asyncio.gather(
        video_plays(page, hearing.party_id),
        video_plays(page, hearing.detainee_id),
        video_plays(party.page, hearing.judge_id),
        video_plays(party.page, hearing.detainee_id),
        video_plays(terminal.page, hearing.judge_id),
        video_plays(terminal.page, hearing.party_id),
    )
    # The judge's tile is the large one (it may also be marked speaking: the fake microphone's
    # tone can make the judge the active speaker at any moment).
    await expect(
        party.page.locator(f'[data-testid=tile][data-participant="{hearing.judge_id}"]')
    ).to_have_class(re.compile(r"\bprominent\b"))
    await both_languages(bench, "judge-console")
    await both_languages(party, "hearing-phone")
    await both_languages(terminal, "terminal-hearing")

    # Identity check, procedure phase, a raised hand and a message to the bench. The button
    # names the action, unlike the status beside it.
    await page.get_by_test_id("phase-select").select_option("rights_notice")
    await expect(party.page.get_by_test_id("phase")).to_have_text("告知权利")
    await party.page.get_by_test_id("hand-toggle").click()
    await expect(person(page, hearing.party_id)).to_contain_text("举手")
    await party.page.get_by_test_id("messages-toggle").click()
    await party.page.get_by_test_id("message-text").fill("申请出示新证据")
    await party.page.get_by_test_id("message-send").click()
    await expect(page.get_by_test_id("messages")).to_contain_text("申请出示新证据")
    await expect(party.page.get_by_test_id("messages")).to_contain_text("申请出示新证据")
    await page.get_by_test_id("message-to").select_option(str(hearing.party_id))
    await page.get_by_test_id("message-text").fill("准许，请稍后出示")
    await page.get_by_test_id("message-send").click()
    await expect(party.page.get_by_test_id("messages")).to_contain_text("准许，请稍后出示")
    await both_languages(party, "message-the-court-phone")

    # Leaving asks first; the party stays unless they confirm.
    await party.page.get_by_test_id("leave").click()
    await expect(party.page.get_by_test_id("confirm-dialog")).to_be_visible()
    await party.page.get_by_test_id("confirm-cancel").click()
    await expect(party.page.get_by_test_id("confirm-dialog")).to_have_count(0)
    await expect(person(page, hearing.party_id)).to_have_attribute("data-presence", "in_hearing")

    # The judge mutes the party: the party's page says so and its microphone switch is locked.
    await person(page, hearing.party_id).get_by_test_id("mute").click()
    await expect(party.page.get_by_test_id("bench-muted")).to_be_visible()
    await expect(party.page.get_by_test_id("mic-toggle")).to_have_attribute(
        "data-state", "bench-muted"
    )
    await expect(party.page.get_by_test_id("mic-toggle")).to_be_disabled()
    await expect(
        page.locator(f'[data-testid=tile][data-participant="{hearing.party_id}"]').get_by_test_id(
            "tile-muted"
        )
    ).to_be_visible()
    await both_languages(party, "hearing-phone-muted")

    # Recess shows everywhere; so does the close.
    await page.get_by_test_id("hearing-recess").click()
    for tab in (party, terminal):
        await expect(tab.page.get_by_test_id("banner-recess")).to_be_visible()
    await expect(page.get_by_test_id("hearing-state")).to_have_attribute("data-state", "recess")
    await both_languages(party, "recess-phone")
    await page.get_by_test_id("hearing-close").click()
    await page.get_by_test_id("confirm-ok").click()
    for tab in (bench, party, terminal):
        await expect(tab.page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
    # The terminal says it returns to its list, in a line with room around it.
    back_soon = terminal.page.locator(".back-soon")
    await expect(back_soon).to_be_visible()
    padding = await back_soon.evaluate("p => parseFloat(getComputedStyle(p).paddingLeft)")
    assert padding >= 8, padding
    await both_languages(party, "closed-phone")
    await both_languages(bench, "closed-judge")


async def test_a_dropped_phone_comes_back_without_being_admitted_again(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    """The clerk runs the waiting room (a headless judge opened the session)."""
    hearing = await schedule(judge, world, detainee=False)
    async with judge_in_session(server, judge, hearing.hearing_id) as presiding:
        clerk = await staff_tab(open_tab, hearing.hearing_id, "clerk")
        console = clerk.page.get_by_test_id("console")
        # A clerk may recess and mute, not close the hearing or remove anyone.
        await expect(console.get_by_test_id("hearing-recess")).to_be_visible()
        await expect(console.get_by_test_id("hearing-close")).to_have_count(0)
        await expect(console.get_by_test_id("phase-select")).to_have_count(0)

        party = await open_tab("party-reconnect", f"/join#{hearing.party_token}", phone=True)
        await expect(party.page.get_by_test_id("join-button")).to_be_enabled()
        await party.page.get_by_test_id("join-button").click()
        await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()
        row = person(clerk.page, hearing.party_id)
        await expect(row.get_by_test_id("remove")).to_have_count(0)
        await check_identity(row)
        await row.get_by_test_id("admit").click()
        await video_plays(party.page, hearing.judge_id)

        await party.context.set_offline(True)
        await expect(party.page.get_by_test_id("banner-reconnecting")).to_be_visible()
        await expect(row).to_have_attribute("data-presence", "reconnecting")
        await both_languages(party, "reconnecting-phone")
        await party.context.set_offline(False)

        await expect(party.page.get_by_test_id("banner-reconnecting")).to_have_count(0)
        await expect(party.page.get_by_test_id("waiting-room")).to_be_hidden()
        await expect(party.page.get_by_test_id("live")).to_have_attribute(
            "data-media", "connected", timeout=FRAMES_WITHIN_MS
        )
        await video_plays(party.page, hearing.judge_id)
        await expect(row).to_have_attribute("data-presence", "in_hearing")
        alerts = clerk.page.get_by_test_id("alert")
        await expect(alerts.and_(clerk.page.locator("[data-kind=dropped]"))).to_have_count(1)
        await expect(alerts.and_(clerk.page.locator("[data-kind=reconnected]"))).to_have_count(1)
        await both_languages(clerk, "clerk-console")

        assert await presiding.signal.call("close") == {"ok": True}
        await expect(party.page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
