"""A staggered hearing turned live (docs/architecture.md#staggered-hearings), with a real
server, database and storage: the court turns it live before or after its start; its stages
close, nothing more is added to them, the staggered close is refused; the same hearing then
opens, runs and closes live with the parties' same invitations, and its live seal holds the
statements, the written turns and the questions, checked by `hearing-server verify`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import Hearing, HearingEvent, Recording
from hearing_server.db.staggered_rows import MissedDeadline, StageRow, StaggeredStart
from tests.callers import Caller, NewCaller, schedule_hearing
from tests.functional.test_staggered_seal import cli
from tests.integration.courtroom import session_cookie
from tests.sealed_recording import seal_at_close
from tests.signal_client import SignalClient
from tests.staggered import Staggered, add_stage, consent, make_video, soon, staggered, upload_video


def codes(answers: list[tuple[int, dict]]) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    return [(status, body["error"]["code"]) for status, body in answers]


async def run_live(server: TestServer, judge: Caller, h: Staggered) -> None:
    """The bench opens the room, a party joins with the invitation they had, the hearing is
    held and closed, as any live hearing."""
    url = str(server.make_url("")).rstrip("/")
    bench, party = SignalClient(url), SignalClient(url)
    assert h.plaintiff.invitation is not None
    try:
        await bench.connect(h.hearing_id, cookie=session_cookie(judge))
        for step in ("open", "start_session"):
            assert "error" not in await bench.call(step), step
        await party.connect(h.hearing_id, invitation=h.plaintiff.invitation)
        assert "error" not in await bench.call("close")
    finally:
        for client in (bench, party):
            await client.close()


async def test_turned_live_before_its_start_then_held_live(
    judge: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
    server: TestServer,
    database: Database,
) -> None:
    h = await staggered(judge, new_caller)
    both = [h.plaintiff_id, h.defendant_id]
    stage = await add_stage(judge, h.hearing_id, both)
    later = await add_stage(judge, h.hearing_id, both, kind="defence", opens_at=soon(days=1))
    live = f"/hearings/{h.hearing_id}/staggered/live"

    # a party, another court, another kind of hearing
    status, body = await h.plaintiff.status("POST", live)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert (await other_judge.status("POST", live))[0] == 404
    assert (await judge.status("POST", "/hearings/999999/staggered/live"))[0] == 404
    assert (await judge.status("POST", "/hearings/x/staggered/live"))[0] == 404
    trial = await schedule_hearing(judge, "(2026)A民初18号")
    assert codes([await judge.status("POST", f"/hearings/{trial['id']}/staggered/live")]) == [
        (409, "not_staggered")
    ]
    listing = await h.plaintiff.call("GET", f"/hearings/{h.hearing_id}/stages")
    assert listing["live_at"] is None

    turned = await judge.call("POST", live)
    assert set(turned) == {"live_at"}
    assert codes([await judge.status("POST", live)]) == [(409, "already_live")]

    async with database.session() as db:
        start = await db.get(StaggeredStart, h.hearing_id)
        stages = list(await db.scalars(select(StageRow).order_by(StageRow.seq)))
        missed = list(await db.scalars(select(MissedDeadline)))
        event = await db.scalar(
            select(HearingEvent).where(
                HearingEvent.hearing_id == h.hearing_id, HearingEvent.kind == "staggered_to_live"
            )
        )
    assert start is not None and start.live_at is not None
    assert start.started_at == start.live_at  # never started: it starts as it turns live
    assert [s.id for s in stages] == [stage["id"], later["id"]]
    assert all(s.closed_at == start.live_at for s in stages)
    assert {(m.stage_id, m.participant_id) for m in missed} == {
        (s, p) for s in (stage["id"], later["id"]) for p in both
    }
    assert event is not None and event.data == {"by": event.actor}

    listing = await h.plaintiff.call("GET", f"/hearings/{h.hearing_id}/stages")
    assert listing["live_at"] is not None
    assert [s["state"] for s in listing["items"]] == ["closed", "closed"]

    # nothing more in staggered form: a stage, the start, the staggered close
    new_stage = {
        "kind": "final_statement",
        "participant_ids": both,
        "deadline": soon(days=2),
        "visibility": "on_submit",
    }
    assert codes(
        [
            await judge.status("POST", f"/hearings/{h.hearing_id}/stages", new_stage),
            await judge.status("POST", f"/hearings/{h.hearing_id}/staggered/start"),
            await judge.status("POST", f"/stages/{stage['id']}/close"),
            await judge.status("POST", f"/hearings/{h.hearing_id}/staggered/close"),
        ]
    ) == [(409, "hearing_live")] * 3 + [(409, "already_live")]

    # the same hearing, held live with the same invitation
    await consent(h.plaintiff)
    await run_live(server, judge, h)
    async with database.session() as db:
        hearing = await db.get(Hearing, h.hearing_id)
    assert hearing is not None and hearing.state == "closed"
    assert (
        codes(
            [
                await judge.status("POST", live),
                await judge.status("POST", f"/hearings/{h.hearing_id}/staggered/close"),
            ]
        )
        == [(409, "already_closed")] * 2
    )


async def test_turned_live_after_its_start_and_the_live_seal_holds_the_statements(
    judge: Caller,
    new_caller: NewCaller,
    server: TestServer,
    database: Database,
    settings: Settings,
    tmp_path: Path,
) -> None:
    h = await staggered(judge, new_caller)
    both = [h.plaintiff_id, h.defendant_id]
    claims = await add_stage(judge, h.hearing_id, both)
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    video = make_video(tmp_path / "claims.webm")
    status, statement = await upload_video(h.plaintiff, claims["id"], video)
    assert status == 201, statement
    question = await judge.call(
        "POST",
        f"/stages/{claims['id']}/questions",
        {"participant_id": h.defendant_id, "text": "付款凭证在哪里？"},
        expect=201,
    )
    # an upload on its way when the court turns the hearing live
    pending = await h.defendant.call(
        "POST",
        f"/stages/{claims['id']}/turns",
        {"kind": "video", "media_type": "video/webm", "size": len(video)},
        expect=201,
    )
    text = await h.plaintiff.call(
        "POST",
        f"/stages/{claims['id']}/turns",
        {"kind": "text", "text": "补充：货款共计十二万元。", "corrects_id": statement["id"]},
        expect=201,
    )

    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/live")
    async with database.session() as db:
        missed = list(await db.scalars(select(MissedDeadline)))
    assert [(m.stage_id, m.participant_id) for m in missed] == [(claims["id"], h.defendant_id)]
    status, body = await h.defendant.status(
        "POST", f"/questions/{question['id']}/answer", {"text": "已提交。"}
    )
    chunk = await h.defendant.client.request(
        "PATCH",
        f"/api/v1/turn-uploads/{pending['upload_id']}",
        data=video[:600],
        headers={
            **h.defendant.credentials(),
            "Content-Type": "application/octet-stream",
            "Upload-Offset": "0",
        },
    )
    assert (status, body["error"]["code"], chunk.status) == (409, "hearing_live", 409)
    assert (
        codes(
            [
                await h.defendant.status(
                    "POST", f"/stages/{claims['id']}/turns", {"kind": "text", "text": "迟到的答辩"}
                ),
                await judge.status(
                    "POST",
                    f"/stages/{claims['id']}/questions",
                    {"participant_id": h.plaintiff_id, "text": "还有吗？"},
                ),
                await judge.status("PATCH", f"/stages/{claims['id']}", {"deadline": soon(days=5)}),
            ]
        )
        == [(409, "hearing_live")] * 3
    )
    # reading stays: the statement plays
    turns = await h.defendant.call("GET", f"/stages/{claims['id']}/turns")
    assert [t["id"] for t in turns["items"]] == [statement["id"], text["id"]]

    await run_live(server, judge, h)
    recording_id = await seal_at_close(database, settings, h.hearing_id)
    async with database.session() as db:
        recording = await db.get(Recording, recording_id)
    assert recording is not None and recording.manifest_path is not None
    manifest = json.loads((settings.recordings_dir / recording.manifest_path).read_bytes())
    entries = manifest["entries"]
    kinds = [e["data"].get("kind") if e["type"] == "file" else e["data"]["event"] for e in entries]
    digest = hashlib.sha256(video).hexdigest()
    [sealed] = [e["data"] for e in entries if e["type"] == "file"]
    assert (sealed["kind"], sealed["sha256"], sealed["speaker"], sealed["turn_id"]) == (
        "statement",
        digest,
        "原告甲",
        statement["id"],
    )
    assert kinds.index("staggered_to_live") < kinds.index("statement")
    assert kinds.index("statement") < kinds.index("text_turn") < kinds.index("question")
    assert kinds[-1] == "archive_pending"
    [written] = [
        e["data"] for e in entries if e["type"] == "event" and e["data"]["event"] == "text_turn"
    ]
    assert (written["text"], written["corrects"]) == ("补充：货款共计十二万元。", statement["id"])

    (tmp_path / "cli").mkdir()
    intact = cli(settings, tmp_path / "cli").run("verify", str(h.hearing_id))
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "1 video statement" in intact.stdout, intact.stdout
    (settings.recordings_dir / sealed["path"]).write_bytes(video[:-1] + b"\x00")
    changed = cli(settings, tmp_path / "cli").run("verify", str(h.hearing_id))
    assert changed.returncode == 1, changed.stdout


async def test_the_live_room_of_a_hearing_held_in_stages_opens_only_once_turned_live(
    judge: Caller, new_caller: NewCaller, server: TestServer, database: Database
) -> None:
    """Opened without being turned live, its live seal would leave the staggered part out."""
    h = await staggered(judge, new_caller)
    await add_stage(judge, h.hearing_id, [h.plaintiff_id, h.defendant_id])
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    url = str(server.make_url("")).rstrip("/")
    bench = SignalClient(url)
    try:
        await bench.connect(h.hearing_id, cookie=session_cookie(judge))
        refused = await bench.call("open")
        assert refused["error"]["code"] == "turn_live_first", refused
        async with database.session() as db:
            hearing = await db.get(Hearing, h.hearing_id)
            assert hearing is not None and hearing.state == "scheduled"
        # turned live while the room was loaded: the room opens now
        await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/live")
        assert await bench.call("open") == {"ok": True}
    finally:
        await bench.close()
