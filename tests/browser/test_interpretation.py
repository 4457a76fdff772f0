"""A party listens to the interpretation, in Chromium (docs/architecture.md#interpretation),
checked by what the page plays: the headless judge and interpreter send tones of their own
pitch; the party's page taps once for the interpretation and then plays the interpreter's tone
at full volume and the judge's low beneath it; on the floor, the interpreter's not at all. The
judge's room shows whom the party listens to."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import judge_in_session
from tests.callers import Caller, invite, schedule_hearing
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import room_shows

HEARD = """
async (selector) => {
  // Each tile's sound as the page plays it: the strongest pitch of what its <audio> receives
  // (a second of it), and the volume the page plays it at.
  const context = new AudioContext();
  await context.resume();
  const found = [];
  for (const audio of document.querySelectorAll(selector)) {
    const stream = audio.srcObject;
    if (!(stream instanceof MediaStream) || stream.getAudioTracks().length === 0) continue;
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    context.createMediaStreamSource(stream).connect(analyser);
    found.push({ audio, analyser });
  }
  await new Promise((done) => setTimeout(done, 1000));
  const result = found.map(({ audio, analyser }) => {
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
    return {
      participant: Number(audio.closest("[data-participant]").dataset.participant),
      hz: (best * context.sampleRate) / analyser.fftSize,
      volume: audio.muted ? 0 : audio.volume,
    };
  });
  await context.close();
  return result;
}
"""


async def heard(page: Page) -> dict[int, tuple[float, float]]:
    """By participant: (pitch received, volume played)."""
    found: list[dict[str, Any]] = await page.evaluate(HEARD, "[data-testid=tile] audio")
    return {f["participant"]: (f["hz"], f["volume"]) for f in found}


def near(hz: float, wanted: float) -> bool:
    return abs(hz - wanted) < 30


async def test_a_party_switches_to_the_interpretation_and_hears_the_interpreter(
    open_tab: OpenTab, judge: Caller, server: TestServer
) -> None:
    url = str(server.make_url("")).rstrip("/")
    hearing = await schedule_hearing(judge, "(2026)浙01民初90号", title="涉外买卖合同纠纷")
    hid = hearing["id"]
    judge_id = next(
        p["id"]
        for p in (await judge.call("GET", f"/hearings/{hid}/participants"))["items"]
        if p["role"] == "judge"
    )
    made = await invite(judge, hid, role="interpreter", name="译员甲", interprets="zh-en")
    interpreter_id = made["participant"]["id"]
    party = await invite(judge, hid, name="John Smith", language="en")
    party_id = party["participant"]["id"]
    translator = HeadlessParticipant(url, SendTimes(), invitation=made["invitation"]["token"])
    async with judge_in_session(server, judge, hid) as presiding:
        try:
            await translator.join(hid)
            await room_shows(
                presiding, lambda r: any(m["id"] == interpreter_id for m in r["members"])
            )
            assert (await presiding.signal.call("admit", {"participant_id": interpreter_id}))["ok"]
            assert presiding.tone is not None and translator.tone is not None
            judge_hz, interpreter_hz = presiding.tone.hz, translator.tone.hz

            tab = await open_tab("listener", f"/join#{party['invitation']['token']}", phone=True)
            page = tab.page
            await expect(page.get_by_test_id("join-button")).to_be_enabled()
            await page.get_by_test_id("join-button").click()
            await expect(page.get_by_test_id("waiting-room")).to_be_visible()
            assert (await presiding.signal.call("admit", {"participant_id": party_id}))["ok"]
            listening = page.get_by_test_id("listening")
            await expect(listening.get_by_test_id("listen-floor")).to_have_attribute(
                "aria-pressed", "true"
            )
            await expect(listening).to_contain_text("Interpretation (Mandarin Chinese⇄English)")

            # on the floor: the judge's tone at full volume, the interpreter's not played
            floor = await heard(page)
            assert near(floor[judge_id][0], judge_hz) and floor[judge_id][1] == 1, floor
            assert near(floor[interpreter_id][0], interpreter_hz), floor
            assert floor[interpreter_id][1] == 0, floor

            await listening.get_by_test_id(f"listen-{interpreter_id}").click()
            await expect(listening.get_by_test_id(f"listen-{interpreter_id}")).to_have_attribute(
                "aria-pressed", "true"
            )
            await room_shows(
                presiding,
                lambda r: any(
                    m["id"] == party_id and m["listening"] == interpreter_id for m in r["members"]
                ),
            )
            interpreted = await heard(page)
            assert near(interpreted[interpreter_id][0], interpreter_hz), interpreted
            assert interpreted[interpreter_id][1] == 1, interpreted
            assert 0 < interpreted[judge_id][1] < 0.5, interpreted  # the floor low beneath

            await listening.get_by_test_id("listen-floor").click()
            await expect(listening.get_by_test_id("listen-floor")).to_have_attribute(
                "aria-pressed", "true"
            )
            assert (await heard(page))[interpreter_id][1] == 0

            # a sign-language interpreter: kept beside the presiding judge for who asks
            signer = await invite(
                judge, hid, role="interpreter", name="手语译员", interprets="zh-csl"
            )
            signer_id = signer["participant"]["id"]
            signing = HeadlessParticipant(
                url, SendTimes(), invitation=signer["invitation"]["token"]
            )
            try:
                await signing.join(hid)
                await room_shows(
                    presiding, lambda r: any(m["id"] == signer_id for m in r["members"])
                )
                assert (await presiding.signal.call("admit", {"participant_id": signer_id}))["ok"]
                pin = listening.get_by_test_id("sign-pin")
                await expect(pin).to_have_attribute("aria-pressed", "false")
                await expect(listening.get_by_test_id(f"listen-{signer_id}")).to_have_count(0)
                tiles = page.locator("[data-testid=stage] > [data-testid=tile]")
                await expect(tiles.first).to_have_attribute("data-participant", str(judge_id))
                await pin.click()
                await expect(pin).to_have_attribute("aria-pressed", "true")
                await expect(tiles.nth(1)).to_have_attribute("data-participant", str(signer_id))
                await expect(tiles.nth(1)).to_have_class(re.compile(r"\bsign-pinned\b"))
                await tab.screenshot("interpretation-sign-pinned")
            finally:
                await signing.close()
        finally:
            await translator.close()
