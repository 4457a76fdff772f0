"""How the timeline's facts read as lines of the transcript (court/transcript.py)."""

from __future__ import annotations

from typing import Any

import pytest

from court.transcript import COURT_SPEAKER, fact_line, say

NAMES = {7: "张三", 8: "Jane Doe"}
EXHIBITS = {3: ("原告证据1", "Plaintiff's exhibit 1")}


def line(kind: str, was: str | None = None, now: str | None = None, **data: Any) -> Any:
    return fact_line(kind, was, now, data or None, NAMES, EXHIBITS)


@pytest.mark.parametrize(
    ("was", "now", "zh", "en"),
    [
        ("scheduled", "open", "（庭审准备开始）", "(The hearing room is opened.)"),
        ("open", "in_session", "（开庭）", "(The hearing is in session.)"),
        ("in_session", "recess", "（休庭）", "(The court adjourns for a recess.)"),
        ("recess", "in_session", "（继续开庭）", "(The hearing resumes.)"),
        ("in_session", "closed", "（闭庭）", "(The hearing is closed.)"),
        ("open", "closed", "（闭庭）", "(The hearing is closed.)"),
    ],
)
def test_state_changes_read_as_the_court_says_them(was: str, now: str, zh: str, en: str) -> None:
    assert line("state", was, now) == (zh, en)


def test_a_cancellation_is_no_line_of_a_hearing_record() -> None:
    assert line("state", "scheduled", "cancelled") is None


def test_a_phase_is_named_in_both_languages() -> None:
    assert line("phase", "identity_check", "investigation") == (
        "（进入法庭调查阶段）",
        "(Court investigation begins.)",
    )
    assert line("phase", None, "vote") == ("（进入表决阶段）", "(Vote begins.)")


@pytest.mark.parametrize(
    ("kind", "zh", "en"),
    [
        ("admitted", "（张三进入庭审）", "(张三 is admitted to the hearing.)"),
        ("sent_back", "（张三被请回候审室）", "(张三 is sent back to the waiting room.)"),
        ("left", "（张三离开庭审）", "(张三 leaves the hearing.)"),
        (
            "left_without_leave",
            "（张三未经法庭许可离开庭审）",
            "(张三 left without the court's leave.)",
        ),
        ("removed", "（张三被责令退出庭审）", "(张三 is removed from the hearing.)"),
        ("identity_verified", "（已核对张三的身份）", "(张三's identity is verified.)"),
    ],
)
def test_what_happens_to_a_person_names_them(kind: str, zh: str, en: str) -> None:
    assert line(kind, participant_id=7) == (zh, en)


def test_a_person_the_names_do_not_hold_is_still_a_line() -> None:
    assert line("admitted", participant_id=99) == (
        "（某参与人进入庭审）",
        "(a participant is admitted to the hearing.)",
    )


def test_an_exhibit_shown_says_its_label_and_title() -> None:
    assert line("exhibit_presented", exhibit_id=3, label="原告证据1", title="借条") == (
        "（出示原告证据1：借条）",
        "(Plaintiff's exhibit 1 is shown: 借条)",
    )
    # an exhibit not among those given: the label the timeline kept
    assert line("exhibit_presented", exhibit_id=4, label="被告证据2", title="") == (
        "（出示被告证据2）",
        "(被告证据2 is shown.)",
    )


def test_an_opinion_says_whose_on_what_and_why() -> None:
    assert line(
        "exhibit_opinion",
        None,
        "disputed",
        exhibit_id=3,
        party_id=8,
        aspect="legality",
        reason="未经公证",
    ) == (
        "（Jane Doe对原告证据1的合法性：有异议，理由：未经公证）",
        "(Jane Doe on the legality of Plaintiff's exhibit 1: disputed; reason: 未经公证)",
    )
    assert line(
        "exhibit_opinion", "disputed", "admitted", exhibit_id=3, party_id=7, aspect="authenticity"
    ) == (
        "（张三对原告证据1的真实性：认可）",
        "(张三 on the authenticity of Plaintiff's exhibit 1: admitted)",
    )


def test_an_opinion_the_record_cannot_word_is_left_out() -> None:
    assert (
        line("exhibit_opinion", None, "maybe", exhibit_id=3, party_id=7, aspect="legality") is None
    )


@pytest.mark.parametrize(
    "kind",
    ["joined", "dropped", "reconnected", "muted", "hand_raised", "presentation_page", "message"],
)
def test_the_recording_keeps_what_the_record_does_not(kind: str) -> None:
    assert line(kind, participant_id=7) is None


def test_the_court_language_picks_the_words() -> None:
    assert say(COURT_SPEAKER, "zh") == "法庭"
    assert say(COURT_SPEAKER, "en") == "The court"
    assert say(COURT_SPEAKER, "zh+en") == "法庭 / The court"
