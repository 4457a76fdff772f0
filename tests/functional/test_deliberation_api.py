"""A deliberation over REST on both databases (docs/architecture.md#deliberation): a trial's panel
withdraws to deliberate with its judges, assessors, clerk and granted judges of other courts and
nobody else; the questions put to it decide by panel majority only; their opinions go to the
bench only; and its recording is the court's internal record, never granted to anyone."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select

from court.deliberation import Voter, decide
from court.roles import Role
from court.vote_record import result_data
from court.votes import Choice
from hearing_server.db.database import Database
from hearing_server.db.models import Recording, RecordingGrant, User
from hearing_server.db.vote_rows import MotionRow, MotionState
from tests.callers import PASSWORD, Caller, NewCaller, World, holder, invite, schedule_hearing


async def third_judge(database: Database, world: World) -> int:
    """Another judge of the other court (to be granted a seat, then revoked)."""
    async with database.session() as db:
        user = User(
            username="judge_b2",
            display_name="丙法官",
            role=Role.JUDGE,
            court_id=world.other_court_id,
            password_hash=PasswordHasher(time_cost=1, memory_cost=1024).hash(PASSWORD),
        )
        db.add(user)
        await db.commit()
        return user.id


async def trial_with_panel(
    judge: Caller, database: Database, world: World
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A civil trial: its judge presiding, a people's assessor, its clerk, a judge of another
    court granted a seat, one whose grant was revoked, and a party, agent and witness."""
    trial = await schedule_hearing(judge, "(2026)A民初7号", clerk_id=world.clerk_id)
    hid = trial["id"]
    people = {
        "assessor": await invite(judge, hid, role="assessor", name="赵陪审员"),
        "party": await invite(judge, hid, role="party", name="张三", side="plaintiff"),
        "witness": await invite(judge, hid, role="witness", name="证人"),
    }
    party_id = people["party"]["participant"]["id"]
    people["agent"] = await invite(
        judge, hid, role="agent", name="张三代理人", represents_id=party_id, side="plaintiff"
    )
    grants = f"/hearings/{hid}/bench-grants"
    await judge.call("POST", grants, {"user_id": world.other_judge_id}, expect=201)
    revoked = await judge.call(
        "POST", grants, {"user_id": await third_judge(database, world)}, expect=201
    )
    await judge.call("DELETE", f"{grants}/{revoked['id']}", expect=204)
    return trial, people


async def test_a_trials_panel_withdraws_to_deliberate(
    judge: Caller, other_judge: Caller, database: Database, world: World
) -> None:
    trial, _ = await trial_with_panel(judge, database, world)
    before = (await judge.call("GET", f"/hearings/{trial['id']}/participants"))["items"]
    delib = await judge.call("POST", f"/hearings/{trial['id']}/deliberation", {}, expect=201)
    assert delib["kind"] == "panel_deliberation" and delib["case_id"] == trial["case_id"]
    assert delib["public"] is False and delib["state"] == "scheduled"
    assert delib["phases"] == ["presentation", "discussion", "decision"]
    seats = (await judge.call("GET", f"/hearings/{delib['id']}/participants"))["items"]
    assert sorted((p["role"], p["name"], p["user_id"], p["presiding"]) for p in seats) == sorted(
        [
            ("judge", "judge", world.judge_id, True),
            ("judge", "judge_b", world.other_judge_id, False),
            ("assessor", "赵陪审员", None, False),
            ("clerk", "clerk", world.clerk_id, False),
        ]
    )
    assert {p["role"] for p in before} >= {"party", "agent", "witness"}

    # the judge of another court sits on the deliberation by a grant of its own
    granted = (await judge.call("GET", f"/hearings/{delib['id']}/bench-grants"))["items"]
    seat = next(p["id"] for p in seats if p["user_id"] == world.other_judge_id)
    assert [(g["user_id"], g["participant_id"], g["revoked_at"]) for g in granted] == [
        (world.other_judge_id, seat, None)
    ]
    assert (await other_judge.call("GET", f"/hearings/{delib['id']}"))["id"] == delib["id"]

    later = "2026-12-07T09:00:00+08:00"
    again = await judge.call(
        "POST",
        f"/hearings/{trial['id']}/deliberation",
        {"scheduled_start": later, "duration_minutes": 30},
        expect=201,
    )
    assert again["duration_minutes"] == 30
    assert datetime.fromisoformat(again["scheduled_start"]) == datetime(2026, 12, 7, 1, tzinfo=UTC)


async def test_only_a_trial_deliberates_and_only_its_court_schedules_it(
    judge: Caller, other_judge: Caller, new_caller: NewCaller, database: Database, world: World
) -> None:
    trial, people = await trial_with_panel(judge, database, world)
    path = f"/hearings/{trial['id']}/deliberation"
    delib = await judge.call("POST", path, {}, expect=201)
    mediation = await schedule_hearing(judge, "(2026)A民初8号", kind="mediation")
    for hearing_id in (mediation["id"], delib["id"]):
        status, body = await judge.status("POST", f"/hearings/{hearing_id}/deliberation", {})
        assert (status, body["error"]["code"]) == (409, "not_a_trial"), hearing_id
    assert (await judge.status("POST", "/hearings/999999/deliberation", {}))[0] == 404

    elsewhere = await schedule_hearing(other_judge, "(2026)B民初1号")
    assert (await judge.status("POST", f"/hearings/{elsewhere['id']}/deliberation", {}))[0] == 404
    # a judge of another court granted a seat on the trial reads it, and schedules nothing
    status, _ = await other_judge.status("POST", path, {})
    assert status == 403
    party = await holder(new_caller, people["party"]["invitation"]["token"])
    status, body = await party.status("POST", path, {})
    assert status == 403, body
    assessor = await holder(new_caller, people["assessor"]["invitation"]["token"])
    assert (await assessor.status("POST", path, {}))[0] == 403

    malformed: list[Any] = [
        {"extra": 1},
        {"scheduled_start": "tomorrow"},
        {"scheduled_start": "2026-13-01T09:00:00+08:00"},
        {"duration_minutes": 0},
        {"duration_minutes": 24 * 60 + 1},
        {"duration_minutes": "sixty"},
        [],
        "x",
    ]
    for bad in malformed:
        status, body = await judge.status("POST", path, bad)
        assert (status, body["error"]["code"]) == (422, "invalid_request"), bad
    # nobody but the panel is ever added to a deliberation
    for role in ("party", "witness", "observer", "agent"):
        status, _ = await judge.status(
            "POST", f"/hearings/{delib['id']}/participants", {"role": role, "name": "外人"}
        )
        assert status == 422, role


def closed_result() -> dict[str, Any]:
    """A panel's decision, two for and one against, as the live room keeps it."""
    voters = [Voter(1, "王法官", Role.JUDGE), Voter(2, "李法官", Role.JUDGE)]
    voters.append(Voter(3, "赵陪审员", Role.ASSESSOR))
    ballots = {1: (Choice.FOR, "构成违约"), 2: (Choice.FOR, "同意")}
    ballots[3] = (Choice.AGAINST, "不构成违约")
    result, opinions = decide(voters, ballots, [1, 2, 3])
    return {
        **result_data(result),
        "opinions": [
            {**asdict(o), "role": o.role.value, "choice": o.choice and o.choice.value}
            for o in opinions
        ],
    }


async def committee(judge: Caller) -> tuple[int, dict[str, Any]]:
    """A judicial committee's meeting in a case, with a prosecutor attending."""
    case = await judge.call(
        "POST", "/cases", {"number": "(2026)A刑再1号", "title": "再审", "kind": "criminal_trial"}
    )
    meeting = await judge.call(
        "POST",
        f"/cases/{case['id']}/hearings",
        {"scheduled_start": datetime.now(UTC).isoformat(), "kind": "committee_meeting"},
        expect=201,
    )
    prosecutor = await invite(judge, meeting["id"], role="prosecutor", name="检察长")
    return meeting["id"], prosecutor


async def test_questions_decide_by_panel_majority_and_their_opinions_go_to_the_bench(
    judge: Caller, clerk: Caller, admin: Caller, database: Database, world: World
) -> None:
    trial, _ = await trial_with_panel(judge, database, world)
    delib = await judge.call("POST", f"/hearings/{trial['id']}/deliberation", {}, expect=201)
    motions = f"/hearings/{delib['id']}/motions"
    for rule in ("ordinary", "ordinary_unsecured", "reorganisation"):
        status, body = await judge.status("POST", motions, {"title": "问题", "rule": rule})
        assert (status, body["error"]["code"]) == (422, "wrong_rule"), rule
    question = await judge.call(
        "POST", motions, {"title": "是否构成违约", "rule": "panel_majority"}, expect=201
    )
    assert (question["seq"], question["rule"], question["opinions"]) == (1, "panel_majority", [])

    meeting_id, _ = await committee(judge)
    put = await clerk.call(
        "POST",
        f"/hearings/{meeting_id}/motions",
        {"title": "是否再审", "rule": "panel_majority"},
        expect=201,
    )
    assert put["state"] == "draft"

    creditors = await schedule_hearing(judge, "(2026)A破9号", kind="creditors_meeting")
    status, body = await judge.status(
        "POST",
        f"/hearings/{creditors['id']}/motions",
        {"title": "议题", "rule": "panel_majority"},
    )
    assert (status, body["error"]["code"]) == (422, "wrong_rule")
    for rule in ("ordinary", "panel_majority"):
        status, body = await judge.status(
            "POST", f"/hearings/{trial['id']}/motions", {"title": "方案", "rule": rule}
        )
        assert (status, body["error"]["code"]) == (409, "not_a_creditors_meeting"), rule

    async with database.session() as db:
        row = await db.get(MotionRow, question["id"])
        assert row is not None
        row.state, row.result = MotionState.CLOSED, closed_result()
        row.opened_at = row.closed_at = datetime.now(UTC)
        await db.commit()
    for bench in (judge, clerk):
        listed = (await bench.call("GET", motions))["items"]
        assert listed[0]["result"]["passed"] is True
        assert [(o["name"], o["dissent"]) for o in listed[0]["opinions"]] == [
            ("王法官", False),
            ("李法官", False),
            ("赵陪审员", True),
        ]
        assert listed[0]["opinions"][2]["opinion"] == "不构成违约"
    # the administrator reads the records: the result, not who said what
    listed = (await admin.call("GET", motions))["items"]
    assert listed[0]["result"]["passed"] is True and listed[0]["opinions"] == []


async def deliberation_recording(database: Database, hearing_id: int) -> int:
    async with database.session() as db:
        recording = Recording(
            hearing_id=hearing_id,
            state="sealed",
            started_at=datetime.now(UTC),
            ended_at=datetime.now(UTC),
        )
        db.add(recording)
        await db.commit()
        return recording.id


async def test_a_deliberations_recording_is_the_courts_internal_record(
    judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database, world: World
) -> None:
    trial, _ = await trial_with_panel(judge, database, world)
    delib = await judge.call("POST", f"/hearings/{trial['id']}/deliberation", {}, expect=201)
    seats = (await judge.call("GET", f"/hearings/{delib['id']}/participants"))["items"]
    assessor_id = next(p["id"] for p in seats if p["role"] == "assessor")
    recording_id = await deliberation_recording(database, delib["id"])
    path = f"/recordings/{recording_id}"
    for bench in (judge, clerk):
        assert (await bench.call("GET", path))["id"] == recording_id
    status, body = await judge.status("POST", path + "/grants", {"participant_id": assessor_id})
    assert (status, body["error"]["code"]) == (409, "internal_record")

    meeting_id, prosecutor = await committee(judge)
    prosecutor_id = prosecutor["participant"]["id"]
    minutes = await deliberation_recording(database, meeting_id)
    status, body = await clerk.status(
        "POST", f"/recordings/{minutes}/grants", {"participant_id": prosecutor_id}
    )
    assert (status, body["error"]["code"]) == (409, "internal_record")
    async with database.session() as db:
        assert list(await db.scalars(select(RecordingGrant.id))) == []
        db.add(RecordingGrant(recording_id=minutes, participant_id=prosecutor_id, granted_by="x"))
        await db.commit()
    attending = await holder(new_caller, prosecutor["invitation"]["token"])
    status, body = await attending.status("GET", f"/recordings/{minutes}")
    assert (status, body["error"]["code"]) == (403, "internal_record")
    archive = await attending.client.get(
        f"/api/v1/recordings/{minutes}/archive",
        headers={"Authorization": f"Invitation {attending.invitation}"},
    )
    assert archive.status == 403
    assert (await attending.call("GET", "/recordings"))["total"] == 0
    # the prosecutor of the meeting does not reach the panel's recording either
    assert (await attending.status("GET", path))[0] == 404
