"""A mediation sitting in Chromium (docs/architecture.md#sittings): the mediator queues the
day's mediations in a sitting from the hearing list and works through the queue on its page;
a worker waiting on a phone sees how many cases are ahead of theirs and when it may start, and
their page follows the queue as the mediator calls cases, sets theirs aside and calls it again,
in the waiting room too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import judge_in_session
from tests.browser.test_staff import log_in
from tests.callers import Caller, invite, schedule_hearing
from tests.integration.courtroom import room_shows

SLOW = 15_000
"""The worker's page asks every 5 s."""


async def test_the_mediator_works_through_the_queue_and_a_worker_sees_it_move(
    open_tab: OpenTab, judge: Caller
) -> None:
    ids = []
    for n in range(1, 4):
        hearing = await schedule_hearing(
            judge, f"(2026)浙0402民初{500 + n}号", kind="mediation", title="劳动报酬纠纷"
        )
        ids.append(hearing["id"])
    worker = await invite(judge, ids[2], name="工人丙", side="plaintiff")

    bench = await open_tab("mediator", "/")
    mediator = bench.page
    await log_in(mediator, "judge")
    await mediator.get_by_test_id("sittings").get_by_test_id("new-sitting").click()
    form = mediator.get_by_test_id("sitting-form")
    for hid in ids:
        await expect(form.get_by_test_id(f"sitting-pick-{hid}")).to_be_checked()
    await form.get_by_test_id("sitting-title").fill("某公司欠薪案集中调解")
    await form.get_by_test_id("sitting-create").click()
    queue = mediator.get_by_test_id("sitting-queue")
    await expect(queue.get_by_test_id("queue-state")).to_have_text(["等候", "等候", "等候"])

    tab = await open_tab("worker", f"/join#{worker['invitation']['token']}", phone=True)
    page = tab.page
    card = page.get_by_test_id("queue")
    await expect(card.get_by_test_id("queue-sitting")).to_have_text("某公司欠薪案集中调解")
    place = card.get_by_test_id("queue-place")
    await expect(place).to_contain_text("您前面还有 2 个案件")

    await mediator.get_by_test_id("sitting-next").click()
    await expect(queue.get_by_test_id("queue-state").first).to_have_text("正在审理")
    await mediator.get_by_test_id("sitting-next").click()
    await expect(queue.get_by_test_id("queue-state")).to_have_text(["已审结", "正在审理", "等候"])
    await expect(place).to_contain_text("您前面还有 1 个案件", timeout=SLOW)

    # in the waiting room the queue goes on showing
    await page.get_by_test_id("join-button").click()
    waiting = page.get_by_test_id("waiting-room")
    await expect(waiting).to_be_visible()
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text("您前面还有 1 个案件")
    third = mediator.get_by_test_id(f"queue-{ids[2]}")
    await third.get_by_test_id("set-aside").click()
    await expect(third.get_by_test_id("queue-state")).to_have_text("已暂缓")
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text("暂缓", timeout=SLOW)
    await third.get_by_test_id("call").click()
    await expect(third.get_by_test_id("queue-state")).to_have_text("正在审理")
    await expect(third.get_by_test_id("enter")).to_have_attribute("href", f"/hearing/{ids[2]}")
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text(
        "正在审理您的案件", timeout=SLOW
    )
    await page.get_by_test_id("lang-switch").click()
    await expect(waiting.get_by_test_id("queue-place")).to_contain_text("being heard now")
    await expect(mediator.get_by_test_id("sitting-next")).to_be_disabled()  # nobody waits


async def test_the_employer_s_representative_goes_on_to_the_next_case(
    open_tab: OpenTab, judge: Caller, server: TestServer
) -> None:
    ids, reps = [], []
    for n in (1, 2):
        hearing = await schedule_hearing(
            judge, f"(2026)浙0402民初{700 + n}号", kind="mediation", title="劳动报酬纠纷"
        )
        ids.append(hearing["id"])
        await invite(judge, hearing["id"], name=f"工人{n}", side="plaintiff")
        reps.append(
            await invite(
                judge, hearing["id"], name="某公司代表", side="defendant", phone="+8613900000001"
            )
        )
    start = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    sitting = await judge.call(
        "POST",
        "/sittings",
        {"title": "集中调解", "starts_at": start, "hearing_ids": ids},
        expect=201,
    )
    await judge.call("POST", f"/sittings/{sitting['id']}/next", {})

    tab = await open_tab("representative", f"/join#{reps[0]['invitation']['token']}", phone=True)
    page = tab.page
    await expect(page.get_by_test_id("queue-place")).to_contain_text("正在审理您的案件")
    await page.get_by_test_id("join-button").click()
    await expect(page.get_by_test_id("waiting-room")).to_be_visible()
    async with judge_in_session(server, judge, ids[0]) as mediator:
        rep_id = reps[0]["participant"]["id"]
        await room_shows(mediator, lambda r: any(m["id"] == rep_id for m in r["members"]))
        assert (await mediator.signal.call("admit", {"participant_id": rep_id}))["ok"]
        await expect(page.get_by_test_id("waiting-room")).to_be_hidden()
        assert await mediator.signal.call("close") == {"ok": True}
    await expect(page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")

    # the mediator calls the second case: the representative's page goes on to it by itself
    await judge.call("POST", f"/sittings/{sitting['id']}/next", {})
    await expect(page.get_by_test_id("case")).to_contain_text("(2026)浙0402民初702号", timeout=SLOW)
    await expect(page.get_by_test_id("queue-place")).to_contain_text("正在审理您的案件")
    await expect(page.get_by_test_id("join-button")).to_be_enabled()
