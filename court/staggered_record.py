"""A staggered hearing's steps as lines of its written record (庭审笔录;
docs/architecture.md#staggered-hearings, #transcript): the start, the stages set, extended and closed, each
turn (a video statement by its length and hash, a written one in full), the court's questions
and their answers, the deadlines missed, the turn to a live hearing. Pure.

Each line is worded from its timeline event alone: the recording sites put the stage's number,
kind and title (``stage_seq``, ``stage_kind``, ``stage_title``), the texts (``text``,
``question_text``, ``answer_text``) and the court's time zone (``zone``) in the event's data.
Events recorded before they did word what they can: the stage or a text left out, never an
exception. Reminders (``turn_reminder``) are not lines: a reminder is the platform's notice to
a person, no act of the proceedings; the timeline and the sealed manifest keep them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from court.staggered import STAGE_LABELS, StageKind

Words = tuple[str, str]

STAGGERED_KINDS = frozenset(
    {
        "staggered_started",
        "stage_added",
        "stage_extended",
        "stage_closed",
        "turn_submitted",
        "turn_corrected",
        "question_asked",
        "question_answered",
        "deadline_missed",
        "turn_reminder",
        "staggered_to_live",
    }
)
"""The timeline kinds of a staggered hearing (``staggered_line`` words all but reminders)."""

_HASH_SHOWN = 12
"""Hex digits of a statement's SHA-256 in the line: enough to find it in the sealed record."""


def staggered_line(kind: str, facts: Mapping[str, Any], person: Words) -> Words | None:
    """The written record's line of a staggered hearing's event, or None (a reminder, an
    unknown kind). ``person``: the name of whom the event concerns (``participant_id``)."""
    if kind == "staggered_started":
        return "（错时审理开始）", "(The staggered hearing begins.)"
    if kind == "staggered_to_live":
        return "（本案转为在线庭审）", "(The hearing is turned into a live online hearing.)"
    added = kind == "stage_added"
    zh_stage, en_stage = _stage(
        facts, *(("kind", "title") if added else ("stage_kind", "stage_title"))
    )
    if kind == "stage_added":
        zh_at, en_at = _moment(facts.get("deadline"), facts.get("zone"))
        zh = f"（法庭设定“{zh_stage}”阶段" if zh_stage else "（法庭设定一个阶段"
        en = f"(The court sets the stage “{en_stage}”" if en_stage else "(The court sets a stage"
        if zh_at:
            return f"{zh}，截止于{zh_at}）", f"{en}, until {en_at}.)"
        return f"{zh}）", f"{en}.)"
    if kind == "stage_extended":
        zh_at, en_at = _moment(facts.get("to"), facts.get("zone"))
        zh_of = f"“{zh_stage}”阶段" if zh_stage else "阶段"
        en_of = f"of the stage “{en_stage}”" if en_stage else "of a stage"
        if not zh_at:
            return f"（法庭延长{zh_of}的截止时间）", f"(The court extends the deadline {en_of}.)"
        return (
            f"（法庭将{zh_of}的截止时间延长至{zh_at}）",
            f"(The court extends the deadline {en_of} to {en_at}.)",
        )
    if kind == "stage_closed":
        if not zh_stage:
            return "（阶段结束）", "(A stage ends.)"
        return f"（“{zh_stage}”阶段结束）", f"(The stage “{en_stage}” ends.)"
    zh_name, en_name = person
    if kind == "deadline_missed":
        zh_in, en_in = _in_stage(zh_stage, en_stage)
        return (
            f"（{zh_name}未在{zh_in or '阶段'}截止前提交）",
            f"({en_name} did not submit before the deadline{en_in}.)",
        )
    if kind in ("turn_submitted", "turn_corrected"):
        return _turn(kind == "turn_corrected", facts, person, (zh_stage, en_stage))
    if kind == "question_asked":
        return _question(facts, person)
    if kind == "question_answered":
        text = facts.get("answer_text")
        if not isinstance(text, str):
            return f"（{zh_name}回答了法庭的提问）", f"({en_name} answers the court's question.)"
        return f"{zh_name}（回答）：{text}", f"{en_name} (answer): {text}"
    return None


def _stage(facts: Mapping[str, Any], kind_key: str, title_key: str) -> Words:
    """The stage's name: the court's title, else its kind's label; ("", "") when the event
    does not say (recorded before it did)."""
    title = facts.get(title_key)
    if isinstance(title, str) and title:
        return title, title
    try:
        return STAGE_LABELS[StageKind(str(facts.get(kind_key)))]
    except ValueError:
        return "", ""


def _in_stage(zh_stage: str, en_stage: str, preposition: str = "of") -> Words:
    if not zh_stage:
        return "", ""
    return f"“{zh_stage}”阶段", f" {preposition} the stage “{en_stage}”"


def _moment(value: object, zone: object) -> Words:
    """A moment as the court's local time, to the minute; ("", "") without a zone to read it
    in (a UTC timestamp is no time anyone in the courtroom reads)."""
    if not isinstance(value, str) or not isinstance(zone, str):
        return "", ""
    try:
        local = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    except (ValueError, ZoneInfoNotFoundError):
        return "", ""
    return (
        f"{local.year}年{local.month}月{local.day}日{local:%H:%M}",
        f"{local:%H:%M} on {local.day} {local:%B %Y}",
    )


def length(seconds: object) -> str:
    """A length as m:ss (h:mm:ss past the hour); "" when unknown."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _turn(corrected: bool, facts: Mapping[str, Any], person: Words, stage: Words) -> Words:
    """A written turn in full, under its speaker's name; a video statement by its length and
    the first digits of its hash (the file itself is in the sealed record)."""
    zh_name, en_name = person
    zh_stage, en_stage = stage
    if facts.get("kind") == "text":
        zh_notes, en_notes = ["书面陈述"], ["written statement"]
        if corrected:
            zh_notes.append("更正")
            en_notes.append("correction")
        if zh_stage:
            zh_notes.append(f"“{zh_stage}”阶段")
            en_notes.append(f"stage “{en_stage}”")
        zh_note, en_note = "，".join(zh_notes), ", ".join(en_notes)
        text = facts.get("text")
        if not isinstance(text, str):  # recorded before the text was on the timeline
            return f"（{zh_name}提交{zh_note}）", f"({en_name} submits a {en_note}.)"
        return f"{zh_name}（{zh_note}）：{text}", f"{en_name} ({en_note}): {text}"
    zh_in, en_in = _in_stage(zh_stage, en_stage, "in")
    zh = f"（{zh_name}" + (f"在{zh_in}" if zh_in else "") + "提交"
    zh += "更正视频陈述" if corrected else "视频陈述"
    en = f"({en_name} submits " + ("a corrected" if corrected else "a") + f" video statement{en_in}"
    if took := length(facts.get("duration_s")):
        zh, en = f"{zh}，时长{took}", f"{en}, length {took}"
    sha = facts.get("sha256")
    if isinstance(sha, str) and sha:
        zh, en = f"{zh}，SHA-256 {sha[:_HASH_SHOWN]}", f"{en}, SHA-256 {sha[:_HASH_SHOWN]}"
    return f"{zh}）", f"{en}.)"


def _question(facts: Mapping[str, Any], person: Words) -> Words:
    zh_name, en_name = person
    text = facts.get("question_text")
    recorded = isinstance(facts.get("sha256"), str)
    took = length(facts.get("duration_s"))
    zh_video = ("（录像提问" + (f"，时长{took}" if took else "") + "）") if recorded else ""
    en_video = (
        (" (recorded question" + (f", length {took}" if took else "") + ")") if recorded else ""
    )
    if not isinstance(text, str):
        return (
            f"（法庭向{zh_name}提问）{zh_video}",
            f"(The court puts a question to {en_name}.){en_video}",
        )
    return (
        f"法庭（向{zh_name}提问）：{text}{zh_video}",
        f"The court (question to {en_name}): {text}{en_video}",
    )
