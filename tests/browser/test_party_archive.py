"""A party's recording after the hearing, in Chromium on a phone: the clerk gives a party access
from the archive (with a new invitation link); the party opens it, plays and seeks the video on
a signed link (byte ranges), sees the chapters, the timeline and the seal checked against the
code given at close, and downloads it; every access is audited under the party's name. A party
the court gave nothing (of the same hearing, or of another) is told how to ask for it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, Request, Response, Route, expect
from sqlalchemy import select, update

from court.states import HearingState
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, Hearing
from tests.browser.conftest import OpenTab
from tests.browser.test_archive import CHAPTERS, plays_from_chapter
from tests.browser.test_live import both_languages
from tests.browser.test_staff import log_in
from tests.callers import Caller, invite, schedule_hearing
from tests.sealed_recording import Sealed, make_archive_mp4


@pytest.fixture(scope="module")
def archive_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_archive_mp4(tmp_path_factory.mktemp("mp4") / "archive.mp4", CHAPTERS)


def watch_archive_requests(page: Page) -> list[str]:
    """The URLs of the archive video (or its links) that ``page`` asks for from now on."""
    seen: list[str] = []

    def on_request(request: Request) -> None:
        if "/archive" in request.url:
            seen.append(request.url)

    page.on("request", on_request)
    return seen


async def close(database: Database, hearing_id: int) -> None:
    async with database.session() as db:
        await db.execute(
            update(Hearing).where(Hearing.id == hearing_id).values(state=HearingState.CLOSED)
        )
        await db.commit()


async def test_a_granted_party_watches_the_recording_of_their_hearing(
    open_tab: OpenTab,
    judge: Caller,
    clerk: Caller,
    database: Database,
    sealed: Sealed,
) -> None:
    await invite(judge, sealed.hearing_id, role="witness", name="赵六")
    await close(database, sealed.hearing_id)
    code = (await clerk.call("GET", f"/recordings/{sealed.recording_id}"))["seal"][
        "verification_code"
    ]

    # The clerk gives the party access from the archive and gets a new link to send them.
    desk = await open_tab("party-archive-clerk", f"/archive#/recordings/{sealed.recording_id}")
    await log_in(desk.page, "clerk")
    row = desk.page.get_by_test_id(f"grant-{sealed.party_id}")
    await expect(row.get_by_test_id("grant-status")).to_have_text("未授权")
    await expect(desk.page.get_by_test_id("grants")).not_to_contain_text("赵六")  # a witness
    await row.get_by_test_id("grant-give").click()
    await expect(row.get_by_test_id("grant-status")).to_contain_text("已由 clerk 授权")
    link = await row.get_by_test_id("invitation-link").input_value()
    await desk.screenshot("granted-zh")
    token = urlsplit(link).fragment

    party = await open_tab("party-archive", "/healthz", phone=True)
    page = party.page
    streamed: list[tuple[str, str, int]] = []  # (URL, Range header, status) of the video
    links: list[str] = []  # each signed link asked for
    refused_once: list[str] = []

    async def on_response(response: Response) -> None:
        if f"/recordings/{sealed.recording_id}/archive?" in response.url:
            asked = (await response.request.all_headers()).get("range", "")
            streamed.append((response.url, asked, response.status))

    def on_request(request: Request) -> None:
        if request.url.endswith(f"/recordings/{sealed.recording_id}/archive/link"):
            links.append(request.method)

    async def expire_first(route: Route) -> None:
        # The first link stops working as one that expired would: the player asks for another.
        if not refused_once:
            refused_once.append(route.request.url)
            await route.fulfill(
                status=403,
                content_type="application/json",
                body='{"error": {"code": "link_expired", "message": "expired"}}',
            )
        else:
            await route.continue_()

    page.on("response", on_response)
    page.on("request", on_request)
    await page.route(re.compile(r".*/archive\?by=.*"), expire_first)
    await page.goto(f"/join#{token}")

    await expect(page.get_by_test_id("invitation")).to_contain_text("庭审已结束")
    await expect(page.get_by_test_id("hearing-title")).to_be_visible()
    await expect(page.get_by_test_id("case")).to_contain_text("(2026)浙0402民初1234号")
    # When the hearing was held (the recording's start), not when it had been scheduled.
    await expect(page.get_by_test_id("recording-when")).to_contain_text("开庭时间 2026-03-02 09:30")
    await expect(page.get_by_test_id("hearing-time")).to_have_count(0)
    video = page.get_by_test_id("video")
    await expect(video).to_have_js_property("readyState", 4, timeout=15000)
    assert len(refused_once) == 1 and len(links) == 2, (refused_once, links)
    await plays_from_chapter(page, 2, 2.4, 3.1)
    assert any(
        "signature=" in url and asked.startswith("bytes=") and status == 206
        for url, asked, status in streamed
    ), streamed

    verdict = page.get_by_test_id("verdict")  # checked at once, no button to find
    await expect(verdict).to_have_text(re.compile(r"封存完好：\d+ 个文件、\d+ 条记录均未改动。"))
    await expect(page.get_by_test_id("seal-code")).to_have_text(code)
    timeline = page.get_by_test_id("timeline")
    await expect(timeline).to_contain_text("准许入庭: 张三")
    await expect(timeline).to_contain_text("阶段: 法庭调查")
    await expect(page.get_by_test_id("party-no-recording")).to_have_count(0)
    await both_languages(party, "recording")
    await page.get_by_test_id("lang-switch").click()
    await expect(verdict).to_contain_text("Seal valid")
    await expect(page.get_by_test_id("invitation")).to_contain_text("The hearing is over")

    download = await page.get_by_test_id("download").get_attribute("href")
    assert download is not None and "signature=" in download and "download=true" in download
    response = await page.request.get(download)
    assert response.ok and await response.body() == sealed.archive
    assert response.headers["content-disposition"].startswith("attachment")

    # Everything the party did is in the audit log under their name.
    async with database.session() as db:
        rows = (
            await db.execute(
                select(AuditEntry.action, AuditEntry.detail).where(
                    AuditEntry.actor.like(f"participant:{sealed.party_id}:%")
                )
            )
        ).all()
    actions = {action for action, _ in rows}
    assert {
        "open_invitation",
        "search_recordings",
        "view_recording",
        "link_recording",
        "verify_recording",
        "stream_recording",
        "download_recording",
    } <= actions, actions
    assert all(
        (detail or {}).get("via") == "signed_link"
        for action, detail in rows
        if action in ("stream_recording", "download_recording")
    ), rows


async def test_a_party_given_nothing_is_told_how_to_ask(
    open_tab: OpenTab,
    judge: Caller,
    database: Database,
    sealed: Sealed,
) -> None:
    same = await invite(judge, sealed.hearing_id, name="李四", side="defendant")
    await close(database, sealed.hearing_id)
    await judge.call(
        "POST",
        f"/recordings/{sealed.recording_id}/grants",
        {"participant_id": sealed.party_id},
        expect=201,
    )
    elsewhere = await schedule_hearing(judge, "(2026)浙0402民初99号")
    stranger = await invite(judge, elsewhere["id"], name="王五")
    await close(database, elsewhere["id"])

    for name, created, locale in (
        ("party-not-granted", same, "zh-CN"),
        ("party-other-hearing", stranger, "en-US"),
    ):
        token = created["invitation"]["token"]
        tab = await open_tab(name, "/healthz", phone=True, locale=locale)
        archive_requests = watch_archive_requests(tab.page)
        await tab.page.goto(f"/join#{token}")
        refusal = tab.page.get_by_test_id("party-no-recording")
        await expect(refusal).to_be_visible()
        if locale == "zh-CN":
            await expect(refusal).to_contain_text("法院尚未授权您查看本次庭审的录像")
        else:
            await expect(refusal).to_contain_text("has not given you access to its recording")
        await expect(tab.page.get_by_test_id("invitation")).to_be_visible()
        await expect(tab.page.get_by_test_id("video")).to_have_count(0)
        await expect(tab.page.get_by_test_id("selftest")).to_have_count(0)
        await expect(tab.page.get_by_test_id("join-problem")).to_have_count(0)
        await both_languages(tab, "no-recording")
        assert archive_requests == []
