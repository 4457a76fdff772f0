"""Taking part online: the notice under the invitation, the answer (every one kept, the latest
counts), the timeline and audit entries, and the bench seeing it (participants list, live)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from config import Settings
from court.consent import NOTICE_VERSION
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, ConsentAnswer, HearingEvent
from tests.callers import Caller, NewCaller, expire_invitation, holder, invite, schedule_hearing
from tests.conftest import settings_with
from tests.signal_client import SignalClient

PATH = "/invitation/consent"
GRACE = 0.3


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """A short grace window, so that leaving without leave is seen within the test."""
    return settings_with(database_url, tmp_path, reconnect_grace_seconds=GRACE)


def answer(agreed: bool) -> dict[str, Any]:
    return {"agreed": agreed, "notice_version": NOTICE_VERSION}


async def consents(judge: Caller, hearing_id: int) -> dict[str, Any]:
    people = await judge.call("GET", f"/hearings/{hearing_id}/participants")
    return {p["name"]: p["consent"] for p in people["items"]}


async def test_a_party_reads_the_notice_answers_and_may_change_their_mind(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    hearing = await schedule_hearing(judge)
    invited = await invite(judge, hearing["id"])
    party = await holder(new_caller, invited["invitation"]["token"])

    first = await party.call("GET", PATH)
    assert first["consent"] == {"answer": "pending", "at": None}
    assert first["notice"]["version"] == NOTICE_VERSION
    words = " ".join(p["zh"] + p["en"] for p in first["notice"]["paragraphs"])
    assert (
        "录音" in words
        and "record sound or video" in words
        and "without the court's leave" in words
    )
    assert (await consents(judge, hearing["id"]))["张三"]["answer"] == "pending"

    refused = await party.call("POST", PATH, answer(False), expect=201)
    assert refused["consent"]["answer"] == "refused" and refused["consent"]["at"]
    status, body = await party.status("POST", PATH, answer(False))
    assert status == 409 and body["error"]["code"] == "already_answered"
    agreed = await party.call("POST", PATH, answer(True), expect=201)
    assert agreed["consent"]["answer"] == "agreed"
    assert (await party.call("GET", PATH))["consent"] == agreed["consent"]
    shown = (await consents(judge, hearing["id"]))["张三"]
    assert shown == agreed["consent"]

    async with database.session() as db:
        answers = (await db.scalars(select(ConsentAnswer).order_by(ConsentAnswer.id))).all()
        events = (
            await db.scalars(select(HearingEvent).where(HearingEvent.kind == "online_consent"))
        ).all()
        audits = (
            await db.scalars(select(AuditEntry).where(AuditEntry.action == "answer_consent"))
        ).all()
    assert [a.agreed for a in answers] == [False, True]
    assert [(e.from_value, e.to_value) for e in events] == [
        ("pending", "refused"),
        ("refused", "agreed"),
    ]
    assert all(
        e.data == {"participant_id": invited["participant"]["id"], "notice_version": NOTICE_VERSION}
        for e in events
    )
    assert len(audits) == 2


async def test_lawyers_are_asked_witnesses_only_read(judge: Caller, new_caller: NewCaller) -> None:
    hearing = await schedule_hearing(judge)
    client = await invite(judge, hearing["id"])
    lawyer = await invite(
        judge, hearing["id"], role="agent", name="李律师", represents_id=client["participant"]["id"]
    )
    witness = await invite(judge, hearing["id"], role="witness", name="王五")
    agent = await holder(new_caller, lawyer["invitation"]["token"])
    await agent.call("POST", PATH, answer(True), expect=201)
    seen = await holder(new_caller, witness["invitation"]["token"])
    read = await seen.call("GET", PATH)
    assert read["consent"] is None and read["notice"]["paragraphs"]
    status, body = await seen.status("POST", PATH, answer(True))
    assert status == 403 and "witness" in body["error"]["message"]
    shown = await consents(judge, hearing["id"])
    assert shown["李律师"]["answer"] == "agreed"
    assert shown["王五"] is None and shown["张三"]["answer"] == "pending"
    judges = [c for name, c in shown.items() if name not in ("李律师", "王五", "张三")]
    assert all(c is None for c in judges)


async def test_bad_answers_are_refused_clearly(
    judge: Caller, anon: Caller, new_caller: NewCaller, database: Database
) -> None:
    hearing = await schedule_hearing(judge)
    invited = await invite(judge, hearing["id"])
    party = await holder(new_caller, invited["invitation"]["token"])
    # not the invitation's holder: nobody, staff, a made-up token (before the body is read)
    assert (await anon.status("POST", PATH, "not json at all"))[0] == 401
    assert (await judge.status("GET", PATH))[0] == 403
    assert (await judge.status("POST", PATH, answer(True)))[0] == 403
    stranger = await holder(new_caller, "x" * 22)
    assert (await stranger.status("POST", PATH, answer(True)))[0] == 401
    # malformed, oversized, wrong types, unknown fields, an old notice
    bad: Any
    for bad in (
        None,
        [],
        {"agreed": "yes", "notice_version": NOTICE_VERSION},
        {"agreed": 1, "notice_version": NOTICE_VERSION},
        {"agreed": True},
        {**answer(True), "at": "2020-01-01T00:00:00Z"},
        {"agreed": True, "notice_version": 7},
    ):
        status, body = await party.status("POST", PATH, bad)
        assert status in (400, 415, 422), (bad, status, body)
    status, _ = await party.status("POST", PATH, {**answer(True), "notice_version": "v" * 100_000})
    assert status in (413, 422)
    response = await party.client.post(
        "/api/v1" + PATH,
        data=b"{",
        headers={
            "Authorization": f"Invitation {party.invitation}",
            "Content-Type": "application/json",
        },
    )
    assert response.status == 400
    status, body = await party.status("POST", PATH, {**answer(True), "notice_version": "2000-1"})
    assert status == 409 and body["error"]["code"] == "notice_changed"
    async with database.session() as db:
        assert (await db.scalars(select(ConsentAnswer))).all() == []
    # an invitation that ran out answers nothing, and a hearing over takes no answers
    await expire_invitation(database, invited["participant"]["id"])
    status, body = await party.status("POST", PATH, answer(True))
    assert status == 401 and body["error"]["code"] == "invitation_expired"
    other = await invite(judge, hearing["id"], name="赵六")
    late = await holder(new_caller, other["invitation"]["token"])
    await judge.call("POST", f"/hearings/{hearing['id']}/cancel")
    status, body = await late.status("POST", PATH, answer(False))
    assert status == 403 and "cancelled" in body["error"]["message"]


async def test_the_bench_sees_an_answer_live_and_is_alerted_to_a_refusal(
    judge: Caller, new_caller: NewCaller, server: TestServer
) -> None:
    hearing = await schedule_hearing(judge)
    invited = await invite(judge, hearing["id"])
    party_id = invited["participant"]["id"]
    party = await holder(new_caller, invited["invitation"]["token"])
    jar = judge.client.session.cookie_jar.filter_cookies(judge.client.make_url("/"))
    bench = SignalClient(str(server.make_url("")).rstrip("/"))
    await bench.connect(hearing["id"], cookie=jar["hs_session"].value)
    try:
        await bench.wait_for("room")

        def party_consent(view: dict[str, Any]) -> Any:
            return next(m for m in view["members"] if m["id"] == party_id)["consent"]

        assert party_consent(bench.room) == {"answer": "pending", "at": None}
        await party.call("POST", PATH, answer(False), expect=201)
        view = await bench.wait_for("room", lambda v: party_consent(v)["answer"] == "refused")
        assert party_consent(view)["at"]
        alert = await bench.wait_for("alert", lambda a: a["kind"] == "consent_refused")
        assert alert["participant_id"] == party_id
        # the party's own view has their answer; another party's view never has it
        waiting = SignalClient(str(server.make_url("")).rstrip("/"))
        await waiting.connect(hearing["id"], invitation=invited["invitation"]["token"])
        try:
            own = await waiting.wait_for("room")
            assert own["you"]["consent"]["answer"] == "refused"
        finally:
            await waiting.close()
    finally:
        await bench.close()


async def test_closing_the_page_for_good_is_leaving_without_leave_on_the_record(
    judge: Caller, new_caller: NewCaller, server: TestServer, database: Database
) -> None:
    hearing = await schedule_hearing(judge)
    stays, goes = (
        await invite(judge, hearing["id"]),
        await invite(judge, hearing["id"], name="李四"),
    )
    url = str(server.make_url("")).rstrip("/")
    jar = judge.client.session.cookie_jar.filter_cookies(judge.client.make_url("/"))
    bench = SignalClient(url)
    await bench.connect(hearing["id"], cookie=jar["hs_session"].value)
    leaver, dropper = SignalClient(url), SignalClient(url)
    await leaver.connect(hearing["id"], invitation=stays["invitation"]["token"])
    await dropper.connect(hearing["id"], invitation=goes["invitation"]["token"])
    try:
        assert "ok" in await leaver.call("leave")
        dropper.abort()  # the page closed: no goodbye
        alert = await bench.wait_for(
            "alert", lambda a: a["kind"] == "left_without_leave", within=GRACE + 5
        )
        assert alert["participant_id"] == goes["participant"]["id"]
    finally:
        await bench.close()
        await asyncio.gather(leaver.close(), dropper.close(), return_exceptions=True)
    async with database.session() as db:
        events = (
            await db.scalars(
                select(HearingEvent)
                .where(HearingEvent.kind.in_(["left", "left_without_leave"]))
                .order_by(HearingEvent.id)
            )
        ).all()
    by_person = {(e.data or {})["participant_id"]: e.kind for e in events}
    assert by_person[stays["participant"]["id"]] == "left"
    assert by_person[goes["participant"]["id"]] == "left_without_leave"
