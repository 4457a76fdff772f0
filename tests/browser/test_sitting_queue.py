"""A worker waiting in a mediation sitting, on a phone in Chromium (docs/architecture.md#sittings):
their page shows how many cases are ahead of theirs and when it may start, and follows the queue
as the mediator calls cases, sets theirs aside and calls it again; in the waiting room too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.callers import Caller, invite, schedule_hearing

SLOW = 15_000
"""The page asks every 5 s."""


async def test_a_worker_sees_the_queue_move(open_tab: OpenTab, judge: Caller) -> None:
    ids = []
    for n in range(1, 4):
        hearing = await schedule_hearing(
            judge, f"(2026)浙0402民初{500 + n}号", kind="mediation", title="劳动报酬纠纷"
        )
        ids.append(hearing["id"])
    worker = await invite(judge, ids[2], name="工人丙", side="plaintiff")
    start = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    sitting = await judge.call(
        "POST",
        "/sittings",
        {"title": "某公司欠薪案集中调解", "starts_at": start, "hearing_ids": ids},
        expect=201,
    )
    sid = sitting["id"]

    tab = await open_tab("worker", f"/join#{worker['invitation']['token']}", phone=True)
    page = tab.page
    queue = page.get_by_test_id("queue")
    await expect(queue.get_by_test_id("queue-sitting")).to_have_text("某公司欠薪案集中调解")
    place = queue.get_by_test_id("queue-place")
    await expect(place).to_contain_text("您前面还有 2 个案件")

    await judge.call("POST", f"/sittings/{sid}/next", {})
    await judge.call("POST", f"/sittings/{sid}/next", {})
    await expect(place).to_contain_text("您前面还有 1 个案件", timeout=SLOW)

    # in the waiting room the queue goes on showing
    await page.get_by_test_id("join-button").click()
    waiting = page.get_by_test_id("waiting-room")
    await expect(waiting).to_be_visible()
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text("您前面还有 1 个案件")
    await judge.call("POST", f"/sittings/{sid}/cases/{ids[2]}/aside")
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text("暂缓", timeout=SLOW)
    await judge.call("POST", f"/sittings/{sid}/next", {"hearing_id": ids[2]})
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text(
        "正在审理您的案件", timeout=SLOW
    )
    await page.get_by_test_id("lang-switch").click()
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text("being heard now")
