"""Participants and invitations: bound to one hearing and role, expiring, revocable, hashed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from hearing_server.db.database import Database
from hearing_server.db.models import Participant
from tests.callers import (
    Caller,
    NewCaller,
    World,
    expire_invitation,
    holder,
    invite,
    schedule_hearing,
)


async def test_invitation_opens_its_own_hearing_only(judge: Caller, new_caller: NewCaller) -> None:
    mine = await schedule_hearing(judge)
    other = await schedule_hearing(judge, "(2026)A民初2号")
    created = await invite(judge, mine["id"], side="plaintiff")
    invitation = created["invitation"]
    assert invitation["url"] == f"http://courts.test/join#{invitation['token']}"
    assert created["participant"]["invitation_status"] == "active"

    party = await holder(new_caller, invitation["token"])
    info = await party.call("GET", "/invitation")
    assert (
        info["hearing"]["id"] == mine["id"] and info["role"] == "party" and info["name"] == "张三"
    )
    assert info["court"] == "A区人民法院" and info["case_number"] == "(2026)A民初1号"
    assert info["exhibit_side"] == "plaintiff"  # whose list their evidence goes on
    witness = await invite(judge, mine["id"], role="witness", name="证人")
    seen = await (await holder(new_caller, witness["invitation"]["token"])).call(
        "GET", "/invitation"
    )
    assert seen["exhibit_side"] is None
    assert (await party.call("GET", f"/hearings/{mine['id']}"))["id"] == mine["id"]
    status, body = await party.status("GET", f"/hearings/{other['id']}")
    assert status == 403 and "another hearing" in body["error"]["message"]


async def test_invitation_grants_its_role_and_nothing_more(
    judge: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge)
    party = await holder(new_caller, (await invite(judge, hearing["id"]))["invitation"]["token"])
    refused = [
        ("POST", "/cases", {"number": "X", "title": "t", "kind": "civil_trial"}),
        ("GET", "/cases", None),
        ("GET", f"/hearings/{hearing['id']}/participants", None),
        (
            "POST",
            f"/hearings/{hearing['id']}/participants",
            {"role": "judge", "name": "冒充", "user_id": 1},
        ),
        ("POST", f"/hearings/{hearing['id']}/cancel", None),
        (
            "POST",
            "/users",
            {"username": "x", "display_name": "x", "role": "judge", "password": "p" * 12},
        ),
    ]
    for method, path, body in refused:
        status, _ = await party.status(method, path, body)
        assert status == 403, (method, path, status)


async def test_no_plaintext_token_is_stored(judge: Caller, database: Database) -> None:
    hearing = await schedule_hearing(judge)
    token = (await invite(judge, hearing["id"]))["invitation"]["token"]
    assert len(token) >= 22  # 128 bits, URL-safe base64
    async with database.session() as db:
        rows = (await db.execute(text("SELECT * FROM participants"))).all()
    assert rows and all(token not in str(value) for row in rows for value in row)


async def test_expired_invitation_fails(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    hearing = await schedule_hearing(judge)
    created = await invite(judge, hearing["id"], valid_hours=1)
    party = await holder(new_caller, created["invitation"]["token"])
    assert (await party.status("GET", "/invitation"))[0] == 200
    await expire_invitation(database, created["participant"]["id"])
    status, body = await party.status("GET", "/invitation")
    assert status == 401 and body["error"]["code"] == "invitation_expired"
    listed = await judge.call("GET", f"/hearings/{hearing['id']}/participants")
    assert [p["invitation_status"] for p in listed["items"] if p["role"] == "party"] == ["expired"]


async def test_revoked_and_replaced_invitations_fail(
    judge: Caller, clerk: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge)
    created = await invite(judge, hearing["id"])
    pid = created["participant"]["id"]
    first = await holder(new_caller, created["invitation"]["token"])

    renewed = await clerk.call(
        "POST", f"/participants/{pid}/invitation", {"valid_hours": 2}, expect=201
    )
    assert renewed["token"] != created["invitation"]["token"]
    assert (await first.status("GET", "/invitation"))[1]["error"]["code"] == "invitation_invalid"
    second = await holder(new_caller, renewed["token"])
    assert (await second.status("GET", "/invitation"))[0] == 200

    await clerk.call("DELETE", f"/participants/{pid}/invitation", expect=204)
    status, body = await second.status("GET", "/invitation")
    assert status == 401 and body["error"]["code"] == "invitation_revoked"


async def test_malformed_authorization_is_explained(anon: Caller) -> None:
    response = await anon.client.get("/api/v1/invitation", headers={"Authorization": "Bearer abc"})
    assert response.status == 401
    assert "Invitation" in (await response.json())["error"]["message"]
    anon.invitation = "not-a-real-token"
    assert (await anon.status("GET", "/invitation"))[1]["error"]["code"] == "invitation_invalid"


async def test_staff_get_no_invitation_endpoint_answer(judge: Caller) -> None:
    status, _ = await judge.status("GET", "/invitation")
    assert status == 403


@pytest.mark.parametrize(
    ("kind", "public", "person", "reason"),
    [
        ("civil_trial", False, {"role": "observer"}, "public"),
        ("civil_trial", False, {"role": "prosecutor"}, "has no prosecutor"),
        ("panel_deliberation", False, {"role": "party"}, "has no party"),
        ("criminal_trial", False, {"role": "detainee"}, "detention centre"),
        ("civil_trial", False, {"role": "judge"}, "user_id"),
        ("civil_trial", False, {"role": "party", "user_id": 1}, "staff accounts"),
        ("civil_trial", False, {"role": "party", "represents_id": 1}, "act for"),
        ("civil_trial", False, {"role": "agent", "represents_id": 99999}, "not in this hearing"),
        ("civil_trial", False, {"role": "admin"}, "has no admin"),
    ],
)
async def test_participants_the_hearing_does_not_allow(
    judge: Caller, kind: str, public: bool, person: dict[str, Any], reason: str
) -> None:
    hearing = await schedule_hearing(judge, kind=kind, public=public)
    status, body = await judge.status(
        "POST", f"/hearings/{hearing['id']}/participants", {"name": "某人", **person}
    )
    assert status == 422 and reason in body["error"]["message"], body


async def test_observer_in_a_public_hearing_and_counsel_for_a_detainee(
    judge: Caller, world: World
) -> None:
    public = await schedule_hearing(judge, public=True)
    assert (await invite(judge, public["id"], role="observer", name="旁听"))[
        "invitation"
    ] is not None
    criminal = await schedule_hearing(judge, "(2026)A刑初1号", "criminal_trial")
    detainee = await invite(
        judge, criminal["id"], role="detainee", name="孙六", detention_centre_id=world.centre_id
    )
    assert detainee["invitation"] is None  # detainees appear through their centre's terminal
    counsel = await invite(
        judge,
        criminal["id"],
        role="counsel",
        name="吴律师",
        represents_id=detainee["participant"]["id"],
    )
    assert counsel["participant"]["represents_id"] == detainee["participant"]["id"]


async def test_participants_cannot_be_added_after_close(judge: Caller, database: Database) -> None:
    hearing = await schedule_hearing(judge)
    await judge.call("POST", f"/hearings/{hearing['id']}/cancel")
    status, body = await judge.status(
        "POST", f"/hearings/{hearing['id']}/participants", {"role": "party", "name": "x"}
    )
    assert status == 403 and "cancelled" in body["error"]["message"]


async def test_other_court_cannot_manage_invitations(judge: Caller, other_judge: Caller) -> None:
    hearing = await schedule_hearing(judge)
    pid = (await invite(judge, hearing["id"]))["participant"]["id"]
    assert (await other_judge.status("POST", f"/participants/{pid}/invitation", {}))[0] == 404
    assert (await other_judge.status("DELETE", f"/participants/{pid}/invitation"))[0] == 404
    assert (await other_judge.status("GET", f"/hearings/{hearing['id']}/participants"))[0] == 404
    assert (await judge.status("DELETE", "/participants/424242/invitation"))[0] == 404


async def test_terminal_sees_todays_hearings_of_its_detainees(
    judge: Caller, new_caller: NewCaller, world: World, database: Database
) -> None:
    today = await schedule_hearing(judge, "(2026)A刑初1号", "criminal_trial")
    await invite(
        judge, today["id"], role="detainee", name="孙六", detention_centre_id=world.centre_id
    )
    without = await schedule_hearing(judge, "(2026)A刑初2号", "criminal_trial")
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    listed = await terminal.call("GET", "/terminal/hearings")
    assert [h["id"] for h in listed["items"]] == [today["id"]]
    assert (await terminal.call("GET", f"/hearings/{today['id']}"))["id"] == today["id"]
    assert (await terminal.status("GET", f"/hearings/{without['id']}"))[0] == 403
    assert (await judge.status("GET", "/terminal/hearings"))[0] == 403
    async with database.session() as db:
        participants = list(
            await db.scalars(select(Participant).where(Participant.hearing_id == today["id"]))
        )
    assert all(p.invitation_token_hash is None for p in participants)
