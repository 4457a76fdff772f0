"""A mediation sitting over REST on both databases (docs/architecture.md#sittings): five
mediation cases queued in one sitting; the mediator calls them in turn, sets one aside and
calls it again by name; a worker invited to a case sees how many cases are ahead and when
theirs may start, as the queue moves; each case's own timeline says when it was called; wrong
lists, wrong steps and the wrong people are refused with a clear 4xx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing

START = (datetime.now(UTC) + timedelta(hours=1)).isoformat()


async def five_cases(judge: Caller) -> list[dict[str, Any]]:
    """Five wage claims against one employer: a worker each, and the employer's representative."""
    made = []
    for n in range(1, 6):
        hearing = await schedule_hearing(
            judge, f"(2026)浙0402民初{300 + n}号", kind="mediation", title="劳动报酬纠纷"
        )
        worker = await invite(judge, hearing["id"], name=f"工人{n}", side="plaintiff")
        await invite(judge, hearing["id"], name="某公司代表", side="defendant")
        made.append({"hearing": hearing, "worker": worker})
    return made


def states(sitting: dict[str, Any]) -> list[str]:
    return [c["state"] for c in sitting["cases"]]


async def test_a_sitting_works_through_its_queue(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    cases = await five_cases(judge)
    ids = [c["hearing"]["id"] for c in cases]
    sitting = await judge.call(
        "POST",
        "/sittings",
        {"title": "某公司欠薪案集中调解", "starts_at": START, "hearing_ids": ids},
        expect=201,
    )
    sid = sitting["id"]
    assert states(sitting) == ["queued"] * 5
    day = datetime.fromisoformat(START).astimezone(ZoneInfo("Asia/Shanghai")).date()
    listed = await judge.call("GET", f"/sittings?date={day.isoformat()}")
    assert [(s["id"], s["cases"]) for s in listed["items"]] == [(sid, 5)]
    other_day = (day + timedelta(days=1)).isoformat()
    assert (await judge.call("GET", f"/sittings?date={other_day}"))["items"] == []
    assert (await judge.status("GET", "/sittings?date=soon"))[0] == 422
    assert [c["ahead"] for c in sitting["cases"]] == [0, 1, 2, 3, 4]
    third = await holder(new_caller, cases[2]["worker"]["invitation"]["token"])
    fifth = await holder(new_caller, cases[4]["worker"]["invitation"]["token"])
    mine = await third.call("GET", "/invitation/queue")
    assert (mine["sitting"], mine["state"], mine["ahead"]) == ("某公司欠薪案集中调解", "queued", 2)
    waited = datetime.fromisoformat(mine["expected_at"]) - datetime.now(UTC)
    assert timedelta(minutes=110) < waited < timedelta(minutes=121)  # two cases of 60 minutes

    moved = await judge.call("POST", f"/sittings/{sid}/next", {})
    assert states(moved) == ["called", "queued", "queued", "queued", "queued"]
    assert (await third.call("GET", "/invitation/queue"))[
        "ahead"
    ] == 2  # the first, then the second
    moved = await judge.call("POST", f"/sittings/{sid}/next", {})
    assert states(moved) == ["done", "called", "queued", "queued", "queued"]
    assert moved["minutes_per_case"] < 1  # the first case took moments: the estimate follows
    assert (await third.call("GET", "/invitation/queue"))["ahead"] == 1

    moved = await judge.call("POST", f"/sittings/{sid}/cases/{ids[2]}/aside")
    assert states(moved)[2] == "set_aside"
    aside = await third.call("GET", "/invitation/queue")
    assert (aside["state"], aside["ahead"], aside["expected_at"]) == ("set_aside", None, None)
    assert (await fifth.call("GET", "/invitation/queue"))["ahead"] == 2

    moved = await judge.call("POST", f"/sittings/{sid}/next", {})
    assert states(moved) == ["done", "done", "set_aside", "called", "queued"]
    moved = await judge.call("POST", f"/sittings/{sid}/next", {"hearing_id": ids[2]})
    assert states(moved) == ["done", "done", "called", "done", "queued"]
    assert (await third.call("GET", "/invitation/queue"))["state"] == "called"
    for bad, code in (
        ({"hearing_id": ids[0]}, "not_waiting"),
        ({"hearing_id": 999_999}, "not_in_sitting"),
    ):
        status, body = await judge.status("POST", f"/sittings/{sid}/next", bad)
        assert (status, body["error"]["code"]) == (409, code)
    await judge.call("POST", f"/sittings/{sid}/next", {})
    status, body = await judge.status("POST", f"/sittings/{sid}/next", {})
    assert (status, body["error"]["code"]) == (409, "queue_empty")
    status, body = await judge.status("POST", f"/sittings/{sid}/cases/{ids[0]}/aside")
    assert (status, body["error"]["code"]) == (409, "not_waiting")

    async with database.session() as db:
        called = list(
            await db.scalars(
                select(HearingEvent.hearing_id)
                .where(HearingEvent.kind == "sitting_called")
                .order_by(HearingEvent.id)
            )
        )
    assert called == [ids[0], ids[1], ids[3], ids[2], ids[4]]


async def test_refusals(
    judge: Caller, other_judge: Caller, anon: Caller, new_caller: NewCaller
) -> None:
    cases = await five_cases(judge)
    ids = [c["hearing"]["id"] for c in cases]
    trial = await schedule_hearing(judge, "(2026)浙0402民初399号")
    body: dict[str, Any] = {"title": "集中调解", "starts_at": START}
    wrong: dict[str, Any]
    for wrong in (
        {"hearing_ids": []},
        {"hearing_ids": [ids[0], ids[0]]},
        {"hearing_ids": [trial["id"]]},
        {"hearing_ids": [999_999]},
        {"hearing_ids": [0]},
        {"hearing_ids": list(range(1, 502))},
        {"hearing_ids": ids, "extra": 1},
        {"hearing_ids": "1,2"},
    ):
        assert (await judge.status("POST", "/sittings", body | wrong))[0] == 422, wrong
    assert (await other_judge.status("POST", "/sittings", body | {"hearing_ids": ids}))[0] == 422
    made = await judge.call("POST", "/sittings", body | {"hearing_ids": ids[:3]}, expect=201)
    status, reply = await judge.status("POST", "/sittings", body | {"hearing_ids": ids[2:]})
    assert (status, reply["error"]["code"]) == (409, "in_sitting")
    path = f"/sittings/{made['id']}"
    assert (await other_judge.status("GET", path))[0] == 404
    assert (await other_judge.status("POST", f"{path}/next", {}))[0] == 404
    assert (await anon.status("GET", path))[0] == 401
    worker = await holder(new_caller, cases[0]["worker"]["invitation"]["token"])
    assert (await worker.status("GET", path))[0] == 403
    assert (await worker.status("POST", f"{path}/next", {}))[0] == 403
    assert (await judge.status("GET", "/invitation/queue"))[0] == 403
    outside = await holder(new_caller, cases[4]["worker"]["invitation"]["token"])
    assert await outside.call("GET", "/invitation/queue") == {
        "sitting": None,
        "state": None,
        "ahead": None,
        "expected_at": None,
        "next_case": False,
    }
    assert (await judge.status("POST", f"{path}/cases/{ids[4]}/aside"))[0] == 404


async def test_the_party_common_to_the_cases_follows_to_the_next(
    judge: Caller, new_caller: NewCaller
) -> None:
    ids, workers, reps = [], [], []
    for n in (1, 2):
        hearing = await schedule_hearing(
            judge, f"(2026)浙0402民初{600 + n}号", kind="mediation", title="劳动报酬纠纷"
        )
        ids.append(hearing["id"])
        workers.append(await invite(judge, hearing["id"], name=f"工人{n}", side="plaintiff"))
        reps.append(
            await invite(
                judge, hearing["id"], name="某公司代表", side="defendant", phone="+8613900000001"
            )
        )
    sitting = await judge.call(
        "POST",
        "/sittings",
        {"title": "集中调解", "starts_at": START, "hearing_ids": ids},
        expect=201,
    )
    rep = await holder(new_caller, reps[0]["invitation"]["token"])
    worker = await holder(new_caller, workers[0]["invitation"]["token"])
    assert (await rep.call("GET", "/invitation/queue"))["next_case"] is False
    await judge.call("POST", f"/sittings/{sitting['id']}/next", {})
    assert (await rep.call("GET", "/invitation/queue"))["next_case"] is False  # theirs is heard
    status, body = await rep.status("POST", "/invitation/queue/follow")
    assert (status, body["error"]["code"]) == (409, "nothing_to_follow")

    await judge.call("POST", f"/sittings/{sitting['id']}/next", {})
    queue = await rep.call("GET", "/invitation/queue")
    assert (queue["state"], queue["next_case"]) == ("done", True)
    assert (await worker.call("GET", "/invitation/queue"))["next_case"] is False
    status, body = await worker.status("POST", "/invitation/queue/follow")
    assert (status, body["error"]["code"]) == (409, "nothing_to_follow")
    assert (await judge.status("POST", "/invitation/queue/follow"))[0] == 403

    link = await rep.call("POST", "/invitation/queue/follow", expect=201)
    followed = await holder(new_caller, link["token"])
    info = await followed.call("GET", "/invitation")
    assert (info["hearing"]["id"], info["participant_id"]) == (ids[1], reps[1]["participant"]["id"])
    earlier = await holder(new_caller, reps[1]["invitation"]["token"])
    assert (await earlier.status("GET", "/invitation"))[0] == 401  # replaced by the new link
