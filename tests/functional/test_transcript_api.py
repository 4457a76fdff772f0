"""The transcript (庭审笔录) over REST: the bench writes entries live, drafts survive, two
writers never overwrite each other silently, the timeline's facts take their place."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update

from config import Settings
from hearing_server.app import create_app
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, Hearing, HearingEvent
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing

TEXT = "原告：我方请求被告偿还借款 5 万元。Plaintiff asks for ¥50,000 back. ✍️🙂"


def moment(seconds: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def entry(text: str = TEXT, speaker_id: int | None = None, **more: Any) -> dict[str, Any]:
    return {"key": uuid.uuid4().hex, "speaker_id": speaker_id, "text": text, "at": moment(), **more}


async def live_hearing(
    judge: Caller, database: Database, state: str = "in_session", number: str = "(2026)A民初1号"
) -> Any:
    """A hearing of the judge's court, with 张三 invited, put in ``state`` as the live hearing
    would (its row and its timeline)."""
    hearing = await schedule_hearing(judge, number)
    invited = await invite(judge, hearing["id"])
    party = invited["participant"]
    party["token"] = invited["invitation"]["token"]
    async with database.session() as db:
        await db.execute(update(Hearing).where(Hearing.id == hearing["id"]).values(state=state))
        await db.commit()
    return hearing, party


async def add_event(
    database: Database, hearing_id: int, kind: str, at: datetime, **fields: Any
) -> None:
    async with database.session() as db:
        db.add(
            HearingEvent(hearing_id=hearing_id, kind=kind, actor="user:1:judge", at=at, **fields)
        )
        await db.commit()


async def test_entries_and_facts_read_in_the_order_of_the_hearing(
    judge: Caller, clerk: Caller, database: Database
) -> None:
    hearing, party = await live_hearing(judge, database)
    start = datetime.now(UTC) - timedelta(minutes=10)
    path = f"/hearings/{hearing['id']}/transcript"
    await add_event(
        database, hearing["id"], "state", start, from_value="open", to_value="in_session"
    )
    await add_event(database, hearing["id"], "joined", start, data={"participant_id": party["id"]})
    said = await clerk.call(
        "POST",
        f"{path}/entries",
        entry("请核对身份。", at=(start + timedelta(minutes=1)).isoformat()),
        expect=201,
    )
    await add_event(
        database,
        hearing["id"],
        "admitted",
        start + timedelta(seconds=30),
        data={"participant_id": party["id"]},
    )
    answer = await clerk.call(
        "POST",
        f"{path}/entries",
        entry(TEXT, party["id"], at=(start + timedelta(minutes=2)).isoformat()),
        expect=201,
    )
    assert (said["seq"], answer["seq"]) == (1, 2)
    assert answer["speaker"] == "张三" and answer["text"] == TEXT and answer["author"] == "clerk"
    transcript = await judge.call("GET", path)
    assert transcript["language"] == "zh"
    assert [(s["name"], s["role"]) for s in transcript["speakers"]] == [
        ("judge", "judge"),
        ("张三", "party"),
    ]
    lines = [
        line["fact"] or f"{line['entry']['speaker']}：{line['entry']['text']}"
        for line in transcript["lines"]
    ]
    assert lines == ["（开庭）", "（张三进入庭审）", "法庭：请核对身份。", f"张三：{TEXT}"]
    assert transcript["lines"][1]["fact_en"] == "(张三 is admitted to the hearing.)"
    assert transcript["draft"] is None


async def test_a_draft_survives_a_server_restart_and_becomes_the_entry(
    clerk: Caller, judge: Caller, database: Database, settings: Settings
) -> None:
    hearing, party = await live_hearing(judge, database)
    draft_path = f"/hearings/{hearing['id']}/transcript/draft"
    body = entry("被告：我不同意", party["id"])
    first = await clerk.call("PUT", draft_path, body)
    again = await clerk.call("PUT", draft_path, body)
    assert first == again and first["state"] == "draft" and first["seq"] is None
    body["text"] = "被告：我不同意原告的诉讼请求，理由如下：\n一、借款已归还；"
    await clerk.call("PUT", draft_path, body)
    # another server process (or this one restarted) on the same database
    restarted = TestServer(create_app(settings))
    client: TestClient[Any, Any] = TestClient(restarted)
    await client.start_server()
    try:
        elsewhere = Caller(client)
        await elsewhere.login("clerk")
        kept = (await elsewhere.call("GET", f"/hearings/{hearing['id']}/transcript"))["draft"]
        assert (kept["key"], kept["text"], kept["speaker_id"]) == (
            body["key"],
            body["text"],
            party["id"],
        )
        # the judge has no draft of their own: drafts are each writer's
        assert (await judge.call("GET", f"/hearings/{hearing['id']}/transcript"))["draft"] is None
        committed = await elsewhere.call(
            "POST", f"/hearings/{hearing['id']}/transcript/entries", body, expect=201
        )
    finally:
        await client.close()
    assert committed["id"] == kept["id"] and committed["state"] == "committed"
    transcript = await clerk.call("GET", f"/hearings/{hearing['id']}/transcript")
    assert transcript["draft"] is None
    assert [line["entry"]["text"] for line in transcript["lines"]] == [body["text"]]
    # a late save of the committed entry's draft is told so, and changes nothing
    status, error = await clerk.status("PUT", draft_path, body)
    assert status == 409 and error["error"]["code"] == "key_taken"


async def test_a_commit_sent_twice_is_one_entry(
    clerk: Caller, judge: Caller, database: Database
) -> None:
    hearing, _ = await live_hearing(judge, database)
    path = f"/hearings/{hearing['id']}/transcript/entries"
    body = entry()
    first = await clerk.call("POST", path, body, expect=201)
    assert await clerk.call("POST", path, body, expect=201) == first
    status, error = await clerk.status("POST", path, {**body, "text": "别的"})
    assert status == 409 and error["error"]["code"] == "key_taken"
    status, _ = await judge.status("POST", path, body)  # another writer's key
    assert status == 409
    lines = (await clerk.call("GET", f"/hearings/{hearing['id']}/transcript"))["lines"]
    assert len(lines) == 1


async def test_two_writers_never_overwrite_each_other(
    clerk: Caller, judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    hearing, party = await live_hearing(judge, database)
    second_clerk = await new_caller()
    await second_clerk.login("clerk")
    written = await clerk.call(
        "POST",
        f"/hearings/{hearing['id']}/transcript/entries",
        entry("原告：借款五万元"),
        expect=201,
    )
    # both read version 1; the judge corrects first
    corrected = await judge.call(
        "PATCH",
        f"/transcript-entries/{written['id']}",
        {"version": 1, "text": "原告：借款伍万元整", "speaker_id": party["id"]},
    )
    assert (corrected["version"], corrected["author"], corrected["speaker"]) == (2, "judge", "张三")
    status, error = await second_clerk.status(
        "PATCH",
        f"/transcript-entries/{written['id']}",
        {"version": 1, "text": "原告：借款 50000 元"},
    )
    assert status == 409 and error["error"]["code"] == "stale_version"
    current = error["error"]["details"][0]["current"]
    assert (current["version"], current["text"]) == (2, "原告：借款伍万元整")
    # merged into the current version, the correction goes through
    merged = await second_clerk.call(
        "PATCH",
        f"/transcript-entries/{written['id']}",
        {"version": 2, "text": "原告：借款伍万元整（50000 元）"},
    )
    assert merged["version"] == 3 and merged["speaker_id"] == party["id"]
    # the same correction again changes nothing
    assert (
        await second_clerk.status(
            "PATCH", f"/transcript-entries/{written['id']}", {"version": 3, "text": merged["text"]}
        )
    )[1] == merged
    history = await judge.call("GET", f"/transcript-entries/{written['id']}/revisions")
    assert [(r["version"], r["text"], r["author"]) for r in history["revisions"]] == [
        (1, "原告：借款五万元", "clerk"),
        (2, "原告：借款伍万元整", "judge"),
        (3, "原告：借款伍万元整（50000 元）", "clerk"),
    ]
    async with database.session() as db:
        actions = (
            await db.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.object_type == "transcript_entry")
                .order_by(AuditEntry.id)
            )
        ).all()
    assert actions == [
        "commit_transcript_entry",
        "correct_transcript_entry",
        "correct_transcript_entry",
    ]


async def test_writing_goes_on_after_the_close_but_not_before_the_opening(
    clerk: Caller, judge: Caller, database: Database
) -> None:
    hearing, _ = await live_hearing(judge, database, state="closed")
    path = f"/hearings/{hearing['id']}/transcript/entries"
    await clerk.call("POST", path, entry(), expect=201)
    planned = await schedule_hearing(judge, "(2026)A民初2号")
    status, error = await clerk.status(
        "POST", f"/hearings/{planned['id']}/transcript/entries", entry()
    )
    assert status == 403 and "scheduled" in error["error"]["message"]
    assert (await clerk.status("PUT", f"/hearings/{planned['id']}/transcript/draft", entry()))[
        0
    ] == 403
    # the record is read whatever the state
    assert (await clerk.call("GET", f"/hearings/{planned['id']}/transcript"))["lines"] == []


async def test_who_may_not_read_or_write_it(
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    admin: Caller,
    anon: Caller,
    new_caller: NewCaller,
    database: Database,
) -> None:
    hearing, party = await live_hearing(judge, database)
    path = f"/hearings/{hearing['id']}/transcript"
    written = await clerk.call("POST", f"{path}/entries", entry(), expect=201)
    entry_path = f"/transcript-entries/{written['id']}"
    invited = await holder(new_caller, party["token"])
    other, _ = await live_hearing(judge, database, number="(2026)A民初3号")
    stranger = await holder(new_caller, (await invite(judge, other["id"]))["invitation"]["token"])
    patch = {"version": 1, "text": "改"}
    for caller, expected in ((anon, 401), (invited, 403), (stranger, 403), (other_judge, 404)):
        assert (await caller.status("GET", path))[0] == expected
        assert (await caller.status("PUT", f"{path}/draft", entry()))[0] == expected
        assert (await caller.status("POST", f"{path}/entries", entry()))[0] == expected
        assert (await caller.status("PATCH", entry_path, patch))[0] == expected
        assert (await caller.status("GET", f"{entry_path}/revisions"))[0] == expected
    assert (await admin.status("GET", path))[0] == 403
    assert (await clerk.status("GET", "/hearings/999999/transcript"))[0] == 404
    assert (await clerk.status("PATCH", "/transcript-entries/999999", patch))[0] == 404
    assert (await clerk.status("DELETE", entry_path))[0] == 405
    # a draft is its writer's: it is no entry to correct
    draft = await clerk.call("PUT", f"{path}/draft", entry("未完"))
    assert (await judge.status("PATCH", f"/transcript-entries/{draft['id']}", patch))[0] == 404
    assert (await clerk.call("GET", path))["lines"][0]["entry"]["text"] == TEXT


async def test_malformed_and_oversized_entries_are_refused(
    clerk: Caller, judge: Caller, database: Database
) -> None:
    hearing, _ = await live_hearing(judge, database)
    _, someone_else = await live_hearing(judge, database, number="(2026)A民初3号")
    path = f"/hearings/{hearing['id']}/transcript/entries"
    naive = datetime.now().replace(tzinfo=None).isoformat()
    for body, field in (
        (entry("x" * 20_001), "text"),
        (entry(""), "text"),
        (entry("  \n "), "text"),
        (entry("bell\x07"), "text"),
        (entry(at=naive), "at"),
        (entry(at=moment(3600)), "at"),
        (entry(speaker_id=someone_else["id"]), "speaker_id"),
        (entry(speaker_id=0), "speaker_id"),
        (entry(key="not a key!"), "key"),
        (entry(key="k" * 65), "key"),
        ({**entry(), "extra": 1}, "extra"),
        ({"text": "no key"}, "key"),
    ):
        status, error = await clerk.status("POST", path, body)
        assert status == 422, (body, error)
        assert field in str(error["error"]["details"]), error
    assert (await clerk.status("POST", path, entry("a\x00b")))[0] == 400
    assert (await clerk.status("POST", path, [1]))[0] == 422
    response = await clerk.client.post(
        "/api/v1" + path,
        data=b'{"key": ',
        headers={"Content-Type": "application/json", "X-CSRF-Token": clerk.csrf or ""},
    )
    assert response.status == 400 and (await response.json())["error"]["code"] == "malformed_json"
    big = entry("字" * 200_000)
    assert (await clerk.status("POST", path, big))[0] == 413
    # a draft may be empty (the speaker picked, nothing typed yet), not oversized
    assert (await clerk.call("PUT", f"/hearings/{hearing['id']}/transcript/draft", entry("")))[
        "text"
    ] == ""
    assert (
        await clerk.status(
            "PUT", f"/hearings/{hearing['id']}/transcript/draft", entry("x" * 20_001)
        )
    )[0] == 422
    written = await clerk.call("POST", path, entry(), expect=201)
    for bad in ({"text": "no version"}, {"version": 0, "text": "x"}, {"version": 1, "text": ""}):
        assert (await clerk.status("PATCH", f"/transcript-entries/{written['id']}", bad))[0] == 422
    # the exact text of any script comes back as it went in
    assert (await clerk.call("GET", f"/hearings/{hearing['id']}/transcript"))["lines"][0]["entry"][
        "text"
    ] == TEXT


async def test_a_write_without_the_csrf_token_is_refused_before_the_body_is_read(
    clerk: Caller, judge: Caller, database: Database
) -> None:
    hearing, _ = await live_hearing(judge, database)
    response = await clerk.client.post(
        f"/api/v1/hearings/{hearing['id']}/transcript/entries",
        data=b"not json at all",
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 403 and (await response.json())["error"]["code"] == "csrf"


async def test_writers_committing_at_once_each_get_their_entry(
    clerk: Caller, judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    hearing, _ = await live_hearing(judge, database)
    path = f"/hearings/{hearing['id']}/transcript/entries"
    second_clerk = await new_caller()
    await second_clerk.login("clerk")
    writers = [judge, clerk, second_clerk] * 4
    bodies = [entry(f"第{n}条 entry {n}") for n in range(len(writers))]
    answers = await asyncio.gather(
        *(w.status("POST", path, b) for w, b in zip(writers, bodies, strict=True))
    )
    for writer, body, (status, answer) in zip(writers, bodies, answers, strict=True):
        if status == 409:  # lost the race for its number: sent again, as the client does
            assert answer["error"]["code"] == "conflict"
            status, answer = await writer.status("POST", path, body)
        assert status == 201, answer
    lines = (await judge.call("GET", f"/hearings/{hearing['id']}/transcript"))["lines"]
    assert sorted(line["entry"]["seq"] for line in lines) == list(range(1, len(writers) + 1))
    assert {line["entry"]["text"] for line in lines} == {b["text"] for b in bodies}


async def test_two_corrections_from_one_version_at_once_one_wins(
    clerk: Caller, judge: Caller, database: Database
) -> None:
    hearing, _ = await live_hearing(judge, database)
    written = await clerk.call(
        "POST", f"/hearings/{hearing['id']}/transcript/entries", entry("原文"), expect=201
    )
    path = f"/transcript-entries/{written['id']}"
    for round_ in range(1, 4):
        answers = await asyncio.gather(
            judge.status("PATCH", path, {"version": round_, "text": f"审判员改 {round_}"}),
            clerk.status("PATCH", path, {"version": round_, "text": f"书记员改 {round_}"}),
        )
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 409], answers
        loser = next(body for status, body in answers if status == 409)
        assert loser["error"]["code"] in ("stale_version", "conflict")
    history = await judge.call("GET", f"{path}/revisions")
    assert [r["version"] for r in history["revisions"]] == [1, 2, 3, 4]
