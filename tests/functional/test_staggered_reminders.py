"""Reminders in a staggered hearing (docs/architecture.md#staggered-hearings), with a real server
and database: the sweep at a chosen time reminds once those listed on an open stage who have not
submitted, or have a question unanswered, and not those who acted; a second sweep and two sweeps
at once make no second reminder; the bench reminds by hand (twice if it wants), refused for the
wrong person, an unlisted participant, a stage not open, a malformed body. Never a 500."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from hearing_server.db.reminder_rows import ReminderRow
from hearing_server.stage_reminders import sweep_reminders
from tests.callers import Caller, NewCaller, holder, invite
from tests.staggered import Staggered, add_stage, consent, soon, staggered

TEXT = {"kind": "text", "text": "陈述"}


async def started(judge: Caller, new_caller: NewCaller) -> Staggered:
    h = await staggered(judge, new_caller)
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    return h


async def reminder_events(database: Database, hearing_id: int) -> list[dict[str, Any]]:
    async with database.session() as db:
        rows = await db.scalars(
            select(HearingEvent.data)
            .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind == "turn_reminder")
            .order_by(HearingEvent.id)
        )
        return [dict(r or {}) for r in rows]


async def reminder_rows(database: Database, stage_id: int) -> list[tuple[int, str, str | None]]:
    async with database.session() as db:
        rows = await db.scalars(
            select(ReminderRow).where(ReminderRow.stage_id == stage_id).order_by(ReminderRow.id)
        )
        return [(r.participant_id, r.reason, r.by) for r in rows]


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


async def test_the_sweep_reminds_once_those_who_have_not_acted(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    h = await staggered(judge, new_caller)
    third = await invite(judge, h.hearing_id, role="party", name="第三人丙")
    c = await holder(new_caller, third["invitation"]["token"])
    c_id = third["participant"]["id"]
    for party in (h.plaintiff, h.defendant, c):
        await consent(party)
    listed = [h.plaintiff_id, h.defendant_id, c_id]
    stage = await add_stage(judge, h.hearing_id, listed, deadline=soon(days=3))
    deadline = at(stage["deadline"])
    # not started yet: nobody is reminded, however close the deadline
    assert await sweep_reminders(database, deadline - timedelta(hours=1)) == []
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")

    path = f"/stages/{stage['id']}/turns"
    await h.plaintiff.call("POST", path, TEXT, expect=201)
    await c.call("POST", path, TEXT, expect=201)
    await judge.call(
        "POST",
        f"/stages/{stage['id']}/questions",
        {"participant_id": h.plaintiff_id, "text": "货物何时交付？"},
        expect=201,
    )

    # three days left: not yet; 24 h left: not yet (below it only)
    assert await sweep_reminders(database) == []
    assert await sweep_reminders(database, deadline - timedelta(hours=24)) == []
    made = await sweep_reminders(database, deadline - timedelta(hours=23))
    assert sorted((r.participant_id, r.reason) for r in made) == sorted(
        [(h.defendant_id, "turn"), (h.plaintiff_id, "question")]
    )
    assert await sweep_reminders(database, deadline - timedelta(hours=1)) == []
    assert sorted(await reminder_rows(database, stage["id"])) == sorted(
        [(h.defendant_id, "turn", None), (h.plaintiff_id, "question", None)]
    )
    events = await reminder_events(database, h.hearing_id)
    assert {(e["participant_id"], e["name"], e["reason"]) for e in events} == {
        (h.defendant_id, "被告乙", "turn"),
        (h.plaintiff_id, "原告甲", "question"),
    }
    assert all(e["stage_id"] == stage["id"] and e["by"] == "sweep" for e in events)
    assert {at(e["deadline"]) for e in events} == {deadline}

    # delivered on each one's page: their own reminder only; the bench sees everyone's
    def reminded(items: list[dict[str, Any]]) -> str | None:
        value: str | None = items[0]["reminded_at"]
        return value

    stages = f"/hearings/{h.hearing_id}/stages"
    assert reminded((await h.defendant.call("GET", stages))["items"]) is not None
    assert reminded((await h.plaintiff.call("GET", stages))["items"]) is not None
    assert reminded((await c.call("GET", stages))["items"]) is None
    assert (await c.call("GET", stages))["items"][0]["reminders"] == []
    bench = (await judge.call("GET", stages))["items"][0]
    assert bench["reminded_at"] is None
    assert {
        (r["participant_id"], r["reason"], r["by"], r["count"]) for r in bench["reminders"]
    } == {
        (h.defendant_id, "turn", None, 1),
        (h.plaintiff_id, "question", None, 1),
    }


async def test_a_short_stage_reminds_at_half_its_window_and_sweeps_at_once_make_one(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    h = await started(judge, new_caller)
    stage = await add_stage(
        judge, h.hearing_id, [h.plaintiff_id, h.defendant_id], deadline=soon(hours=6)
    )
    opened, deadline = at(stage["opens_at"]), at(stage["deadline"])
    assert await sweep_reminders(database, opened + timedelta(hours=2)) == []
    moment = opened + timedelta(hours=3, minutes=1)
    made = await asyncio.gather(*(sweep_reminders(database, moment) for _ in range(4)))
    assert sorted(r.participant_id for batch in made for r in batch) == sorted(
        [h.plaintiff_id, h.defendant_id]
    )
    assert len(await reminder_rows(database, stage["id"])) == 2
    assert len(await reminder_events(database, h.hearing_id)) == 2
    # past the deadline, or once closed, nobody is reminded any more
    assert await sweep_reminders(database, deadline) == []


async def test_the_bench_reminds_by_hand(
    judge: Caller, new_caller: NewCaller, database: Database, other_judge: Caller
) -> None:
    h = await staggered(judge, new_caller)
    both = [h.plaintiff_id, h.defendant_id]
    stage = await add_stage(judge, h.hearing_id, both)
    path = f"/stages/{stage['id']}/reminders"
    status, body = await judge.status("POST", path, {})
    assert (status, body["error"]["code"]) == (409, "not_started")
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")

    # everyone listed who has not acted, by default
    made = await judge.call("POST", path, {}, expect=201)
    assert sorted((r["participant_id"], r["reason"]) for r in made["items"]) == sorted(
        [(h.plaintiff_id, "turn"), (h.defendant_id, "turn")]
    )
    assert {r["name"] for r in made["items"]} == {"原告甲", "被告乙"}
    assert all(r["by"] and at(r["deadline"]) == at(stage["deadline"]) for r in made["items"])
    await h.plaintiff.call("POST", f"/stages/{stage['id']}/turns", TEXT, expect=201)
    again = await judge.call("POST", path, {}, expect=201)
    assert [r["participant_id"] for r in again["items"]] == [h.defendant_id]
    once_more = await judge.call("POST", path, {"participant_ids": [h.defendant_id]}, expect=201)
    assert [r["participant_id"] for r in once_more["items"]] == [h.defendant_id]
    rows = await reminder_rows(database, stage["id"])
    assert [p for p, _, _ in rows].count(h.defendant_id) == 3
    assert all(by is not None for _, _, by in rows)
    events = await reminder_events(database, h.hearing_id)
    assert len(events) == 4 and all(e["by"] == "court" for e in events)
    # a manual reminder does not stand in for the sweep's: it still reminds, once
    swept = await sweep_reminders(database, at(stage["deadline"]) - timedelta(hours=1))
    assert [r.participant_id for r in swept] == [h.defendant_id]

    bench = (await judge.call("GET", f"/hearings/{h.hearing_id}/stages"))["items"][0]
    counts = {r["participant_id"]: r["count"] for r in bench["reminders"]}
    assert counts == {h.plaintiff_id: 1, h.defendant_id: 4}

    # someone who acted, someone not listed, the wrong people, malformed bodies
    status, body = await judge.status("POST", path, {"participant_ids": [h.plaintiff_id]})
    assert (status, body["error"]["code"]) == (409, "already_acted")
    assert body["error"]["details"] == [{"participant_id": h.plaintiff_id}]
    agent = await invite(judge, h.hearing_id, role="agent", name="代理人丙")
    status, body = await judge.status(
        "POST", path, {"participant_ids": [agent["participant"]["id"]]}
    )
    assert (status, body["error"]["code"]) == (422, "not_in_stage")
    status, body = await judge.status("POST", path, {"participant_ids": [999999]})
    assert (status, body["error"]["code"]) == (422, "not_in_stage")
    assert (await h.plaintiff.status("POST", path, {}))[0] == 403
    assert (await h.defendant.status("POST", path, {"participant_ids": [h.defendant_id]}))[0] == 403
    assert (await other_judge.status("POST", path, {}))[0] == 404
    status, body = await judge.status("POST", "/stages/999999/reminders", {})
    assert (status, body["error"]["code"]) == (404, "not_found")
    bad_bodies: list[object] = [
        {"participant_ids": []},
        {"participant_ids": "all"},
        {"participant_ids": [0]},
        {"participant_ids": [h.defendant_id, h.defendant_id]},
        {"participant_ids": list(range(1, 102))},
        {"participant_ids": [h.defendant_id], "text": "快交"},
        [],
        "remind",
    ]
    for bad in bad_bodies:
        status, body = await judge.status("POST", path, bad)
        assert (status, body["error"]["code"]) == (422, "invalid_request"), (bad, body)
    headers = {**judge.credentials(), "Content-Type": "application/json"}
    response = await judge.client.post("/api/v1" + path, data=b"{nope", headers=headers)
    assert response.status == 400
    response = await judge.client.post("/api/v1" + path, data=b"", headers=judge.credentials())
    assert 400 <= response.status < 500

    # not open: pending, or closed
    later = await add_stage(judge, h.hearing_id, both, opens_at=soon(days=1), deadline=soon(days=2))
    status, body = await judge.status("POST", f"/stages/{later['id']}/reminders", {})
    assert (status, body["error"]["code"]) == (409, "stage_not_open")
    await h.defendant.call("POST", f"/stages/{stage['id']}/turns", TEXT, expect=201)
    status, body = await judge.status("POST", path, {})
    assert (status, body["error"]["code"]) == (409, "nobody_to_remind")
    await judge.call("POST", f"/stages/{stage['id']}/close")
    status, body = await judge.status("POST", path, {"participant_ids": [h.defendant_id]})
    assert (status, body["error"]["code"]) == (409, "stage_not_open")
    assert len(await reminder_rows(database, stage["id"])) == 5
    assert len(await reminder_events(database, h.hearing_id)) == 5
    assert datetime.now(UTC) > at(made["items"][0]["at"])
