"""A staggered hearing's steps as lines of its transcript (court/staggered_record.py, through
court.transcript.fact_line as the reading calls it): each worded from its event alone, in
Chinese and English; events recorded before the wording's fields were added still give a line,
and a reminder gives none."""

from __future__ import annotations

from typing import Any

import pytest

from court.staggered_record import STAGGERED_KINDS, length
from court.transcript import fact_line

NAMES = {7: "原告甲", 8: "被告乙"}
SHA = "ab12cd34ef56" + "0" * 52
DEFENCE = {"stage_id": 2, "stage_seq": 2, "stage_kind": "defence", "stage_title": None}


def line(event: str, /, **data: Any) -> Any:
    return fact_line(event, None, None, data or None, NAMES, {})


def test_the_start_and_the_turn_to_a_live_hearing() -> None:
    assert line("staggered_started") == ("（错时审理开始）", "(The staggered hearing begins.)")
    assert line("staggered_to_live", by="user:1") == (
        "（本案转为在线庭审）",
        "(The hearing is turned into a live online hearing.)",
    )


def test_a_stage_set_gives_its_deadline_in_the_courts_time() -> None:
    data = {"stage_id": 1, "seq": 1, "kind": "claims_statement", "title": None}
    assert line(
        "stage_added", **data, deadline="2026-12-10T09:00:00+00:00", zone="Asia/Shanghai"
    ) == (
        "（法庭设定“起诉陈述”阶段，截止于2026年12月10日17:00）",
        "(The court sets the stage “Statement of claim”, until 17:00 on 10 December 2026.)",
    )


def test_a_stage_set_without_a_zone_leaves_the_time_out_rather_than_print_utc() -> None:
    zh, en = line(
        "stage_added", stage_id=1, seq=1, kind="defence", deadline="2026-12-10T09:00:00+00:00"
    )
    assert (zh, en) == ("（法庭设定“答辩”阶段）", "(The court sets the stage “Defence”.)")
    assert "2026" not in zh + en


def test_a_stage_is_named_by_the_courts_title_when_it_gave_one() -> None:
    assert line("stage_added", kind="defence", title="补充答辩")[0] == "（法庭设定“补充答辩”阶段）"
    assert line("stage_closed", **{**DEFENCE, "stage_title": "补充答辩"}) == (
        "（“补充答辩”阶段结束）",
        "(The stage “补充答辩” ends.)",
    )


def test_an_unknown_stage_kind_or_a_bad_zone_is_no_exception() -> None:
    assert line("stage_added", kind="nonsense", deadline="x", zone="Mars/Base") == (
        "（法庭设定一个阶段）",
        "(The court sets a stage.)",
    )


def test_an_extension_gives_the_new_deadline() -> None:
    data = {**DEFENCE, "from": "2026-12-10T09:00:00+00:00", "to": "2026-12-12T01:30:00+00:00"}
    assert line("stage_extended", **data, zone="Asia/Shanghai") == (
        "（法庭将“答辩”阶段的截止时间延长至2026年12月12日09:30）",
        "(The court extends the deadline of the stage “Defence” to 09:30 on 12 December 2026.)",
    )
    assert line("stage_extended", stage_id=2, to="2026-12-12T01:30:00+00:00") == (
        "（法庭延长阶段的截止时间）",
        "(The court extends the deadline of a stage.)",
    )


def test_a_stage_closing() -> None:
    assert line("stage_closed", **DEFENCE, by="deadline") == (
        "（“答辩”阶段结束）",
        "(The stage “Defence” ends.)",
    )
    assert line("stage_closed", stage_id=2, by="court") == ("（阶段结束）", "(A stage ends.)")


def test_a_video_statement_by_its_length_and_hash() -> None:
    data = {"participant_id": 8, "kind": "video", "sha256": SHA, "duration_s": 83.4}
    assert line("turn_submitted", **DEFENCE, **data) == (
        "（被告乙在“答辩”阶段提交视频陈述，时长1:23，SHA-256 ab12cd34ef56）",
        "(被告乙 submits a video statement in the stage “Defence”, length 1:23, "
        "SHA-256 ab12cd34ef56.)",
    )
    assert line("turn_corrected", **DEFENCE, **data, corrects_id=4)[0] == (
        "（被告乙在“答辩”阶段提交更正视频陈述，时长1:23，SHA-256 ab12cd34ef56）"
    )


def test_an_old_video_statement_without_its_stage_or_length() -> None:
    assert line("turn_submitted", stage_id=2, participant_id=8, kind="video", sha256=SHA) == (
        "（被告乙提交视频陈述，SHA-256 ab12cd34ef56）",
        "(被告乙 submits a video statement, SHA-256 ab12cd34ef56.)",
    )


def test_a_written_turn_is_given_in_full() -> None:
    text = "被告认为货款已付清。\n" + "理由如下。" * 3000
    data = {"participant_id": 8, "kind": "text", "sha256": SHA, "text": text}
    assert line("turn_submitted", **DEFENCE, **data) == (
        f"被告乙（书面陈述，“答辩”阶段）：{text}",
        f"被告乙 (written statement, stage “Defence”): {text}",
    )
    assert line("turn_corrected", **DEFENCE, **data, corrects_id=3) == (
        f"被告乙（书面陈述，更正，“答辩”阶段）：{text}",
        f"被告乙 (written statement, correction, stage “Defence”): {text}",
    )


def test_an_old_written_turn_without_its_text_says_one_was_submitted() -> None:
    assert line("turn_submitted", participant_id=8, kind="text", sha256=SHA) == (
        "（被告乙提交书面陈述）",
        "(被告乙 submits a written statement.)",
    )


def test_a_question_and_its_answer() -> None:
    asked = {**DEFENCE, "question_id": 5, "participant_id": 8, "question_text": "付款凭证在哪里？"}
    assert line("question_asked", **asked) == (
        "法庭（向被告乙提问）：付款凭证在哪里？",
        "The court (question to 被告乙): 付款凭证在哪里？",
    )
    recorded = {**asked, "sha256": SHA, "size": 900, "duration_s": 61.0, "media_type": "video/webm"}
    assert line("question_asked", **recorded) == (
        "法庭（向被告乙提问）：付款凭证在哪里？（录像提问，时长1:01）",
        "The court (question to 被告乙): 付款凭证在哪里？ (recorded question, length 1:01)",
    )
    answered = {**DEFENCE, "question_id": 5, "participant_id": 8, "answer_text": "已提交。"}
    assert line("question_answered", **answered) == (
        "被告乙（回答）：已提交。",
        "被告乙 (answer): 已提交。",
    )


def test_old_questions_and_answers_without_their_texts() -> None:
    assert line("question_asked", stage_id=2, question_id=5, participant_id=8) == (
        "（法庭向被告乙提问）",
        "(The court puts a question to 被告乙.)",
    )
    # an old answer's event named neither the text nor who answered
    assert line("question_answered", stage_id=2, question_id=5) == (
        "（某参与人回答了法庭的提问）",
        "(a participant answers the court's question.)",
    )


def test_a_missed_deadline() -> None:
    data = {"participant_id": 7, "deadline": "2026-12-10T09:00:00+00:00"}
    assert line("deadline_missed", **DEFENCE, **data) == (
        "（原告甲未在“答辩”阶段截止前提交）",
        "(原告甲 did not submit before the deadline of the stage “Defence”.)",
    )
    assert line("deadline_missed", stage_id=2, **data) == (
        "（原告甲未在阶段截止前提交）",
        "(原告甲 did not submit before the deadline.)",
    )


def test_a_reminder_is_no_line_of_the_record() -> None:
    data = {"stage_id": 2, "participant_id": 7, "name": "原告甲", "reason": "turn", "by": "sweep"}
    assert line("turn_reminder", **data) is None


@pytest.mark.parametrize("kind", sorted(STAGGERED_KINDS))
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"participant_id": "7", "stage_kind": 3, "stage_title": 5, "duration_s": "x"},
        {"sha256": 5, "text": None, "deadline": 12, "zone": None, "to": "not a time"},
    ],
)
def test_any_data_gives_a_line_or_none_never_an_exception(kind: str, data: Any) -> None:
    words = fact_line(kind, None, None, data, NAMES, {})
    assert words is None or all(isinstance(w, str) and w for w in words)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0:00"),
        (59.6, "1:00"),
        (83.4, "1:23"),
        (3725, "1:02:05"),
        (None, ""),
        (-1, ""),
        (True, ""),
    ],
)
def test_lengths(seconds: object, words: str) -> None:
    assert length(seconds) == words
