"""A staggered hearing's written record (docs/architecture.md#staggered-hearings, "Transcript"),
with a real server and database: a video statement, a written one, the court's question and its
answer, a deadline missed and the close read, in order, as the lines of
`GET /hearings/{id}/transcript`, worded from the timeline alone (the archive's
`GET /recordings/{id}/transcript` gives the same lines)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry
from tests.callers import Caller, NewCaller
from tests.staggered import add_stage, consent, make_video, staggered, upload_video


def local(at: datetime, zone: str) -> str:
    """The court's wording of a moment (court/staggered_record.py)."""
    moment = at.astimezone(ZoneInfo(zone))
    return f"{moment.year}年{moment.month}月{moment.day}日{moment:%H:%M}"


async def test_a_staggered_hearing_reads_as_its_record(
    judge: Caller,
    new_caller: NewCaller,
    settings: Settings,
    database: Database,
    tmp_path: Path,
) -> None:
    h = await staggered(judge, new_caller)
    deadline = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    claims = await add_stage(
        judge, h.hearing_id, [h.plaintiff_id, h.defendant_id], deadline=deadline.isoformat()
    )
    await add_stage(
        judge, h.hearing_id, [h.plaintiff_id], kind="defence", deadline=deadline.isoformat()
    )
    await consent(h.plaintiff)
    await consent(h.defendant)
    await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/start")

    status, video = await upload_video(
        h.defendant, claims["id"], make_video(tmp_path / "s.webm", seconds=1.5)
    )
    assert status == 201, video
    written = "原告诉称：被告拖欠货款十二万元。\n请求判令被告支付。"
    await h.plaintiff.call(
        "POST", f"/stages/{claims['id']}/turns", {"kind": "text", "text": written}, expect=201
    )
    question = await judge.call(
        "POST",
        f"/stages/{claims['id']}/questions",
        {"participant_id": h.defendant_id, "text": "付款凭证在哪里？"},
        expect=201,
    )
    await h.defendant.call(
        "POST", f"/questions/{question['id']}/answer", {"text": "已提交为被告证据一。"}
    )
    closed = await judge.call("POST", f"/hearings/{h.hearing_id}/staggered/close")

    transcript = await judge.call("GET", f"/hearings/{h.hearing_id}/transcript")
    facts = [line["fact_zh"] for line in transcript["lines"] if line["kind"] == "fact"]
    assert all(line["kind"] == "fact" for line in transcript["lines"])
    seconds = round(video["duration_s"])
    until = local(deadline, settings.court_timezone)
    assert facts == [
        f"（法庭设定“起诉陈述”阶段，截止于{until}）",
        f"（法庭设定“答辩”阶段，截止于{until}）",
        "（错时审理开始）",
        f"（被告乙在“起诉陈述”阶段提交视频陈述，时长{seconds // 60}:{seconds % 60:02d}，"
        f"SHA-256 {video['sha256'][:12]}）",
        f"原告甲（书面陈述，“起诉陈述”阶段）：{written}",
        "法庭（向被告乙提问）：付款凭证在哪里？",
        "被告乙（回答）：已提交为被告证据一。",
        "（“起诉陈述”阶段结束）",
        "（“答辩”阶段结束）",
        "（原告甲未在“答辩”阶段截止前提交）",
        "（闭庭）",
    ]
    english = [line["fact_en"] for line in transcript["lines"]]
    assert english[4] == f"原告甲 (written statement, stage “Statement of claim”): {written}"
    assert english[9] == "(原告甲 did not submit before the deadline of the stage “Defence”.)"

    # the archive's reading of the sealed record gives the same lines
    archived = await judge.call("GET", f"/recordings/{closed['recording_id']}/transcript")
    assert [line.get("fact_zh") for line in archived["lines"]] == facts

    # the archive's timeline shows the proceedings to the clerk, each concerning whom it names
    detail = await judge.call("GET", f"/recordings/{closed['recording_id']}")
    shown = [(e["kind"], e["participant_name"]) for e in detail["timeline"]]
    assert [e for e in shown if e[0] not in ("state", "scheduled", "online_consent")] == [
        ("stage_added", None),
        ("stage_added", None),
        ("staggered_started", None),
        ("turn_submitted", "被告乙"),
        ("turn_submitted", "原告甲"),
        ("question_asked", "被告乙"),
        ("question_answered", "被告乙"),
        ("stage_closed", None),
        ("stage_closed", None),
        ("deadline_missed", "原告甲"),
    ]

    # the texts are on the timeline, not in the audit log (who did what, not what was said)
    async with database.session() as db:
        details = [
            str(entry.detail)
            for entry in await db.scalars(
                select(AuditEntry).where(
                    AuditEntry.action.in_(["submit_turn", "ask_question", "answer_question"])
                )
            )
        ]
    assert len(details) >= 4
    assert not any(
        words in detail
        for detail in details
        for words in ("拖欠货款", "付款凭证在哪里", "已提交为被告证据一")
    )
