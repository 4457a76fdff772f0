"""Exhibits, the evidence exchange and the examination (docs/architecture.md#exhibits): every
permission and every refusal, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from court.states import HearingState
from hearing_server.db.database import Database
from hearing_server.db.models import (
    AuditEntry,
    EvidenceExchange,
    Exhibit,
    ExhibitOpinion,
    Hearing,
    HearingEvent,
)
from tests.callers import (
    Caller,
    NewCaller,
    World,
    expire_invitation,
    holder,
    invite,
    schedule_hearing,
)

PURPOSE = "证明双方之间存在买卖合同关系\n及货款金额"


@dataclass
class Trial:
    case_id: int
    hearing_id: int
    plaintiff: Caller
    plaintiff_id: int
    agent: Caller
    defendant: Caller
    defendant_id: int
    witness: Caller
    witness_id: int
    observer: Caller


async def trial(judge: Caller, new_caller: NewCaller, number: str = "(2026)A民初1号") -> Trial:
    """A public civil trial: a plaintiff with their agent, a defendant, a witness, an observer."""
    hearing = await schedule_hearing(judge, number, public=True)
    people: dict[str, dict[str, Any]] = {}
    for key, person in [
        ("plaintiff", {"name": "张三", "side": "plaintiff"}),
        ("defendant", {"name": "李四", "side": "defendant"}),
        ("witness", {"role": "witness", "name": "钱五"}),
        ("observer", {"role": "observer", "name": "旁听"}),
    ]:
        people[key] = await invite(judge, hearing["id"], **person)
    people["agent"] = await invite(
        judge,
        hearing["id"],
        role="agent",
        name="赵律师",
        side="plaintiff",
        represents_id=people["plaintiff"]["participant"]["id"],
    )
    callers = {
        key: await holder(new_caller, created["invitation"]["token"])
        for key, created in people.items()
    }
    return Trial(
        case_id=hearing["case_id"],
        hearing_id=hearing["id"],
        plaintiff=callers["plaintiff"],
        plaintiff_id=people["plaintiff"]["participant"]["id"],
        agent=callers["agent"],
        defendant=callers["defendant"],
        defendant_id=people["defendant"]["participant"]["id"],
        witness=callers["witness"],
        witness_id=people["witness"]["participant"]["id"],
        observer=callers["observer"],
    )


async def submit(caller: Caller, case_id: int, title: str = "买卖合同") -> dict[str, Any]:
    body = {"title": title, "purpose": PURPOSE}
    created: dict[str, Any] = await caller.call(
        "POST", f"/cases/{case_id}/exhibits", body, expect=201
    )
    return created


async def labels(caller: Caller, case_id: int) -> list[str]:
    listed = await caller.call("GET", f"/cases/{case_id}/exhibits")
    return [e["label_zh"] for e in listed["items"]]


async def opine(caller: Caller, exhibit_id: int, expect: int = 200, **body: Any) -> dict[str, Any]:
    full = {"aspect": "authenticity", "opinion": "admitted", **body}
    result: dict[str, Any] = await caller.call(
        "POST", f"/exhibits/{exhibit_id}/opinions", full, expect=expect
    )
    return result


async def test_each_side_sees_its_own_and_the_courts_until_the_judge_opens_the_exchange(
    judge: Caller, clerk: Caller, new_caller: NewCaller
) -> None:
    t = await trial(judge, new_caller)
    first = await submit(t.plaintiff, t.case_id)
    assert (first["side"], first["number"], first["label_zh"], first["label_en"]) == (
        "plaintiff",
        1,
        "原告证据1",
        "Plaintiff's exhibit 1",
    )
    assert first["purpose"] == PURPOSE and first["submitted_by"] == "张三"
    assert first["files"] == [] and first["withdrawn_at"] is None
    assert (await submit(t.agent, t.case_id))["label_zh"] == "原告证据2"
    theirs = await submit(t.defendant, t.case_id)
    assert theirs["label_zh"] == "被告证据1"
    court = await submit(clerk, t.case_id, "调取的银行流水")
    assert (court["label_zh"], court["submitted_by_role"]) == ("法院调取证据1", "clerk")

    everything = ["原告证据1", "原告证据2", "法院调取证据1", "被告证据1"]
    assert sorted(await labels(judge, t.case_id)) == sorted(everything)
    assert sorted(await labels(clerk, t.case_id)) == sorted(everything)
    assert sorted(await labels(t.plaintiff, t.case_id)) == [
        "原告证据1",
        "原告证据2",
        "法院调取证据1",
    ]
    assert sorted(await labels(t.agent, t.case_id)) == ["原告证据1", "原告证据2", "法院调取证据1"]
    assert sorted(await labels(t.defendant, t.case_id)) == ["法院调取证据1", "被告证据1"]
    by_hearing = await t.defendant.call("GET", f"/hearings/{t.hearing_id}/exhibits")
    assert len(by_hearing["items"]) == 2
    status, _ = await t.defendant.status("GET", f"/exhibits/{first['id']}")
    assert status == 404
    assert (await t.plaintiff.call("GET", f"/exhibits/{first['id']}"))["id"] == first["id"]
    for outsider in (t.observer, t.witness):
        for path in (f"/cases/{t.case_id}/exhibits", f"/exhibits/{court['id']}"):
            assert (await outsider.status("GET", path))[0] == 403

    exchange = await t.plaintiff.call("GET", f"/cases/{t.case_id}/exchange")
    assert exchange["exchanged"] is False and exchange["exchanged_at"] is None
    assert (await t.plaintiff.status("POST", f"/cases/{t.case_id}/exchange/open"))[0] == 403
    assert (await clerk.status("POST", f"/cases/{t.case_id}/exchange/open"))[0] == 403
    opened = await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    assert opened["exchanged"] is True and opened["opened_at"] is not None

    assert sorted(await labels(t.defendant, t.case_id)) == sorted(everything)
    assert sorted(await labels(t.plaintiff, t.case_id)) == sorted(everything)
    assert (await t.defendant.call("GET", f"/exhibits/{first['id']}"))["title"] == "买卖合同"
    assert (await t.observer.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 403
    # what was exchanged cannot be taken back
    status, body = await judge.status("POST", f"/cases/{t.case_id}/exchange/open")
    assert status == 409 and body["error"]["code"] == "already_exchanged"
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    status, _ = await judge.status("PUT", f"/cases/{t.case_id}/exchange", {"deadline": future})
    assert status == 409
    # exhibits submitted later are seen at once
    late = await submit(t.defendant, t.case_id, "补充证据")
    assert "被告证据2" in await labels(t.plaintiff, t.case_id) and late["number"] == 2


async def test_the_deadline_exchanges_when_it_passes_and_only_the_judge_sets_it(
    judge: Caller, clerk: Caller, other_judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    t = await trial(judge, new_caller)
    await submit(t.plaintiff, t.case_id)
    path = f"/cases/{t.case_id}/exchange"
    future = datetime.now(UTC) + timedelta(days=3)
    for refused, status in [
        (t.plaintiff, 403),
        (clerk, 403),
        (t.observer, 403),
        (other_judge, 404),
    ]:
        assert (await refused.status("PUT", path, {"deadline": future.isoformat()}))[0] == status
    set_ = await judge.call("PUT", path, {"deadline": future.isoformat()})
    assert set_["exchanged"] is False and set_["exchanged_at"] == set_["deadline"]
    assert await labels(t.defendant, t.case_id) == []
    assert (await judge.call("PUT", path, {"deadline": None}))["deadline"] is None
    await judge.call("PUT", path, {"deadline": future.isoformat()})
    # the deadline passes
    async with database.session() as db:
        row = await db.get(EvidenceExchange, t.case_id)
        assert row is not None
        row.deadline = datetime.now(UTC) - timedelta(seconds=1)
        await db.commit()
    assert await labels(t.defendant, t.case_id) == ["原告证据1"]
    assert (await t.defendant.call("GET", path))["exchanged"] is True
    assert (await judge.status("POST", f"{path}/open"))[0] == 409
    for bad in [
        {},
        {"deadline": "tomorrow"},
        {"deadline": "20250-01-01T00:00:00Z"},
        {"deadline": "2026-01-01T00:00:00"},
        {"deadline": None, "extra": 1},
    ]:
        assert (await judge.status("PUT", path, bad))[0] == 422, bad


async def test_withdrawal_is_recorded_never_deleted_and_only_by_the_own_side(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    t = await trial(judge, new_caller)
    early = await submit(t.plaintiff, t.case_id, "撤回的证据")
    kept = await submit(t.plaintiff, t.case_id, "保留的证据")
    # the other side does not even see it; the bench sees it but it is not the court's
    assert (await t.defendant.status("POST", f"/exhibits/{early['id']}/withdraw"))[0] == 404
    status, body = await judge.status("POST", f"/exhibits/{early['id']}/withdraw")
    assert status == 403 and "only the side" in body["error"]["message"]
    assert (await t.observer.status("POST", f"/exhibits/{early['id']}/withdraw"))[0] == 403
    withdrawn = await t.agent.call("POST", f"/exhibits/{early['id']}/withdraw")
    assert withdrawn["withdrawn_at"] is not None and withdrawn["withdrawn_by"] == "赵律师"
    status, body = await t.plaintiff.status("POST", f"/exhibits/{early['id']}/withdraw")
    assert status == 409 and body["error"]["code"] == "already_withdrawn"

    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    # withdrawn before the exchange: the other side never receives it
    assert await labels(t.defendant, t.case_id) == ["原告证据2"]
    assert await labels(t.plaintiff, t.case_id) == ["原告证据1", "原告证据2"]
    after = await t.plaintiff.call("POST", f"/exhibits/{kept['id']}/withdraw")
    assert after["withdrawn_at"] is not None
    seen = await t.defendant.call("GET", f"/exhibits/{kept['id']}")
    assert seen["withdrawn_at"] is not None  # withdrawn after it: still listed, marked

    async with database.session() as db:
        rows = list(await db.scalars(select(Exhibit).where(Exhibit.case_id == t.case_id)))
        actions = list(await db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        events = list(
            await db.scalars(select(HearingEvent).where(HearingEvent.hearing_id == t.hearing_id))
        )
    assert len(rows) == 2 and all(r.withdrawn_at is not None for r in rows)
    assert actions.count("submit_exhibit") == 2 and actions.count("withdraw_exhibit") == 2
    assert "open_exchange" in actions
    kinds = [e.kind for e in events]
    assert kinds.count("exhibit_submitted") == 2 and kinds.count("exhibit_withdrawn") == 2
    assert "exchange_opened" in kinds
    withdrawals = [e.data for e in events if e.kind == "exhibit_withdrawn"]
    assert [d["after_exchange"] for d in withdrawals if d] == [False, True]


async def test_opinions_on_the_other_sides_exhibits_once_visible(
    judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database
) -> None:
    t = await trial(judge, new_caller)
    mine = await submit(t.plaintiff, t.case_id)
    theirs = await submit(t.defendant, t.case_id)
    court = await submit(judge, t.case_id, "法院调取")
    # not visible before the exchange: as if it did not exist
    await opine(t.plaintiff, theirs["id"], expect=404)
    # the court's exhibits are visible to all, and examined by all
    await opine(t.defendant, court["id"], opinion="disputed", reason="来源不明")
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")

    given = await opine(t.defendant, mine["id"], opinion="disputed", reason="复印件，无原件核对")
    assert (given["party_id"], given["given_by_id"]) == (t.defendant_id, t.defendant_id)
    status, body = await t.plaintiff.status(
        "POST", f"/exhibits/{mine['id']}/opinions", {"aspect": "legality", "opinion": "admitted"}
    )
    assert status == 403 and "own exhibits" in body["error"]["message"]
    # the agent speaks for the plaintiff: the opinion is the plaintiff's
    by_agent = await opine(t.agent, theirs["id"], aspect="relevance")
    assert by_agent["party_id"] == t.plaintiff_id and by_agent["given_by_id"] != t.plaintiff_id
    changed = await opine(
        t.plaintiff, theirs["id"], aspect="relevance", opinion="disputed", reason="与本案无关"
    )
    assert changed["given_by_id"] == t.plaintiff_id and changed["opinion"] == "disputed"
    for outsider, status in [(judge, 403), (clerk, 403), (t.witness, 403), (t.observer, 403)]:
        assert (
            await outsider.status(
                "POST",
                f"/exhibits/{theirs['id']}/opinions",
                {"aspect": "legality", "opinion": "admitted"},
            )
        )[0] == status

    matrix = await judge.call("GET", f"/hearings/{t.hearing_id}/examination")
    assert matrix["aspects"] == ["authenticity", "legality", "relevance"]
    assert [p["id"] for p in matrix["parties"]] == [t.plaintiff_id, t.defendant_id]
    assert [p["side"] for p in matrix["parties"]] == ["plaintiff", "defendant"]
    cells = {
        (row["label_zh"], o["party_id"], o["aspect"]): (o["opinion"], o["reason"])
        for row in matrix["rows"]
        for o in row["opinions"]
    }
    assert cells == {
        ("原告证据1", t.defendant_id, "authenticity"): ("disputed", "复印件，无原件核对"),
        ("被告证据1", t.plaintiff_id, "relevance"): ("disputed", "与本案无关"),
        ("法院调取证据1", t.defendant_id, "authenticity"): ("disputed", "来源不明"),
    }
    assert (await clerk.call("GET", f"/hearings/{t.hearing_id}/examination"))["rows"]
    own = await t.agent.call("GET", f"/hearings/{t.hearing_id}/examination")
    assert [p["id"] for p in own["parties"]] == [t.plaintiff_id]
    assert [o["party_id"] for row in own["rows"] for o in row["opinions"]] == [t.plaintiff_id]
    for outsider in (t.witness, t.observer):
        path = f"/hearings/{t.hearing_id}/examination"
        assert (await outsider.status("GET", path))[0] == 403

    async with database.session() as db:
        rows = list(await db.scalars(select(ExhibitOpinion)))
        events = list(
            await db.scalars(
                select(HearingEvent)
                .where(HearingEvent.kind == "exhibit_opinion")
                .order_by(HearingEvent.id)
            )
        )
    assert len(rows) == 3  # a change overwrites the row ...
    relevance = [
        (e.from_value, e.to_value) for e in events if e.data and e.data["aspect"] == "relevance"
    ]
    assert relevance == [
        (None, "admitted"),
        ("admitted", "disputed"),
    ]  # ... the timeline keeps both

    await t.defendant.call("POST", f"/exhibits/{theirs['id']}/withdraw")
    status, body = await t.plaintiff.status(
        "POST", f"/exhibits/{theirs['id']}/opinions", {"aspect": "legality", "opinion": "admitted"}
    )
    assert status == 409 and body["error"]["code"] == "withdrawn"


async def test_witnesses_see_exhibits_only_while_called(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    t = await trial(judge, new_caller)
    await submit(judge, t.case_id, "法院调取")
    await submit(t.plaintiff, t.case_id)
    assert (await t.witness.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 403
    async with database.session() as db:
        await db.execute(
            update(Hearing).where(Hearing.id == t.hearing_id).values(state=HearingState.IN_SESSION)
        )
        db.add(
            HearingEvent(
                hearing_id=t.hearing_id,
                kind="admitted",
                actor="judge",
                data={"participant_id": t.witness_id},
            )
        )
        await db.commit()
    assert await labels(t.witness, t.case_id) == ["法院调取证据1"]
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    assert len(await labels(t.witness, t.case_id)) == 2
    assert (
        await t.witness.status(
            "POST", f"/cases/{t.case_id}/exhibits", {"title": "t", "purpose": "p"}
        )
    )[0] == 403
    async with database.session() as db:
        db.add(
            HearingEvent(
                hearing_id=t.hearing_id,
                kind="sent_back",
                actor="judge",
                data={"participant_id": t.witness_id},
            )
        )
        await db.commit()
    assert (await t.witness.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 403


async def test_refusals_outside_ones_hearing_side_or_time(
    judge: Caller,
    admin: Caller,
    anon: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
    world: World,
    database: Database,
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    other = await schedule_hearing(judge, "(2026)A民初2号")
    stranger = await holder(
        new_caller,
        (await invite(judge, other["id"], side="plaintiff"))["invitation"]["token"],
    )
    # a party of another case sees nothing of this one, nor can add to it
    assert (await stranger.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 404
    assert (await stranger.status("GET", f"/hearings/{t.hearing_id}/exhibits"))[0] == 403
    assert (await stranger.status("GET", f"/exhibits/{exhibit['id']}"))[0] == 404
    assert (
        await stranger.status(
            "POST", f"/cases/{t.case_id}/exhibits", {"title": "t", "purpose": "p"}
        )
    )[0] == 404
    assert (await stranger.status("GET", f"/hearings/{t.hearing_id}/examination"))[0] == 403
    # staff of another court, an administrator, nobody at all
    assert (await other_judge.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 404
    assert (await other_judge.status("GET", f"/exhibits/{exhibit['id']}"))[0] == 404
    assert (await admin.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 403
    assert (await anon.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 401
    assert (
        await anon.status("POST", f"/cases/{t.case_id}/exhibits", {"title": "t", "purpose": "p"})
    )[0] == 401
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    assert (await terminal.status("GET", f"/cases/{t.case_id}/exhibits"))[0] == 403
    # a participant on no side submits nothing
    sideless = await holder(
        new_caller, (await invite(judge, t.hearing_id, name="王五"))["invitation"]["token"]
    )
    status, body = await sideless.status(
        "POST", f"/cases/{t.case_id}/exhibits", {"title": "t", "purpose": "p"}
    )
    assert status == 409 and body["error"]["code"] == "no_side"
    # an expired invitation
    await expire_invitation(database, t.defendant_id)
    status, body = await t.defendant.status("GET", f"/cases/{t.case_id}/exhibits")
    assert status == 401 and body["error"]["code"] == "invitation_expired"
    # once the hearing is over, nothing more is submitted, withdrawn or examined
    async with database.session() as db:
        await db.execute(
            update(Hearing).where(Hearing.id == t.hearing_id).values(state=HearingState.CLOSED)
        )
        await db.commit()
    body = {"title": "t", "purpose": "p"}
    status, refused = await t.plaintiff.status("POST", f"/cases/{t.case_id}/exhibits", body)
    assert status == 403 and "closed" in refused["error"]["message"]
    assert (await t.plaintiff.status("POST", f"/exhibits/{exhibit['id']}/withdraw"))[0] == 403
    assert await labels(t.plaintiff, t.case_id) == ["原告证据1"]  # still seen


async def test_bad_input_is_refused_with_4xx(judge: Caller, new_caller: NewCaller) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.defendant, t.case_id)
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    path = f"/cases/{t.case_id}/exhibits"
    bad_exhibits: list[Any] = [
        {},
        {"title": "t"},
        {"title": "t", "purpose": "p", "side": "court"},
        {"title": "", "purpose": "p"},
        {"title": "t" * 501, "purpose": "p"},
        {"title": "t", "purpose": "证" * 4001},
        {"title": "t", "purpose": " \n\t "},
        {"title": "a\x07b", "purpose": "p"},
        {"title": "t", "purpose": "a\x1bb"},
        {"title": 5, "purpose": "p"},
        [],
        "text",
    ]
    for bad in bad_exhibits:
        status, _ = await t.plaintiff.status("POST", path, bad)
        assert status == 422, bad
    status, _ = await t.plaintiff.status("POST", path, {"title": "a\x00b", "purpose": "p"})
    assert status == 400
    raw = await t.plaintiff.client.post(
        "/api/v1" + path,
        data=b"{not json",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Invitation {t.plaintiff.invitation}",
        },
    )
    assert raw.status == 400
    bad_opinions: list[Any] = [
        {"aspect": "beauty", "opinion": "admitted"},
        {"aspect": "authenticity", "opinion": "maybe"},
        {"aspect": "authenticity"},
        {"aspect": "authenticity", "opinion": "admitted", "reason": ""},
        {"aspect": "authenticity", "opinion": "admitted", "reason": "r" * 4001},
        {"aspect": "authenticity", "opinion": "admitted", "party_id": 1},
    ]
    for bad in bad_opinions:
        status, _ = await t.plaintiff.status("POST", f"/exhibits/{exhibit['id']}/opinions", bad)
        assert status == 422, bad
    for missing in ("/exhibits/999999", "/exhibits/0", "/exhibits/abc", "/cases/999999/exhibits"):
        assert (await judge.status("GET", missing))[0] == 404, missing
