"""What each kind's outcome may be (court/outcomes.py) and that every outcome has its words."""

from __future__ import annotations

from datetime import date

import pytest

from court.kinds import RULES, HearingKind
from court.outcomes import MAX_INSTALMENTS, OUTCOME_LABELS, outcome_refusal

DUE = date(2027, 1, 15)


def test_every_kind_s_outcome_has_words_in_both_languages() -> None:
    for rules in RULES.values():
        for outcome in rules.outcomes:
            zh, en = OUTCOME_LABELS[outcome]
            assert zh and en


@pytest.mark.parametrize(
    ("kind", "outcome", "amount", "instalments", "due"),
    [
        (HearingKind.ENFORCEMENT_INTERVIEW, "payment_plan", 100, 3, DUE),
        (HearingKind.ENFORCEMENT_INTERVIEW, "settlement", 100, None, None),
        (HearingKind.ENFORCEMENT_INTERVIEW, "settlement", None, None, None),
        (HearingKind.ENFORCEMENT_INTERVIEW, "termination", None, None, None),
        (HearingKind.REMOTE_CONFIRMATION, "confirmed", None, None, None),
        (HearingKind.MEDIATION, "not_mediated", None, None, None),
    ],
)
def test_allowed(
    kind: HearingKind, outcome: str, amount: int | None, instalments: int | None, due: date | None
) -> None:
    assert outcome_refusal(kind, outcome, amount, instalments, due) is None


@pytest.mark.parametrize(
    ("kind", "outcome", "amount", "instalments", "due", "reason"),
    [
        (HearingKind.CIVIL_TRIAL, "mediated", None, None, None, "has no outcome"),
        (HearingKind.REMOTE_CONFIRMATION, "settlement", None, None, None, "one of confirmed"),
        (HearingKind.ENFORCEMENT_INTERVIEW, "payment_plan", 100, None, DUE, "names the sum"),
        (HearingKind.ENFORCEMENT_INTERVIEW, "payment_plan", None, 3, DUE, "names the sum"),
        (
            HearingKind.ENFORCEMENT_INTERVIEW,
            "payment_plan",
            100,
            MAX_INSTALMENTS + 1,
            DUE,
            "instalments",
        ),
        (HearingKind.ENFORCEMENT_INTERVIEW, "payment_plan", 0, 3, DUE, "between 1 fen"),
        (HearingKind.ENFORCEMENT_INTERVIEW, "continued", 100, None, None, "names a sum"),
        (HearingKind.ENFORCEMENT_INTERVIEW, "settlement", None, 2, None, "only a payment plan"),
        (HearingKind.ENFORCEMENT_INTERVIEW, "payment_plan", 5, 2, date(2100, 1, 1), "before 2100"),
    ],
)
def test_refused(
    kind: HearingKind,
    outcome: str,
    amount: int | None,
    instalments: int | None,
    due: date | None,
    reason: str,
) -> None:
    refusal = outcome_refusal(kind, outcome, amount, instalments, due)
    assert refusal is not None and reason in refusal
