"""The transcript's confirmation as pure rules (court/transcript_signing.py): who signs, the
digest a signature confirms, when one may sign or refuse, how the events read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from court.permissions import Action, check
from court.roles import Role
from court.states import HearingState
from court.transcript import fact_line
from court.transcript_signing import (
    SIGNING_ROLES,
    Act,
    SignedLine,
    SignStatus,
    canonical_text,
    is_stale,
    refuse_refusal,
    sign_refusal,
    transcript_digest,
)

AT = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
LINES = [
    SignedLine("fact", AT, ("state", "（开庭）", "(The hearing is in session.)")),
    SignedLine("entry", AT + timedelta(seconds=5), ("1", "7:张三", "我借了五万元。\n第二行")),
]


def test_those_who_spoke_sign_not_observers_nor_the_bench() -> None:
    assert Role.OBSERVER not in SIGNING_ROLES and not SIGNING_ROLES & {Role.JUDGE, Role.CLERK}
    assert {Role.PARTY, Role.DETAINEE, Role.WITNESS, Role.PROSECUTOR} <= SIGNING_ROLES
    assert check(Role.PARTY, Action.SIGN_TRANSCRIPT, HearingState.CLOSED)
    assert not check(Role.PARTY, Action.SIGN_TRANSCRIPT, HearingState.IN_SESSION)
    assert not check(Role.OBSERVER, Action.SIGN_TRANSCRIPT, HearingState.CLOSED)
    assert check(Role.CLERK, Action.SETTLE_TRANSCRIPT, HearingState.CLOSED)
    assert not check(Role.PARTY, Action.SETTLE_TRANSCRIPT, HearingState.CLOSED)


def test_the_digest_is_of_the_text_whatever_the_time_zone_it_was_read_in() -> None:
    east = [
        SignedLine(line.kind, line.at.astimezone(timezone(timedelta(hours=8))), line.words)
        for line in LINES
    ]
    assert transcript_digest(east) == transcript_digest(LINES)
    assert len(transcript_digest(LINES)) == 64
    assert canonical_text(LINES).splitlines()[1] == (
        '["entry","2026-03-01T09:30:05.123456+00:00","1","7:张三","我借了五万元。\\n第二行"]'
    )


def test_any_change_of_a_line_changes_the_digest() -> None:
    changed = [
        LINES[0],
        SignedLine("entry", LINES[1].at, ("1", "7:张三", "我借了伍万元。\n第二行")),
    ]
    moved = [LINES[0], SignedLine("entry", LINES[1].at, ("1", "8:李四", LINES[1].words[2]))]
    # text that looks like a line break or a separator cannot pass for one
    merged = [SignedLine("fact", AT, ("state", '（开庭）","(The hearing is in session.)'))]
    digests = {transcript_digest(x) for x in (LINES, changed, moved, merged, LINES[:1])}
    assert len(digests) == 5


def test_signing_again_is_for_a_stale_signature_or_after_a_refusal() -> None:
    signed = Act(SignStatus.SIGNED, AT, "a" * 64)
    refused = Act(SignStatus.REFUSED, AT)
    assert sign_refusal(None, "a" * 64) is None
    assert sign_refusal(signed, "a" * 64) == "already_signed"
    assert sign_refusal(signed, "b" * 64) is None and is_stale(signed, "b" * 64)
    assert sign_refusal(refused, "a" * 64) is None and not is_stale(refused, "b" * 64)
    assert refuse_refusal(None, "a" * 64) is None
    assert refuse_refusal(refused, "a" * 64) == "already_refused"
    assert refuse_refusal(signed, "a" * 64) == "already_signed"
    assert refuse_refusal(signed, "b" * 64) is None  # refusing to sign the corrected record


def test_the_confirmation_reads_as_lines_of_the_record() -> None:
    names = {7: "张三"}

    def line(kind: str, now: str | None = None, **data: object) -> object:
        return fact_line(kind, None, now, {"participant_id": 7, **data}, names, {})

    assert line("transcript_signed", "signed") == (
        "（张三签名确认笔录）",
        "(张三 signs the transcript.)",
    )
    assert line("transcript_refused", "refused", recorded_by="self", reason="不属实") == (
        "（张三拒绝签名，理由：不属实）",
        "(张三 refuses to sign the transcript; reason: 不属实)",
    )
    assert line("transcript_refused", "refused", recorded_by="court") == (
        "（张三拒绝签名，由法庭记录在案）",
        "(The court records that 张三 refuses to sign the transcript.)",
    )
    assert line("correction_requested", "asked", text="漏记") == (
        "（张三申请更正笔录：漏记）",
        "(张三 asks for a correction of the transcript: 漏记)",
    )
    assert line("correction_answered", "rejected", reason="记录无误") == (
        "（法庭驳回张三的更正申请，理由：记录无误）",
        "(The court rejects 张三's correction request: 记录无误)",
    )
    assert line("correction_answered", "accepted", reason="予以更正")[1] == (  # type: ignore[index]
        "(The court accepts 张三's correction request: 予以更正)"
    )
    assert line("transcript_closed", "closed") == (
        "（笔录经核对确认，法庭结束笔录）",
        "(The transcript is confirmed and closed by the court.)",
    )
    assert fact_line("transcript_signed", None, "signed", {"participant_id": 99}, names, {}) == (
        "（某参与人签名确认笔录）",
        "(a participant signs the transcript.)",
    )
