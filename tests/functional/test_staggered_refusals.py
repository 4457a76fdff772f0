"""A staggered hearing's refusals over REST (docs/architecture.md#staggered-hearings): the wrong
person, out of the stage, after its deadline, twice, correcting another's turn, malformed and
oversized bodies, chunks at the wrong offset, a file that is no statement; and the deadline
sweep, which closes the stage and records who missed it, once. Never a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from hearing_server.db.staggered_rows import StageRow
from hearing_server.stage_deadlines import StageDeadlines
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.staggered import (
    Staggered,
    add_stage,
    consent,
    make_video,
    send,
    soon,
    staggered,
    upload_video,
)

TEXT = {"kind": "text", "text": "陈述"}


async def started(judge: Caller, new_caller: NewCaller, **stage: object) -> tuple[Staggered, int]:
    h = await staggered(judge, new_caller)
    await consent(h.plaintiff)
    await consent(h.defendant)
    one = await add_stage(judge, h.hearing_id, [h.plaintiff_id, h.defendant_id], **stage)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")
    return h, one["id"]


async def set_deadline(database: Database, stage_id: int, deadline: datetime) -> None:
    async with database.session() as db:
        await db.execute(update(StageRow).where(StageRow.id == stage_id).values(deadline=deadline))
        await db.commit()


async def test_only_those_listed_and_only_their_own(
    judge: Caller, new_caller: NewCaller, world: World, other_judge: Caller
) -> None:
    h, stage_id = await started(judge, new_caller)
    path = f"/stages/{stage_id}/turns"
    outsider = await invite(judge, h.hearing_id, role="agent", name="代理人丙")
    agent = await holder(new_caller, outsider["invitation"]["token"])
    status, body = await agent.status("POST", path, TEXT)
    assert (status, body["error"]["code"]) == (403, "not_in_stage")
    elsewhere = await schedule_hearing(judge, "(2026)A民初99号", kind="async_hearing")
    stranger = await invite(judge, elsewhere["id"], role="party", name="他案当事人")
    other = await holder(new_caller, stranger["invitation"]["token"])
    assert (await other.status("POST", path, TEXT))[0] == 403
    assert (await other.status("GET", path))[0] == 403
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    assert (await terminal.status("POST", path, TEXT))[0] == 403
    assert (await terminal.status("GET", f"/hearings/{h.hearing_id}/stages"))[0] == 403
    # the bench manages, the parties do not; a judge of another court does not see it
    assert (await judge.status("POST", path, TEXT))[0] == 403
    status, _ = await h.plaintiff.status(
        "POST",
        f"/hearings/{h.hearing_id}/stages",
        {
            "kind": "defence",
            "participant_ids": [h.plaintiff_id],
            "deadline": soon(days=1),
            "visibility": "on_submit",
        },
    )
    assert status == 403
    assert (await h.plaintiff.status("POST", f"/stages/{stage_id}/close"))[0] == 403
    assert (await other_judge.status("GET", f"/hearings/{h.hearing_id}/stages"))[0] == 404
    assert (await other_judge.status("POST", f"/stages/{stage_id}/close"))[0] == 404

    first = await h.plaintiff.call("POST", path, TEXT, expect=201)
    status, body = await h.plaintiff.status("POST", path, TEXT)
    assert (status, body["error"]["code"]) == (409, "already_submitted")
    theirs = await h.defendant.call("POST", path, TEXT, expect=201)
    status, body = await h.plaintiff.status("POST", path, {**TEXT, "corrects_id": theirs["id"]})
    assert (status, body["error"]["code"]) == (403, "not_yours")
    fixed = await h.plaintiff.call(
        "POST", path, {**TEXT, "text": "更正", "corrects_id": first["id"]}, expect=201
    )
    assert fixed["corrects_id"] == first["id"]
    status, body = await h.plaintiff.status("POST", path, {**TEXT, "corrects_id": first["id"]})
    assert (status, body["error"]["code"]) == (409, "already_corrected")
    status, body = await h.plaintiff.status("POST", path, {**TEXT, "corrects_id": 999999})
    assert status == 404

    question = {"participant_id": h.defendant_id, "text": "问"}
    asked = await judge.call("POST", f"/stages/{stage_id}/questions", question, expect=201)
    status, _ = await h.plaintiff.status("POST", f"/questions/{asked['id']}/answer", {"text": "答"})
    assert status == 404
    outsider_q = {"participant_id": outsider["participant"]["id"], "text": "问"}
    status, body = await judge.status("POST", f"/stages/{stage_id}/questions", outsider_q)
    assert (status, body["error"]["code"]) == (422, "not_in_stage")


async def test_out_of_the_stage_and_after_its_deadline(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    h, stage_id = await started(judge, new_caller)
    later = await add_stage(
        judge, h.hearing_id, [h.plaintiff_id], opens_at=soon(days=1), deadline=soon(days=2)
    )
    status, body = await h.plaintiff.status("POST", f"/stages/{later['id']}/turns", TEXT)
    assert (status, body["error"]["code"]) == (409, "stage_not_open")

    await set_deadline(database, stage_id, datetime(2026, 3, 1, 8, 30, tzinfo=UTC))
    status, body = await h.plaintiff.status("POST", f"/stages/{stage_id}/turns", TEXT)
    assert (status, body["error"]["code"]) == (409, "deadline_passed")
    assert "01 March 2026 at 16:30 (Asia/Shanghai time)" in body["error"]["message"]

    # the sweep closes it on its deadline, records who missed it, once
    sweep = StageDeadlines(database)
    assert await sweep.sweep() == [stage_id]
    assert await sweep.sweep() == []
    stages = (await h.plaintiff.call("GET", f"/hearings/{h.hearing_id}/stages"))["items"]
    assert stages[0]["state"] == "closed" and stages[0]["mine"]["missed"] is True
    async with database.session() as db:
        missed = list(
            await db.scalars(
                select(HearingEvent.data).where(
                    HearingEvent.hearing_id == h.hearing_id, HearingEvent.kind == "deadline_missed"
                )
            )
        )
    assert sorted(m["participant_id"] for m in missed if m) == sorted(
        [h.plaintiff_id, h.defendant_id]
    )

    # the court extends after the fact (to a time still to come): the stage reopens, on the
    # record, and the sweep records nobody twice
    status, body = await judge.status(
        "PATCH", f"/stages/{stage_id}", {"deadline": "2026-03-02T08:30:00+00:00"}
    )
    assert (status, body["error"]["code"]) == (422, "not_later")
    reopened = await judge.call("PATCH", f"/stages/{stage_id}", {"deadline": soon(days=1)})
    assert reopened["state"] == "open" and len(reopened["extensions"]) == 1
    await h.plaintiff.call("POST", f"/stages/{stage_id}/turns", TEXT, expect=201)
    status, body = await judge.status("PATCH", f"/stages/{stage_id}", {"deadline": soon(hours=1)})
    assert (status, body["error"]["code"]) == (422, "not_later")
    await judge.call("POST", f"/stages/{stage_id}/close")
    status, body = await judge.status("POST", f"/stages/{stage_id}/close")
    assert (status, body["error"]["code"]) == (409, "stage_closed")
    status, body = await judge.status("PATCH", f"/stages/{stage_id}", {"deadline": soon(days=9)})
    assert (status, body["error"]["code"]) == (409, "stage_closed")


async def test_malformed_requests(judge: Caller, new_caller: NewCaller) -> None:
    h, stage_id = await started(judge, new_caller)
    path = f"/stages/{stage_id}/turns"
    bad_turns: list[object] = [
        {"kind": "text", "text": ""},
        {"kind": "text", "text": "x" * 20001},
        {"kind": "text"},
        {"kind": "audio", "text": "x"},
        {"kind": "text", "text": "x", "extra": 1},
        {"kind": "video", "media_type": "video/avi", "size": 10},
        {"kind": "video", "media_type": "video/webm", "size": 0},
        {"kind": "video", "media_type": "video/webm", "size": 500 * 2**20 + 1},
        {"kind": "text", "text": "x", "corrects_id": 0},
        [],
        "text",
    ]
    for body in bad_turns:
        status, answer = await h.plaintiff.status("POST", path, body)
        assert status == 422, (body, answer)
    status, _ = await h.plaintiff.status("POST", path, None)
    assert 400 <= status < 500
    stages = f"/hearings/{h.hearing_id}/stages"
    good: dict[str, object] = {
        "kind": "defence",
        "participant_ids": [h.defendant_id],
        "deadline": soon(days=1),
        "visibility": "on_close",
    }
    for stage_body, code in (
        ({**good, "participant_ids": []}, "invalid_request"),
        ({**good, "participant_ids": [h.defendant_id, h.defendant_id]}, "invalid_request"),
        ({**good, "participant_ids": [999999]}, "not_listable"),
        ({**good, "deadline": soon(days=-1)}, "bad_window"),
        ({**good, "deadline": soon(days=91)}, "bad_window"),
        ({**good, "deadline": "2026-12-01T10:00:00"}, "invalid_request"),
        ({**good, "visibility": "never"}, "invalid_request"),
        ({**good, "kind": "party"}, "invalid_request"),
    ):
        status, answer = await judge.status("POST", stages, stage_body)
        assert (status, answer["error"]["code"]) == (422, code), (stage_body, answer)
    civil = await schedule_hearing(judge, "(2026)A民初5号")
    status, answer = await judge.status("POST", f"/hearings/{civil['id']}/stages", good)
    assert (status, answer["error"]["code"]) == (409, "not_staggered")


async def test_chunks_offsets_and_files_that_are_no_statement(
    judge: Caller, new_caller: NewCaller, tmp_path: Path
) -> None:
    h, stage_id = await started(judge, new_caller)
    video = make_video(tmp_path / "a.webm")
    start = {"kind": "video", "media_type": "video/webm", "size": len(video)}
    upload = await h.plaintiff.call("POST", f"/stages/{stage_id}/turns", start, expect=201)
    uid = upload["upload_id"]
    status, _, headers = await send(h.plaintiff, uid, 0, video[:500])
    assert (status, headers["Upload-Offset"]) == (204, "500")
    status, body, headers = await send(h.plaintiff, uid, 100, video[100:200])
    assert (status, body["error"]["code"], headers["Upload-Offset"]) == (409, "wrong_offset", "500")
    status, _, headers = await send(h.plaintiff, uid, None, b"", method="HEAD")
    assert (status, headers["Upload-Offset"]) == (204, "500")
    # only its uploader continues it
    assert (await send(h.defendant, uid, 500, video[500:]))[0] == 404
    assert (await send(judge, uid, 500, video[500:]))[0] == 404
    status, body, _ = await send(h.plaintiff, uid, 500, video[500:] + b"extra")
    assert (status, body["error"]["code"]) == (413, "past_declared_size")
    status, body, _ = await send(h.plaintiff, uid, "x", video[500:])  # type: ignore[arg-type]
    assert status == 400
    status, turn, _ = await send(h.plaintiff, uid, 500, video[500:])
    assert status == 201 and turn["kind"] == "video"
    status, body, _ = await send(h.plaintiff, uid, len(video), b"")
    assert (status, body["error"]["code"]) == (409, "upload_finished")

    # not a video: refused, and the upload is gone
    junk = b"%PDF-1.4 not a statement" * 10
    upload = await h.defendant.call(
        "POST",
        f"/stages/{stage_id}/turns",
        {"kind": "video", "media_type": "video/webm", "size": len(junk)},
        expect=201,
    )
    status, body, _ = await send(h.defendant, upload["upload_id"], 0, junk)
    assert (status, body["error"]["code"]) == (422, "bad_media"), body
    assert (await send(h.defendant, upload["upload_id"], None, b"", method="HEAD"))[0] == 404
    # picture without sound is no statement either
    silent = make_video(tmp_path / "silent.webm", sound=False)
    status, body = await upload_video(h.defendant, stage_id, silent)
    assert (status, body["error"]["code"]) == (422, "bad_media"), body
    # nothing was put on the record for them
    turns = (await judge.call("GET", f"/stages/{stage_id}/turns"))["items"]
    assert [t["participant_id"] for t in turns] == [h.plaintiff_id]
    media = await h.defendant.client.get(
        f"/api/v1/turns/{turns[0]['id']}/media", headers=h.defendant.credentials()
    )
    assert media.status == 200
    assert (
        await h.defendant.client.get(
            "/api/v1/turns/999999/media", headers=h.defendant.credentials()
        )
    ).status == 404


async def test_a_hidden_turns_file_is_not_served(
    judge: Caller, new_caller: NewCaller, tmp_path: Path
) -> None:
    h, stage_id = await started(judge, new_caller, visibility="on_close")
    status, turn = await upload_video(h.plaintiff, stage_id, make_video(tmp_path / "a.webm"))
    assert status == 201
    hidden = await h.defendant.client.get(turn["media_url"], headers=h.defendant.credentials())
    assert hidden.status == 404
    await judge.call("POST", f"/stages/{stage_id}/close")
    shown = await h.defendant.client.get(turn["media_url"], headers=h.defendant.credentials())
    assert shown.status == 200


async def test_two_uploads_at_once_make_one_turn_and_a_video_is_corrected(
    judge: Caller, new_caller: NewCaller, tmp_path: Path, database: Database
) -> None:
    h, stage_id = await started(judge, new_caller)
    video = make_video(tmp_path / "a.webm")
    start = {"kind": "video", "media_type": "video/webm", "size": len(video)}
    path = f"/stages/{stage_id}/turns"
    first = await h.plaintiff.call("POST", path, start, expect=201)
    second = await h.plaintiff.call("POST", path, start, expect=201)
    status, turn, _ = await send(h.plaintiff, first["upload_id"], 0, video)
    assert status == 201
    status, body, _ = await send(h.plaintiff, second["upload_id"], 0, video)
    assert (status, body["error"]["code"]) == (409, "already_submitted")
    assert (await send(h.plaintiff, second["upload_id"], None, b"", method="HEAD"))[0] == 404
    status, fixed = await upload_video(h.plaintiff, stage_id, video, corrects_id=turn["id"])
    assert status == 201 and fixed["corrects_id"] == turn["id"]
    async with database.session() as db:
        events = list(
            await db.scalars(
                select(HearingEvent.data).where(
                    HearingEvent.hearing_id == h.hearing_id, HearingEvent.kind == "turn_corrected"
                )
            )
        )
    assert [(e or {}).get("sha256") for e in events] == [fixed["sha256"]]
