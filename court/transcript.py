"""The hearing's written record (庭审笔录, docs/architecture.md#transcript): what an entry is, and
how the timeline's facts read as lines of it. Pure.

The bench writes the spoken part entry by entry (who spoke, what was said, the moment of the
recording it belongs to); the facts the timeline already holds (phases, admissions, recesses,
identity checks, exhibits shown, examination opinions) are not typed again but worded here, in
Chinese and in English, and put in their place among the entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from court.exhibits import ASPECT_LABELS, OPINION_LABELS, Aspect, Opinion
from court.kinds import PHASE_LABELS
from court.staggered_record import STAGGERED_KINDS, staggered_line
from court.transcript_signing import confirmation_line
from court.vote_record import vote_line

TEXT_LIMIT = 20_000
"""Characters in one entry: a long statement read out in full fits; a pasted book does not."""

KEY_LIMIT = 64
"""Characters in an entry's key, the id its writer's client gives it before it is committed."""

COURT_SPEAKER: tuple[str, str] = ("法庭", "The court")
"""Who speaks when an entry names no participant."""

Words = tuple[str, str]
"""A line in Chinese and in English."""


def say(words: Words, language: str) -> str:
    """``words`` in the court's language: ``zh``, ``en`` or both (``zh+en``)."""
    zh, en = words
    if language == "en":
        return en
    if language == "zh+en":
        return f"{zh} / {en}"
    return zh


_STATES: dict[tuple[str | None, str | None], Words] = {
    (None, "open"): ("（庭审准备开始）", "(The hearing room is opened.)"),
    ("scheduled", "open"): ("（庭审准备开始）", "(The hearing room is opened.)"),
    ("open", "in_session"): ("（开庭）", "(The hearing is in session.)"),
    ("recess", "in_session"): ("（继续开庭）", "(The hearing resumes.)"),
    ("in_session", "recess"): ("（休庭）", "(The court adjourns for a recess.)"),
}
_CLOSED: Words = ("（闭庭）", "(The hearing is closed.)")

_PERSON_EVENTS: dict[str, tuple[str, str]] = {
    "admitted": ("（{zh}进入庭审）", "({en} is admitted to the hearing.)"),
    "sent_back": ("（{zh}被请回候审室）", "({en} is sent back to the waiting room.)"),
    "left": ("（{zh}离开庭审）", "({en} leaves the hearing.)"),
    "left_without_leave": (
        "（{zh}未经法庭许可离开庭审）",
        "({en} left without the court's leave.)",
    ),
    "removed": ("（{zh}被责令退出庭审）", "({en} is removed from the hearing.)"),
    "identity_verified": ("（已核对{zh}的身份）", "({en}'s identity is verified.)"),
}
"""Timeline kinds about one participant (``data.participant_id``), worded with their name."""

_SOMEONE: Words = ("某参与人", "a participant")


def fact_line(
    kind: str,
    was: str | None,
    now: str | None,
    data: Mapping[str, Any] | None,
    names: Mapping[int, str],
    exhibits: Mapping[int, Words],
) -> Words | None:
    """The transcript line of one timeline event, or None when the event is not part of the
    written record (joins, mutes, page turns, hands raised: the recording keeps those).

    ``names``: the hearing's participants by id; ``exhibits``: exhibit labels (Chinese,
    English) by id, for events that name an exhibit.
    """
    facts = data or {}
    if kind == "state":
        if now == "closed":
            return _CLOSED
        return _STATES.get((was, now))
    if kind == "phase" and now:
        zh, en = PHASE_LABELS.get(now, (now, now))
        return f"（进入{zh}阶段）", f"({en} begins.)"
    if kind in _PERSON_EVENTS:
        zh_name, en_name = _person(facts.get("participant_id"), names)
        zh, en = _PERSON_EVENTS[kind]
        return zh.format(zh=zh_name), en.format(en=en_name)
    wording = _EXHIBIT_EVENTS.get(kind)
    if wording is not None:
        return wording(now, facts, names, exhibits)
    if kind in ("vote_opened", "vote_closed"):
        return vote_line(kind, facts)
    if kind in STAGGERED_KINDS:
        return staggered_line(kind, facts, _person(facts.get("participant_id"), names))
    return confirmation_line(kind, now, facts, _person(facts.get("participant_id"), names))


def _person(participant_id: object, names: Mapping[int, str]) -> Words:
    if isinstance(participant_id, int) and participant_id in names:
        name = names[participant_id]
        return name, name
    return _SOMEONE


def _label(facts: Mapping[str, Any], exhibits: Mapping[int, Words]) -> Words:
    exhibit_id = facts.get("exhibit_id")
    if isinstance(exhibit_id, int) and exhibit_id in exhibits:
        return exhibits[exhibit_id]
    label = str(facts.get("label") or "")
    return label, label


def _presented(
    now: str | None,
    facts: Mapping[str, Any],
    names: Mapping[int, str],
    exhibits: Mapping[int, Words],
) -> Words:
    zh, en = _label(facts, exhibits)
    title = str(facts.get("title") or "")
    if not title:
        return f"（出示{zh}）", f"({en} is shown.)"
    return f"（出示{zh}：{title}）", f"({en} is shown: {title})"


def _opinion(
    now: str | None,
    facts: Mapping[str, Any],
    names: Mapping[int, str],
    exhibits: Mapping[int, Words],
) -> Words | None:
    aspect, opinion = facts.get("aspect"), now
    if aspect not in set(Aspect) or opinion not in set(Opinion):
        return None
    zh_party, en_party = _person(facts.get("party_id"), names)
    zh_label, en_label = _label(facts, exhibits)
    zh_aspect, en_aspect = ASPECT_LABELS[Aspect(aspect)]
    zh_opinion, en_opinion = OPINION_LABELS[Opinion(opinion)]
    zh = f"（{zh_party}对{zh_label}的{zh_aspect}：{zh_opinion}"
    en = f"({en_party} on the {en_aspect.lower()} of {en_label}: {en_opinion.lower()}"
    reason = facts.get("reason")
    if reason:
        zh, en = f"{zh}，理由：{reason}", f"{en}; reason: {reason}"
    return f"{zh}）", f"{en})"


_EXHIBIT_EVENTS: dict[
    str,
    Callable[[str | None, Mapping[str, Any], Mapping[int, str], Mapping[int, Words]], Words | None],
] = {"exhibit_presented": _presented, "exhibit_opinion": _opinion}
