"""Confirming the written record (庭审笔录的签名确认, docs/architecture.md#transcript). Pure.

After the hearing is closed, everyone who took part in it to speak (not observers, not the
bench) reads the transcript and either signs it (a signature drawn on the screen and their
name as they write it) or refuses to sign (拒绝签名, recorded with the time, by themself or by
the court), and may ask for a correction, which the court accepts or rejects with a reason
(SPC Online Litigation Rules 2021, Art. 35). The court then closes the record: no more
writing, signing or asking.

A signature confirms one ``digest``: the SHA-256 of the transcript's canonical text as it
stood. A correction changes the text, so an earlier signature no longer matches: it is
``stale`` and its signer is asked to sign again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from court.roles import Role

SIGNING_ROLES = frozenset(
    {
        Role.PARTY,
        Role.AGENT,
        Role.COUNSEL,
        Role.DETAINEE,
        Role.CREDITOR,
        Role.WITNESS,
        Role.INTERPRETER,
        Role.NOTARY,
        Role.PROSECUTOR,
    }
)
"""Who reads and signs the transcript: everyone who took part to speak. Observers only
watched; the bench wrote it."""

NAME_LIMIT = 100
"""Characters of the name a signer writes beside their signature."""
REASON_LIMIT = 2000
"""Characters of a reason: for refusing to sign, or the court's for its answer."""
CORRECTION_LIMIT = 5000
"""Characters of a correction request: what the person says the record should say."""

IMAGE_BYTES = 256 * 1024
"""A signature picture's PNG file at most: a finger's strokes on a phone are a few KiB."""
IMAGE_WIDTH, IMAGE_HEIGHT = 2000, 1000
"""A signature picture's pixels at most (a desktop's signing box at twice its size)."""


class SignStatus(StrEnum):
    PENDING = "pending"
    """Neither signed nor refused yet."""
    SIGNED = "signed"
    REFUSED = "refused"


class RecordedBy(StrEnum):
    SELF = "self"
    """The person refused on their own screen."""
    COURT = "court"
    """The bench recorded that the person refused (e.g. said so in the courtroom)."""


CONFIRMATION_EVENTS = frozenset(
    {
        "transcript_signed",
        "transcript_refused",
        "correction_requested",
        "correction_answered",
        "transcript_closed",
    }
)
"""Timeline kinds of the confirmation itself. They are lines of the record (who signed or
refused, when), but not part of what is signed: a signature confirms what was said and done
in the hearing, and one person's signing must not make another's stale."""


@dataclass(frozen=True)
class SignedLine:
    """One line of the transcript as a signature confirms it."""

    kind: str
    """``entry`` or ``fact``."""
    at: datetime
    words: tuple[str, ...]
    """An entry: its number, who spoke (their name; the court's ``法庭/The court``) and what
    was said. A fact: its timeline kind and its wording in Chinese and English."""


def canonical_text(lines: Iterable[SignedLine]) -> str:
    """The transcript as one text, the same whatever the court's language, the database or
    the process: one JSON array per line (so no text can pass for a line break or a field
    separator), times in UTC to the microsecond."""
    return "\n".join(
        json.dumps(
            [
                line.kind,
                line.at.astimezone(UTC).isoformat(timespec="microseconds"),
                *line.words,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for line in lines
    )


def transcript_digest(lines: Iterable[SignedLine]) -> str:
    """The SHA-256 (hex) a signature confirms."""
    return hashlib.sha256(canonical_text(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Act:
    """A person's latest act on the transcript: a signature (with the digest it confirms) or
    a refusal."""

    status: SignStatus
    at: datetime
    digest: str | None = None


def is_stale(act: Act | None, digest: str) -> bool:
    """A signature of a transcript that has changed since."""
    return act is not None and act.status is SignStatus.SIGNED and act.digest != digest


def sign_refusal(act: Act | None, digest: str) -> str | None:
    """Why a person may not sign now (a refusal code), or None. Signing again is for a
    signature made stale by a correction, or after a refusal (a change of mind)."""
    if act is not None and act.status is SignStatus.SIGNED and act.digest == digest:
        return "already_signed"
    return None


def refuse_refusal(act: Act | None, digest: str) -> str | None:
    """Why a refusal to sign may not be recorded now (a refusal code), or None: not twice,
    nor for someone whose signature stands."""
    if act is None:
        return None
    if act.status is SignStatus.REFUSED:
        return "already_refused"
    if act.digest == digest:
        return "already_signed"
    return None


# How the confirmation's events read in the record; `{zh}`/`{en}`: the person's name.
_SIGNED = ("（{zh}签名确认笔录）", "({en} signs the transcript.)")
_REFUSED = {
    RecordedBy.SELF: ("（{zh}拒绝签名）", "({en} refuses to sign the transcript.)"),
    RecordedBy.COURT: (
        "（{zh}拒绝签名，由法庭记录在案）",
        "(The court records that {en} refuses to sign the transcript.)",
    ),
}
_ASKED = ("（{zh}申请更正笔录：{text}）", "({en} asks for a correction of the transcript: {text})")
_ANSWERED = {
    True: (
        "（法庭同意{zh}的更正申请，理由：{reason}）",
        "(The court accepts {en}'s correction request: {reason})",
    ),
    False: (
        "（法庭驳回{zh}的更正申请，理由：{reason}）",
        "(The court rejects {en}'s correction request: {reason})",
    ),
}
_CLOSED = (
    "（笔录经核对确认，法庭结束笔录）",
    "(The transcript is confirmed and closed by the court.)",
)


def confirmation_line(
    kind: str, now: str | None, facts: Mapping[str, Any], person: tuple[str, str]
) -> tuple[str, str] | None:
    """The record's line (Chinese, English) of a confirmation event, ``person`` being the
    name of the participant it is about; None for another kind."""
    zh_name, en_name = person
    if kind == "transcript_signed":
        zh, en = _SIGNED
    elif kind == "transcript_refused":
        by = RecordedBy.COURT if facts.get("recorded_by") == RecordedBy.COURT else RecordedBy.SELF
        zh, en = _REFUSED[by]
        reason = facts.get("reason")
        if reason:
            zh = zh[:-1] + f"，理由：{reason}）"
            en = en[:-2] + f"; reason: {reason})"
    elif kind == "correction_requested":
        zh, en = _ASKED
        text = str(facts.get("text") or "")
        return zh.format(zh=zh_name, text=text), en.format(en=en_name, text=text)
    elif kind == "correction_answered":
        zh, en = _ANSWERED[now == "accepted"]
        reason = str(facts.get("reason") or "")
        return zh.format(zh=zh_name, reason=reason), en.format(en=en_name, reason=reason)
    elif kind == "transcript_closed":
        return _CLOSED
    else:
        return None
    return zh.format(zh=zh_name), en.format(en=en_name)
