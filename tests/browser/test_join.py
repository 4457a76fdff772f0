"""Joining when the camera cannot be used: the person gets help, never a blank page, and can
still take part (with the microphone only, or watching and listening) while the bench is told.

This module's browser has no `--use-fake-ui-for-media-stream`, so a camera request meets
Chromium's real permission check; a context granted no permission is refused, as a person who
tapped "Block" would be, and one granted only the microphone has no camera.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, OpenTab, Tab
from tests.browser.test_live import (
    FRAMES_WITHIN_MS,
    both_languages,
    check_identity,
    go_to_console,
    person,
    schedule,
    video_plays,
)
from tests.callers import Caller, World


@pytest.fixture
async def browser(built_client: Path) -> AsyncIterator[Browser]:
    flags = [flag for flag in CHROMIUM_FLAGS if flag != "--use-fake-ui-for-media-stream"]
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=flags, headless=True
        )
        yield chromium
        await chromium.close()


async def test_a_party_who_blocks_the_camera_is_told_what_to_do(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    party = await open_tab("party-denied", f"/join#{hearing.party_token}", phone=True)
    help_text = party.page.get_by_test_id("media-help")
    await expect(help_text).to_have_attribute("data-problem", "denied")
    await expect(help_text).to_contain_text("摄像头")
    await expect(party.page.get_by_test_id("media-retry")).to_be_visible()
    await expect(party.page.get_by_test_id("invitation")).to_be_visible()
    await expect(party.page.get_by_test_id("join-button")).to_be_hidden()  # no greyed button
    await both_languages(party, "camera-denied")

    # Allowed after all: "try again" brings the self-test.
    await party.context.grant_permissions(["camera", "microphone"])
    await party.page.get_by_test_id("media-retry").click()
    await expect(party.page.get_by_test_id("media-help")).to_have_count(0)
    await expect(party.page.get_by_test_id("join-button")).to_be_enabled()


async def test_an_invitation_link_without_its_token_says_so(open_tab: OpenTab) -> None:
    tab = await open_tab("join-no-token", "/join", locale="en-US")
    await expect(tab.page.get_by_test_id("join-problem")).to_contain_text("incomplete")


async def judge_tab(open_tab: OpenTab, hearing_id: int) -> Tab:
    """The judge's desktop, camera allowed (this module's browser asks for real)."""
    tab = await open_tab("judge-devices", "/healthz", permissions=["camera", "microphone"])
    await go_to_console(tab, hearing_id, "judge")
    await expect(tab.page.get_by_test_id("console")).to_be_visible()
    return tab


async def audio_flows(page: Page, participant_id: int) -> None:
    """A remote track is muted until its first packets arrive: wait until it is not."""
    await page.wait_for_function(
        """(id) => {
            const audio = document.querySelector(
                `[data-testid=tile][data-participant="${id}"] audio`);
            const track = audio?.srcObject?.getAudioTracks()[0];
            return track !== undefined && track.readyState === "live" && !track.muted;
        }""",
        arg=participant_id,
        timeout=FRAMES_WITHIN_MS,
    )


async def test_a_party_without_a_camera_takes_part_and_the_bench_knows(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    second = await judge.call(
        "POST",
        f"/hearings/{hearing.hearing_id}/participants",
        {"role": "party", "name": "李四", "side": "defendant"},
        expect=201,
    )
    listener_id = second["participant"]["id"]
    bench = await judge_tab(open_tab, hearing.hearing_id)
    await bench.page.get_by_test_id("hearing-open").click()
    await expect(bench.page.get_by_test_id("hearing-state")).to_have_attribute("data-state", "open")

    # Camera blocked, microphone allowed: the help says only the camera is blocked, then
    # "join with microphone only"; no greyed "enter" button stays on screen.
    speaker = await open_tab(
        "party-audio-only", f"/join#{hearing.party_token}", phone=True, permissions=["microphone"]
    )
    help_ = speaker.page.get_by_test_id("media-help")
    await expect(help_).to_have_attribute("data-problem", "camera_denied")
    await expect(help_.locator("h2")).to_have_text("摄像头被禁止")
    await expect(speaker.page.get_by_test_id("join-button")).to_be_hidden()
    fallback = speaker.page.get_by_test_id("media-fallback")
    await expect(fallback).to_have_attribute("data-offer", "microphone")
    await expect(speaker.page.get_by_test_id("join-no-devices")).to_have_count(0)
    await both_languages(speaker, "audio-only-offer")
    await speaker.page.get_by_test_id("join-audio-only").click()
    await expect(speaker.page.get_by_test_id("waiting-room")).to_be_visible()
    await expect(speaker.page.get_by_test_id("camera-toggle")).to_be_hidden()

    # Nothing allowed: "join without camera or microphone" (watch and listen).
    listener = await open_tab("party-no-devices", f"/join#{second['invitation']['token']}")
    await expect(listener.page.get_by_test_id("media-fallback")).to_have_attribute(
        "data-offer", "none"
    )
    await expect(listener.page.get_by_test_id("media-help").locator("h2")).to_have_text(
        "摄像头和麦克风被禁止"
    )
    await expect(listener.page.get_by_test_id("join-audio-only")).to_have_count(0)
    await both_languages(listener, "no-devices-offer")
    await listener.page.get_by_test_id("join-no-devices").click()
    await expect(listener.page.get_by_test_id("waiting-room")).to_be_visible()

    # The judge's console lists what each of them lacks, and alerted the bench.
    audio_only = person(bench.page, hearing.party_id)
    await expect(audio_only).to_have_attribute("data-no-camera", "true")
    await expect(audio_only).to_have_attribute("data-no-microphone", "false")
    await expect(audio_only.get_by_test_id("person-devices")).to_have_text("无摄像头")
    no_devices = person(bench.page, listener_id)
    await expect(no_devices).to_have_attribute("data-no-camera", "true")
    await expect(no_devices).to_have_attribute("data-no-microphone", "true")
    await expect(no_devices.get_by_test_id("person-devices")).to_have_text("无摄像头 · 无麦克风")
    alerts = bench.page.locator("[data-testid=alert][data-kind=self_test_failed]")
    await expect(alerts).to_have_count(2)
    await expect(alerts).to_contain_text(
        [
            "李四 设备检测未通过：摄像头、麦克风（只能观看和收听）",
            "张三 设备检测未通过：摄像头（仅以麦克风参加）",
        ]
    )

    # Admitted, both receive the judge's video; the judge hears the microphone-only party.
    for row in (audio_only, no_devices):
        await check_identity(row)
        await row.get_by_test_id("admit").click()
    await video_plays(speaker.page, hearing.judge_id)
    await video_plays(listener.page, hearing.judge_id)
    await audio_flows(bench.page, hearing.party_id)
    tile = bench.page.locator(f'[data-testid=tile][data-participant="{hearing.party_id}"]')
    await expect(tile.get_by_test_id("tile-no-camera")).to_be_visible()
    await expect(speaker.page.get_by_test_id("banner-audio_only")).to_be_visible()
    await expect(listener.page.get_by_test_id("banner-no_devices")).to_be_visible()
    await both_languages(bench, "judge-console-no-camera")
    await both_languages(speaker, "in-hearing-audio-only")
    await both_languages(listener, "in-hearing-no-devices")

    # Closed, so the server has nothing left to wind down when the test ends.
    await bench.page.get_by_test_id("hearing-close").click()
    await bench.page.get_by_test_id("confirm-ok").click()
    await expect(speaker.page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
