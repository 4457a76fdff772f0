"""A staggered hearing's sealed record (docs/architecture.md#staggered-hearings), with a real
server, database and storage: two parties submit real video statements and texts in two
stages, the court asks and one answers, the court closes; the record lists the statements in
submission order with their stage and speaker, the texts and the answer in full, the court's
recorded question as a file of its own; the archive video plays the statements and the question
in the order they were made, a chapter each; the recordings API and `hearing-server verify`
check it all, and a flipped byte of a statement is named."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import time
from pathlib import Path

import av
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import Hearing, HearingEvent, Recording
from hearing_server.db.staggered_rows import MissedDeadline, StageRow
from tests.callers import Caller, NewCaller, schedule_hearing
from tests.live_server import LiveServer
from tests.staggered import (
    add_stage,
    ask_recorded,
    consent,
    make_video,
    send,
    soon,
    staggered,
    upload_video,
)


def flip(path: Path, offset: int = 200) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


async def rendered(database: Database, recording_id: int) -> Recording:
    """The recording once its archive render ended (done or not), within a minute."""
    deadline = time.monotonic() + 60
    while True:
        async with database.session() as db:
            recording = await db.get(Recording, recording_id)
        assert recording is not None
        if recording.render_state not in (None, "rendering", "pending"):
            return recording
        assert time.monotonic() < deadline, "the archive was not rendered within a minute"
        await asyncio.sleep(0.2)


def cli(settings: Settings, tmp_path: Path) -> LiveServer:
    """`hearing-server` commands with the test server's settings (it is not started again)."""
    return LiveServer(
        tmp_path,
        database_url=settings.database_url,
        recordings_dir=str(settings.recordings_dir),
        signing_key_path=str(settings.signing_key_path),
    )


async def test_a_closed_staggered_hearing_is_sealed_with_its_statements(
    judge: Caller,
    new_caller: NewCaller,
    other_judge: Caller,
    database: Database,
    settings: Settings,
    tmp_path: Path,
) -> None:
    h = await staggered(judge, new_caller)
    both = [h.plaintiff_id, h.defendant_id]
    claims = await add_stage(judge, h.hearing_id, both)
    defence = await add_stage(judge, h.hearing_id, both, kind="defence", visibility="on_close")
    final = await add_stage(
        judge, h.hearing_id, [h.plaintiff_id], kind="final_statement", opens_at=soon(days=1)
    )
    close = f"/hearings/{h.hearing_id}/staggered/close"

    status, body = await judge.status("POST", close)
    assert (status, body["error"]["code"]) == (409, "not_started")
    await consent(h.plaintiff)
    await consent(h.defendant)
    started = await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")

    # the defendant's statement in the second stage comes first, then the plaintiff's
    second = make_video(tmp_path / "defence.webm", seconds=1.5)
    status, theirs = await upload_video(h.defendant, defence["id"], second)
    assert status == 201, theirs
    first = make_video(tmp_path / "claims.webm")
    status, mine = await upload_video(h.plaintiff, claims["id"], first)
    assert status == 201, mine
    claim_text = {"kind": "text", "text": "补充：货款共计十二万元。"}
    reply = await h.defendant.call(
        "POST",
        f"/stages/{claims['id']}/turns",
        {"kind": "text", "text": "被告认为货款已付清。"},
        expect=201,
    )
    answer = await h.plaintiff.call(
        "POST",
        f"/stages/{defence['id']}/turns",
        {"kind": "text", "text": "原告对答辩的意见：不同意。"},
        expect=201,
    )
    question = await judge.call(
        "POST",
        f"/stages/{claims['id']}/questions",
        {"participant_id": h.defendant_id, "text": "付款凭证在哪里？"},
        expect=201,
    )
    unanswered = await judge.call(
        "POST",
        f"/stages/{defence['id']}/questions",
        {"participant_id": h.plaintiff_id, "text": "是否同意调解？"},
        expect=201,
    )
    await h.defendant.call(
        "POST", f"/questions/{question['id']}/answer", {"text": "已提交为被告证据一。"}
    )
    asking = make_video(tmp_path / "question.webm", seconds=1.0)
    status, recorded = await ask_recorded(
        judge, defence["id"], h.defendant_id, "请说明付款方式。", asking
    )
    assert status == 201, recorded
    # an upload on its way when the court closes
    pending = await h.plaintiff.call(
        "POST",
        f"/stages/{defence['id']}/turns",
        {
            "kind": "video",
            "media_type": "video/webm",
            "size": len(first),
            "corrects_id": answer["id"],
        },
        expect=201,
    )

    # neither a party nor another court's judge closes it
    status, body = await h.plaintiff.status("POST", close)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert (await other_judge.status("POST", close))[0] == 404

    closed = await judge.call("POST", close)
    assert set(closed) == {"closed_at", "recording_id", "verification_code"}
    status, body = await judge.status("POST", close)
    assert (status, body["error"]["code"]) == (409, "already_closed")

    # nothing more is added: a turn, a chunk, an answer, a question, a stage
    refusals = [
        await h.plaintiff.status("POST", f"/stages/{claims['id']}/turns", claim_text),
        await h.plaintiff.status(
            "POST", f"/questions/{unanswered['id']}/answer", {"text": "同意。"}
        ),
        await judge.status(
            "POST",
            f"/stages/{claims['id']}/questions",
            {"participant_id": h.plaintiff_id, "text": "还有吗？"},
        ),
        await judge.status(
            "POST",
            f"/hearings/{h.hearing_id}/stages",
            {
                "kind": "final_statement",
                "participant_ids": both,
                "deadline": soon(days=2),
                "visibility": "on_submit",
            },
        ),
    ]
    assert [(s, b["error"]["code"]) for s, b in refusals] == [(409, "hearing_closed")] * 4
    status, body, _ = await send(h.plaintiff, pending["upload_id"], 0, first[:600])
    assert (status, body["error"]["code"]) == (409, "hearing_closed")

    recording = await rendered(database, closed["recording_id"])
    async with database.session() as db:
        hearing = await db.get(Hearing, h.hearing_id)
        stages = list(await db.scalars(select(StageRow).where(StageRow.hearing_id == h.hearing_id)))
        missed = list(await db.scalars(select(MissedDeadline)))
        events = list(
            await db.scalars(
                select(HearingEvent)
                .where(HearingEvent.hearing_id == h.hearing_id)
                .order_by(HearingEvent.at, HearingEvent.id)
            )
        )
    assert hearing is not None
    assert hearing.state == "closed"
    assert (
        recording.state,
        recording.manifest_path,
        recording.render_state,
        recording.archive_path,
    ) == (
        "sealed",
        f"hearing-{h.hearing_id}/manifest.json",
        "done",
        f"hearing-{h.hearing_id}/archive.mp4",
    )
    assert recording.started_at is not None and recording.started_at.isoformat().startswith(
        started["started_at"][:19]
    )
    assert all(s.closed_at is not None for s in stages)
    assert [(m.stage_id, m.participant_id) for m in missed] == [(final["id"], h.plaintiff_id)]
    kinds = [e.kind for e in events]
    assert kinds[-7:] == [
        "stage_closed",
        "stage_closed",
        "stage_closed",
        "deadline_missed",
        "state",
        "recording_sealed",
        "archive_rendered",
    ], kinds
    assert events[-2].data == {"verification_code": closed["verification_code"]}

    manifest = json.loads((settings.recordings_dir / str(recording.manifest_path)).read_bytes())
    assert manifest["verification_code"] == closed["verification_code"]
    entries = manifest["entries"]
    files = [e["data"] for e in entries if e["type"] == "file"]
    statements = [f for f in files if f["kind"] == "statement"]
    assert [(f["turn_id"], f["speaker"], f["stage_seq"], f["stage_label"]) for f in statements] == [
        (theirs["id"], "被告乙", 2, "答辩"),
        (mine["id"], "原告甲", 1, "起诉陈述"),
    ]
    digest = hashlib.sha256(second).hexdigest()
    assert statements[0] == {
        "path": f"hearing-{h.hearing_id}/statements/{digest}.webm",
        "sha256": digest,
        "bytes": len(second),
        "kind": "statement",
        "turn_id": theirs["id"],
        "stage_seq": 2,
        "stage_kind": "defence",
        "stage_label": "答辩",
        "speaker": "被告乙",
        "role": "party",
        "side": statements[0]["side"],
        "submitted_at": statements[0]["submitted_at"],
        "corrects": None,
        "media_type": "video/webm",
        "duration_s": theirs["duration_s"],
    }
    events_sealed = [e["data"] for e in entries if e["type"] == "event"]
    kinds_sealed = [e["event"] for e in events_sealed]
    assert "recording_sealed" not in kinds_sealed and kinds_sealed[-1] == "archive_pending"
    assert kinds_sealed.index("state") < kinds_sealed.index("text_turn")
    texts = [e for e in events_sealed if e["event"] == "text_turn"]
    assert [(t["turn_id"], t["speaker"], t["text"]) for t in texts] == [
        (reply["id"], "被告乙", "被告认为货款已付清。"),
        (answer["id"], "原告甲", "原告对答辩的意见：不同意。"),
    ]
    asked = [e for e in events_sealed if e["event"] == "question"]
    assert [(q["question_id"], q["to"], q["text"], q["answer"]) for q in asked] == [
        (question["id"], "被告乙", "付款凭证在哪里？", "已提交为被告证据一。"),
        (unanswered["id"], "原告甲", "是否同意调解？", None),
        (recorded["id"], "被告乙", "请说明付款方式。", None),
    ]
    [asked_file] = [f for f in files if f["kind"] == "question_video"]
    assert (asked_file["question_id"], asked_file["to"], asked_file["sha256"]) == (
        recorded["id"],
        "被告乙",
        hashlib.sha256(asking).hexdigest(),
    )

    # the archive: the statements and the question in the order they were made, a chapter each
    archive = settings.recordings_dir / str(recording.archive_path)
    with av.open(str(archive)) as container:
        chapters = [str(c["metadata"].get("title")) for c in container.chapters()]
        length = float(container.duration or 0) / av.time_base
    assert chapters == ["答辩 被告乙", "起诉陈述 原告甲", "答辩 法庭提问 → 被告乙"], chapters
    assert length > 1.5 + 1.0 + 1.0
    assert recording.archive_sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()

    # the recordings API shows and checks it
    detail = await judge.call("GET", f"/recordings/{recording.id}")
    assert detail["id"] == recording.id
    checked = await judge.call("GET", f"/recordings/{recording.id}/verify")
    assert checked["ok"] and checked["files"] == 4, checked
    found = await judge.call("GET", "/recordings?case_number=A%E6%B0%91%E5%88%9D17")
    assert recording.id in [r["id"] for r in found["items"]], found

    # the command line: intact, then one statement's byte flipped
    (tmp_path / "cli").mkdir()
    command = cli(settings, tmp_path / "cli")
    intact = command.run("verify", str(h.hearing_id))
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "OK: 4 files intact (2 video statements, 1 recorded question)" in intact.stdout
    copy = tmp_path / "copied"
    shutil.copytree(settings.recordings_dir / f"hearing-{h.hearing_id}", copy)
    beside = command.run("verify", str(copy / "manifest.json"))
    assert beside.returncode == 0 and "OK: 4 files intact" in beside.stdout, beside.stdout
    flip(settings.recordings_dir / statements[1]["path"])
    changed = command.run("verify", str(h.hearing_id))
    assert changed.returncode == 1, changed.stdout
    assert (
        f"CHANGED file_changed: {statements[1]['path']} (video statement of 原告甲, stage 1 "
        "起诉陈述)" in changed.stdout
    ), changed.stdout
    assert changed.stdout.count("CHANGED") == 1
    flip(copy / "statements" / Path(statements[0]["path"]).name)
    copied = command.run("verify", str(copy / "manifest.json"))
    assert copied.returncode == 1 and "video statement of 被告乙, stage 2 答辩" in copied.stdout
    checked = await judge.call("GET", f"/recordings/{recording.id}/verify")
    assert not checked["ok"] and "原告甲" in checked["problems"][0]["subject"]


async def test_another_kind_is_not_closed_here_and_an_empty_record_still_seals(
    judge: Caller, new_caller: NewCaller
) -> None:
    trial = await schedule_hearing(judge, "(2026)A民初18号")
    status, body = await judge.status("POST", f"/hearings/{trial['id']}/staggered/close")
    assert (status, body["error"]["code"]) == (409, "not_staggered")
    status, body = await judge.status("POST", "/hearings/999999/staggered/close")
    assert status == 404

    h = await staggered(judge, new_caller, "(2026)A民初19号")
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    closed = await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/close")
    checked = await judge.call("GET", f"/recordings/{closed['recording_id']}/verify")
    assert checked["ok"] and checked["files"] == 0, checked
    assert checked["verification_code"] == closed["verification_code"]
    stages = await h.plaintiff.call("GET", f"/hearings/{h.hearing_id}/stages")
    assert stages["items"] == []
