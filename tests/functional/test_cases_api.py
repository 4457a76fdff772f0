"""Cases and hearings: creating, searching, scheduling, scope and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.callers import Caller, World

CASE_NUMBER = "(2020)浙0402民初1234号"


def a_case(number: str = CASE_NUMBER, kind: str = "civil_trial") -> dict[str, Any]:
    return {"number": number, "title": "张三诉李四买卖合同纠纷", "kind": kind}


def a_hearing(start: datetime | None = None, **extra: Any) -> dict[str, Any]:
    start = start or datetime.now(UTC) + timedelta(hours=1)
    return {"scheduled_start": start.isoformat(), **extra}


async def test_case_number_round_trips_exactly(judge: Caller, world: World) -> None:
    created = await judge.call("POST", "/cases", a_case(), expect=201)
    assert created["number"] == CASE_NUMBER
    assert created["judge_id"] == world.judge_id  # a judge opening a case is its judge by default
    fetched = await judge.call("GET", f"/cases/{created['id']}")
    assert fetched["number"] == CASE_NUMBER and fetched["hearings"] == []
    found = await judge.client.get("/api/v1/cases", params={"number": CASE_NUMBER})
    assert [c["number"] for c in (await found.json())["items"]] == [CASE_NUMBER]


async def test_search_by_part_of_number_title_or_party(
    judge: Caller, clerk: Caller, world: World
) -> None:
    one = await clerk.call("POST", "/cases", a_case(), expect=201)
    await clerk.call(
        "POST", "/cases", {**a_case("(2021)浙0402刑初7号", "criminal_trial"), "title": "盗窃案"}
    )
    hearing = await clerk.call(
        "POST", f"/cases/{one['id']}/hearings", a_hearing(judge_id=world.judge_id), expect=201
    )
    await clerk.call(
        "POST", f"/hearings/{hearing['id']}/participants", {"role": "party", "name": "张三"}
    )

    async def numbers(**params: str) -> list[str]:
        response = await judge.client.get("/api/v1/cases", params=params)
        assert response.status == 200
        return sorted(c["number"] for c in (await response.json())["items"])

    assert await numbers(q="民初") == [CASE_NUMBER]
    assert await numbers(q="盗窃") == ["(2021)浙0402刑初7号"]
    assert await numbers(party="张") == [CASE_NUMBER]
    assert await numbers(party="王") == []
    assert await numbers(q="%") == []  # LIKE wildcards are taken literally
    assert len(await numbers()) == 2


async def test_duplicate_case_number_conflicts(judge: Caller) -> None:
    await judge.call("POST", "/cases", a_case(), expect=201)
    status, body = await judge.status("POST", "/cases", a_case())
    assert status == 409 and CASE_NUMBER in body["error"]["message"]


async def test_other_courts_cases_are_invisible(judge: Caller, other_judge: Caller) -> None:
    case = await judge.call("POST", "/cases", a_case(), expect=201)
    assert (await other_judge.status("GET", f"/cases/{case['id']}"))[0] == 404
    listed = await other_judge.call("GET", "/cases")
    assert listed["items"] == [] and listed["total"] == 0
    status, _ = await other_judge.status("POST", f"/cases/{case['id']}/hearings", a_hearing())
    assert status == 404


async def test_administrator_does_not_open_cases(admin: Caller) -> None:
    status, body = await admin.status("POST", "/cases", a_case())
    assert status == 403 and "judge" in body["error"]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"number": ""}, "number"),
        ({"number": "x" * 101}, "number"),
        ({"number": "A\n1"}, "number"),
        ({"kind": "duel"}, "kind"),
        ({"title": 5}, "title"),
        ({"judge_id": "one"}, "judge_id"),
    ],
)
async def test_bad_case_fields_are_named(judge: Caller, change: dict[str, Any], field: str) -> None:
    status, body = await judge.status("POST", "/cases", {**a_case(), **change})
    assert status == 422
    assert field in [d["field"] for d in body["error"]["details"]]


async def test_case_judge_must_be_a_judge_of_this_court(clerk: Caller, world: World) -> None:
    for judge_id in (world.clerk_id, world.other_judge_id, 4242):
        status, _ = await clerk.status("POST", "/cases", {**a_case(), "judge_id": judge_id})
        assert status == 422


async def test_scheduling_adds_the_bench_and_records_the_event(clerk: Caller, world: World) -> None:
    case = await clerk.call("POST", "/cases", {**a_case(), "judge_id": world.judge_id}, expect=201)
    hearing = await clerk.call("POST", f"/cases/{case['id']}/hearings", a_hearing(), expect=201)
    assert hearing["state"] == "scheduled" and hearing["kind"] == "civil_trial"
    assert hearing["phases"][0] == "identity_check" and hearing["case_number"] == CASE_NUMBER
    people = await clerk.call("GET", f"/hearings/{hearing['id']}/participants")
    assert sorted((p["role"], p["user_id"]) for p in people["items"]) == [
        ("clerk", world.clerk_id),
        ("judge", world.judge_id),
    ]
    detail = await clerk.call("GET", f"/cases/{case['id']}")
    assert [h["id"] for h in detail["hearings"]] == [hearing["id"]]


async def test_hearing_needs_a_presiding_judge(clerk: Caller) -> None:
    case = await clerk.call(
        "POST", "/cases", a_case(), expect=201
    )  # a clerk's case has no judge yet
    status, body = await clerk.status("POST", f"/cases/{case['id']}/hearings", a_hearing())
    assert status == 422 and "judge" in body["error"]["message"]


@pytest.mark.parametrize(
    "bad",
    [
        {"scheduled_start": "2026-05-01T09:00:00"},  # no time zone
        {"scheduled_start": "9999-12-31T23:59:59+14:00"},
        {"scheduled_start": "tomorrow"},
        {"duration_minutes": 0},
        {"public": "maybe"},
    ],
)
async def test_bad_hearing_fields_are_refused(judge: Caller, bad: dict[str, Any]) -> None:
    case = await judge.call("POST", "/cases", a_case(), expect=201)
    status, _ = await judge.status("POST", f"/cases/{case['id']}/hearings", {**a_hearing(), **bad})
    assert status == 422


async def test_kind_rules_forbid_public_deliberation(judge: Caller) -> None:
    case = await judge.call("POST", "/cases", a_case(), expect=201)
    status, body = await judge.status(
        "POST", f"/cases/{case['id']}/hearings", a_hearing(kind="panel_deliberation", public=True)
    )
    assert status == 422 and "never public" in body["error"]["message"]
    public_trial = await judge.call(
        "POST", f"/cases/{case['id']}/hearings", a_hearing(public=True), expect=201
    )
    assert public_trial["public"] is True


async def test_courtroom_must_belong_to_the_court(
    admin: Caller, judge: Caller, world: World
) -> None:
    ours = await admin.call(
        "POST", f"/courts/{world.court_id}/courtrooms", {"name": "第一法庭"}, expect=201
    )
    theirs = await admin.call(
        "POST", f"/courts/{world.other_court_id}/courtrooms", {"name": "X"}, expect=201
    )
    case = await judge.call("POST", "/cases", a_case(), expect=201)
    ok = await judge.call(
        "POST", f"/cases/{case['id']}/hearings", a_hearing(courtroom_id=ours["id"]), expect=201
    )
    assert ok["courtroom_id"] == ours["id"]
    status, _ = await judge.status(
        "POST", f"/cases/{case['id']}/hearings", a_hearing(courtroom_id=theirs["id"])
    )
    assert status == 422


async def test_hearings_by_day_in_the_court_time_zone(judge: Caller) -> None:
    case = await judge.call("POST", "/cases", a_case(), expect=201)
    # 23:30 UTC on 1 May is 07:30 on 2 May in Shanghai (the default court time zone).
    late = datetime(2026, 5, 1, 23, 30, tzinfo=UTC)
    hearing = await judge.call("POST", f"/cases/{case['id']}/hearings", a_hearing(late), expect=201)

    async def ids(day: str) -> list[int]:
        response = await judge.client.get("/api/v1/hearings", params={"date": day})
        return [h["id"] for h in (await response.json())["items"]]

    assert await ids("2026-05-02") == [hearing["id"]]
    assert await ids("2026-05-01") == []
    response = await judge.client.get("/api/v1/hearings", params={"date": "May 2nd"})
    assert response.status == 422


async def test_cancel_once_then_conflict(judge: Caller, other_judge: Caller) -> None:
    case = await judge.call("POST", "/cases", a_case(), expect=201)
    hearing = await judge.call("POST", f"/cases/{case['id']}/hearings", a_hearing(), expect=201)
    assert (await other_judge.status("POST", f"/hearings/{hearing['id']}/cancel"))[0] == 404
    cancelled = await judge.call("POST", f"/hearings/{hearing['id']}/cancel")
    assert cancelled["state"] == "cancelled"
    status, body = await judge.status("POST", f"/hearings/{hearing['id']}/cancel")
    assert status == 409 and body["error"]["code"] == "wrong_state"
