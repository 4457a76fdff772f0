"""Joining when the camera cannot be used: the person gets help, never a blank page.

This module's browser has no `--use-fake-ui-for-media-stream`, so a camera request meets
Chromium's real permission check; a context granted no permission is refused, as a person who
tapped "Block" would be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, OpenTab
from tests.browser.test_live import both_languages, schedule
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
    await expect(party.page.get_by_test_id("join-button")).to_be_disabled()
    await both_languages(party, "camera-denied")

    # Allowed after all: "try again" brings the self-test.
    await party.context.grant_permissions(["camera", "microphone"])
    await party.page.get_by_test_id("media-retry").click()
    await expect(party.page.get_by_test_id("media-help")).to_have_count(0)
    await expect(party.page.get_by_test_id("join-button")).to_be_enabled()


async def test_an_invitation_link_without_its_token_says_so(open_tab: OpenTab) -> None:
    tab = await open_tab("join-no-token", "/join", locale="en-US")
    await expect(tab.page.get_by_test_id("join-problem")).to_contain_text("incomplete")
