"""The court's recorded question in a staggered hearing (docs/architecture.md#staggered-hearings),
over REST with a real server, database and storage: the bench records a question, its file
arrives in chunks and is kept byte for byte under its SHA-256; the participant asked plays it
and answers in words; nobody else sees it. And the refusals: a party starting one, the wrong
offset, too many bytes, a file that is no video, a closed stage, someone else's upload, an
expired one. Never a 500."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, HearingEvent, utcnow
from hearing_server.db.staggered_rows import QuestionUpload
from tests.callers import Caller, NewCaller
from tests.staggered import (
    Staggered,
    add_stage,
    ask_recorded,
    consent,
    make_video,
    send,
    send_all,
    staggered,
)

UPLOADS = "question-uploads"


async def started(judge: Caller, new_caller: NewCaller) -> tuple[Staggered, int]:
    h = await staggered(judge, new_caller)
    await consent(h.plaintiff)
    await consent(h.defendant)
    one = await add_stage(judge, h.hearing_id, [h.plaintiff_id, h.defendant_id])
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    return h, one["id"]


def start_body(participant_id: int, size: int, **video: object) -> dict[str, object]:
    return {
        "participant_id": participant_id,
        "text": "请说明货物交付的时间和地点。",
        "video": {"media_type": "video/webm", "size": size, **video},
    }


async def test_a_recorded_question_is_kept_played_to_whom_it_asks_and_answered(
    judge: Caller,
    clerk: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    tmp_path: Path,
) -> None:
    h, stage_id = await started(judge, new_caller)
    video = make_video(tmp_path / "question.webm", live=True)
    path = f"/stages/{stage_id}/questions"
    upload = await clerk.call("POST", path, start_body(h.defendant_id, len(video)), expect=201)
    # nothing is asked before its file arrived
    assert (await judge.call("GET", path))["items"] == []
    status, _, headers = await send(clerk, upload["upload_id"], 0, video[:700], uploads=UPLOADS)
    assert (status, headers["Upload-Offset"]) == (204, "700")
    assert (await h.defendant.call("GET", path))["items"] == []
    status, asked, _ = await send(clerk, upload["upload_id"], 700, video[700:], uploads=UPLOADS)
    assert status == 201, asked
    sha256 = hashlib.sha256(video).hexdigest()
    assert (asked["text"], asked["participant_id"], asked["answer"]) == (
        "请说明货物交付的时间和地点。",
        h.defendant_id,
        None,
    )
    assert (asked["sha256"], asked["media_type"]) == (sha256, "video/webm")
    assert asked["media_url"] == f"/api/v1/questions/{asked['id']}/media"
    assert 0.9 < asked["duration_s"] < 1.2
    assert asked["asked_by"].startswith("user:") and "clerk" in asked["asked_by"]
    stored = settings.recordings_dir / f"hearing-{h.hearing_id}" / "questions" / f"{sha256}.webm"
    assert stored.read_bytes() == video
    status, _, headers = await send(clerk, upload["upload_id"], None, b"", "HEAD", UPLOADS)
    assert (status, headers["Upload-Offset"]) == (204, str(len(video)))
    status, body, _ = await send(clerk, upload["upload_id"], len(video), b"", uploads=UPLOADS)
    assert (status, body["error"]["code"]) == (409, "upload_finished")

    # the participant asked sees and plays it; the other party neither
    mine = (await h.defendant.call("GET", path))["items"]
    assert [(q["id"], q["sha256"], q["media_url"]) for q in mine] == [
        (asked["id"], sha256, asked["media_url"])
    ]
    played = await h.defendant.client.get(asked["media_url"], headers=h.defendant.credentials())
    assert played.status == 200 and await played.read() == video
    assert played.headers["Content-Type"] == "video/webm"
    assert played.headers["ETag"] == f'"{sha256}"'
    part = await judge.client.get(asked["media_url"], headers={"Range": "bytes=100-199"})
    assert part.status == 206 and await part.read() == video[100:200]
    assert (await h.plaintiff.call("GET", path))["items"] == []
    hidden = await h.plaintiff.client.get(asked["media_url"], headers=h.plaintiff.credentials())
    assert hidden.status == 404

    answered = await h.defendant.call(
        "POST", f"/questions/{asked['id']}/answer", {"text": "三月一日，在买方仓库。"}
    )
    assert answered["answer"]["text"] == "三月一日，在买方仓库。"
    assert answered["sha256"] == sha256

    # a written question has no file
    written = await judge.call(
        "POST", path, {"participant_id": h.plaintiff_id, "text": "合同何时签订？"}, expect=201
    )
    assert (written["media_url"], written["media_type"], written["duration_s"]) == (
        None,
        None,
        None,
    )
    assert written["sha256"] is None
    missing = await h.plaintiff.client.get(
        f"/api/v1/questions/{written['id']}/media", headers=h.plaintiff.credentials()
    )
    assert missing.status == 404

    async with database.session() as db:
        asked_events = list(
            await db.scalars(
                select(HearingEvent.data)
                .where(
                    HearingEvent.hearing_id == h.hearing_id,
                    HearingEvent.kind == "question_asked",
                )
                .order_by(HearingEvent.id)
            )
        )
        views = list(
            await db.scalars(
                select(AuditEntry.detail).where(
                    AuditEntry.action == "view_question", AuditEntry.object_id == str(asked["id"])
                )
            )
        )
    assert [(e or {}).get("sha256") for e in asked_events] == [sha256, None]
    assert (asked_events[0] or {})["size"] == len(video)
    assert sorted((v or {})["range"] for v in views) == sorted(
        [f"bytes 0-{len(video) - 1}/{len(video)}", f"bytes 100-199/{len(video)}"]
    )


async def test_refusals_of_a_recorded_question(
    judge: Caller,
    clerk: Caller,
    new_caller: NewCaller,
    database: Database,
    tmp_path: Path,
) -> None:
    h, stage_id = await started(judge, new_caller)
    video = make_video(tmp_path / "q.webm")
    path = f"/stages/{stage_id}/questions"
    body = start_body(h.defendant_id, len(video))

    # a party asks no question, recorded or not
    status, answer = await h.plaintiff.status("POST", path, body)
    assert status == 403, answer
    # malformed starts
    for bad in (
        start_body(h.defendant_id, len(video), media_type="video/avi"),
        start_body(h.defendant_id, 0),
        start_body(h.defendant_id, 500 * 2**20 + 1),
        start_body(h.defendant_id, len(video), extra=1),
        {**body, "text": ""},
        {**body, "video": "yes"},
    ):
        status, answer = await judge.status("POST", path, bad)
        assert status == 422, (bad, answer)
    status, answer = await judge.status("POST", path, {**body, "participant_id": 999999})
    assert (status, answer["error"]["code"]) == (422, "not_in_stage")

    upload = await judge.call("POST", path, body, expect=201)
    uid = upload["upload_id"]
    status, _, headers = await send(judge, uid, 0, video[:500], uploads=UPLOADS)
    assert (status, headers["Upload-Offset"]) == (204, "500")
    status, answer, headers = await send(judge, uid, 100, video[100:200], uploads=UPLOADS)
    assert (status, answer["error"]["code"], headers["Upload-Offset"]) == (
        409,
        "wrong_offset",
        "500",
    )
    assert answer["error"]["details"] == [{"offset": 500}]
    # only the staff member who started it continues it, or asks where it stands
    for other in (clerk, h.defendant, h.plaintiff):
        assert (await send(other, uid, 500, video[500:], uploads=UPLOADS))[0] == 404
        assert (await send(other, uid, None, b"", "HEAD", UPLOADS))[0] == 404
    status, answer, _ = await send(judge, uid, 500, video[500:] + b"extra", uploads=UPLOADS)
    assert (status, answer["error"]["code"]) == (413, "past_declared_size")
    status, _, headers = await send(judge, uid, None, b"", "HEAD", UPLOADS)
    assert (status, headers["Upload-Offset"]) == (204, "500")  # what went past was cut back
    status, _, _ = await send(judge, uid, "x", video[500:], uploads=UPLOADS)  # type: ignore[arg-type]
    assert status == 400
    status, asked, _ = await send(judge, uid, 500, video[500:], uploads=UPLOADS)
    assert status == 201 and asked["sha256"] == hashlib.sha256(video).hexdigest()

    # not a video: refused, the upload gone, nothing asked
    junk = b"%PDF-1.4 not a question" * 10
    upload = await judge.call("POST", path, start_body(h.plaintiff_id, len(junk)), expect=201)
    status, answer, _ = await send(judge, upload["upload_id"], 0, junk, uploads=UPLOADS)
    assert (status, answer["error"]["code"]) == (422, "bad_media"), answer
    assert (await send(judge, upload["upload_id"], None, b"", "HEAD", UPLOADS))[0] == 404
    silent = make_video(tmp_path / "silent.webm", sound=False)
    upload = await judge.call("POST", path, start_body(h.plaintiff_id, len(silent)), expect=201)
    status, answer = await send_all(judge, upload["upload_id"], silent, uploads=UPLOADS)
    assert (status, answer["error"]["code"]) == (422, "bad_media"), answer
    listed = (await judge.call("GET", path))["items"]
    assert [q["participant_id"] for q in listed] == [h.defendant_id]

    # an expired upload goes with its bytes
    upload = await judge.call("POST", path, body, expect=201)
    await send(judge, upload["upload_id"], 0, video[:300], uploads=UPLOADS)
    async with database.session() as db:
        await db.execute(
            update(QuestionUpload)
            .where(QuestionUpload.id == upload["upload_id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        await db.commit()
    status, answer, _ = await send(judge, upload["upload_id"], 300, video[300:], uploads=UPLOADS)
    assert (status, answer["error"]["code"]) == (404, "upload_expired")
    assert (await send(judge, upload["upload_id"], None, b"", "HEAD", UPLOADS))[0] == 404

    # a stage closed while the file arrives: refused, the upload gone; a closed stage takes none
    upload = await judge.call("POST", path, body, expect=201)
    await send(judge, upload["upload_id"], 0, video[:300], uploads=UPLOADS)
    await judge.call("POST", f"/stages/{stage_id}/close")
    status, answer, _ = await send(judge, upload["upload_id"], 300, video[300:], uploads=UPLOADS)
    assert (status, answer["error"]["code"]) == (409, "stage_closed")
    assert (await send(judge, upload["upload_id"], None, b"", "HEAD", UPLOADS))[0] == 404
    status, answer = await judge.status("POST", path, body)
    assert (status, answer["error"]["code"]) == (409, "stage_closed")
    assert len((await judge.call("GET", path))["items"]) == 1

    assert (await judge.client.get("/api/v1/questions/999999/media")).status == 404
    assert (await send(judge, 999999, 0, b"x", uploads=UPLOADS))[0] == 404


async def test_another_court_neither_asks_nor_plays(
    judge: Caller, other_judge: Caller, new_caller: NewCaller, tmp_path: Path
) -> None:
    h, stage_id = await started(judge, new_caller)
    video = make_video(tmp_path / "q.webm")
    status, asked = await ask_recorded(judge, stage_id, h.plaintiff_id, "问", video)
    assert status == 201, asked
    status, _ = await other_judge.status(
        "POST", f"/stages/{stage_id}/questions", start_body(h.plaintiff_id, len(video))
    )
    assert status == 404
    played = await other_judge.client.get(asked["media_url"])
    assert played.status == 404
