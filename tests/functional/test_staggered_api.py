"""A staggered hearing over REST (docs/architecture.md#staggered-hearings), with a real server
and database: the court sets stages, starts once everyone consented, the parties submit a text
and a real video statement in chunks, the court asks and a party answers, extends and closes;
each party sees the other's turn only when the stage's visibility rule allows; the timeline
records every step."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.callers import Caller, NewCaller
from tests.staggered import add_stage, consent, make_video, soon, staggered, upload_video


async def test_a_staggered_hearing_from_stages_to_close(
    judge: Caller, new_caller: NewCaller, database: Database, tmp_path: Path
) -> None:
    h = await staggered(judge, new_caller)
    both = [h.plaintiff_id, h.defendant_id]
    claims = await add_stage(judge, h.hearing_id, both, title="起诉与答辩")
    assert (claims["seq"], claims["state"], claims["mine"], claims["extensions"]) == (
        1,
        "open",
        None,
        [],
    )
    later = await add_stage(
        judge, h.hearing_id, [h.defendant_id], kind="defence", opens_at=soon(days=1)
    )
    assert later["state"] == "pending"

    # no turn before the start; no start before everyone's consent
    text = {"kind": "text", "text": "我方请求判令被告支付货款。"}
    status, body = await h.plaintiff.status("POST", f"/stages/{claims['id']}/turns", text)
    assert (status, body["error"]["code"]) == (409, "not_started")
    await consent(h.plaintiff)
    status, body = await judge.status("POST", f"/hearings/{h.hearing_id}/staggered/start")
    assert (status, body["error"]["code"]) == (409, "consent_missing")
    assert body["error"]["details"] == [{"participant_id": h.defendant_id, "name": "被告乙"}]
    await consent(h.defendant)
    started = await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    assert started["started_at"]
    status, body = await judge.status("POST", f"/hearings/{h.hearing_id}/staggered/start")
    assert (status, body["error"]["code"]) == (409, "already_started")

    turn = await h.plaintiff.call("POST", f"/stages/{claims['id']}/turns", text, expect=201)
    assert (turn["kind"], turn["name"], turn["role"], turn["media_url"]) == (
        "text",
        "原告甲",
        "party",
        None,
    )
    assert turn["sha256"] == hashlib.sha256(text["text"].encode()).hexdigest()

    video = make_video(tmp_path / "statement.webm")
    status, statement = await upload_video(h.defendant, claims["id"], video)
    assert status == 201, statement
    assert statement["kind"] == "video" and statement["media_type"] == "video/webm"
    assert statement["sha256"] == hashlib.sha256(video).hexdigest()
    assert statement["size"] == len(video) and 0.9 < statement["duration_s"] < 1.2

    # on_submit: each sees the other's turn at once; the media plays with byte ranges
    seen = await h.plaintiff.call("GET", f"/stages/{claims['id']}/turns")
    assert [t["id"] for t in seen["items"]] == [turn["id"], statement["id"]]
    media = await h.plaintiff.client.get(
        statement["media_url"], headers={"Authorization": f"Invitation {h.plaintiff.invitation}"}
    )
    assert media.status == 200 and await media.read() == video
    part = await judge.client.get(statement["media_url"], headers={"Range": "bytes=0-99"})
    assert part.status == 206 and await part.read() == video[:100]

    mine = (await h.plaintiff.call("GET", f"/hearings/{h.hearing_id}/stages"))["items"]
    assert [s["mine"] for s in mine] == [
        {"listed": True, "submitted": True, "missed": False},
        {"listed": False, "submitted": False, "missed": False},
    ]

    question = await judge.call(
        "POST",
        f"/stages/{claims['id']}/questions",
        {"participant_id": h.defendant_id, "text": "货物何时交付？"},
        expect=201,
    )
    assert question["answer"] is None
    assert (await h.plaintiff.call("GET", f"/stages/{claims['id']}/questions"))["items"] == []
    answered = await h.defendant.call(
        "POST", f"/questions/{question['id']}/answer", {"text": "三月一日。"}
    )
    assert answered["answer"]["text"] == "三月一日。"
    status, body = await h.defendant.status(
        "POST", f"/questions/{question['id']}/answer", {"text": "再答"}
    )
    assert (status, body["error"]["code"]) == (409, "already_answered")

    extended = await judge.call("PATCH", f"/stages/{claims['id']}", {"deadline": soon(days=5)})
    assert len(extended["extensions"]) == 1
    closed = await judge.call("POST", f"/stages/{claims['id']}/close")
    assert closed["state"] == "closed" and closed["closed_at"]
    status, body = await h.plaintiff.status(
        "POST", f"/stages/{claims['id']}/turns", {**text, "corrects_id": turn["id"]}
    )
    assert (status, body["error"]["code"]) == (409, "stage_closed")

    async with database.session() as db:
        kinds = list(
            await db.scalars(
                select(HearingEvent.kind)
                .where(HearingEvent.hearing_id == h.hearing_id)
                .order_by(HearingEvent.id)
            )
        )
    staggered_kinds = [
        k for k in kinds if k not in ("scheduled", "online_consent", "participant_added")
    ]
    assert staggered_kinds == [
        "stage_added",
        "stage_added",
        "staggered_started",
        "turn_submitted",
        "turn_submitted",
        "question_asked",
        "question_answered",
        "stage_extended",
        "stage_closed",
    ], kinds


async def test_on_close_turns_are_revealed_only_once_the_stage_closes(
    judge: Caller, new_caller: NewCaller
) -> None:
    h = await staggered(judge, new_caller)
    stage = await add_stage(
        judge, h.hearing_id, [h.plaintiff_id, h.defendant_id], visibility="on_close"
    )
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    mine = await h.plaintiff.call(
        "POST", f"/stages/{stage['id']}/turns", {"kind": "text", "text": "原告陈述"}, expect=201
    )
    path = f"/stages/{stage['id']}/turns"
    assert (await h.defendant.call("GET", path))["items"] == []
    assert [t["id"] for t in (await h.plaintiff.call("GET", path))["items"]] == [mine["id"]]
    assert [t["id"] for t in (await judge.call("GET", path))["items"]] == [mine["id"]]
    theirs = await h.defendant.call("POST", path, {"kind": "text", "text": "被告陈述"}, expect=201)
    assert [t["id"] for t in (await h.plaintiff.call("GET", path))["items"]] == [mine["id"]]
    await judge.call("POST", f"/stages/{stage['id']}/close")
    for party in (h.plaintiff, h.defendant):
        listed = (await party.call("GET", path))["items"]
        assert [t["id"] for t in listed] == [mine["id"], theirs["id"]]
