"""The identity check's rules (court/identity.py): the digits kept, who is checked, when."""

import pytest

from court.identity import (
    DOCUMENT_LABELS,
    DocumentType,
    must_be_checked,
    normalized_digits,
    phase_refusal,
)
from court.kinds import HearingKind
from court.roles import Role
from court.states import HearingState


@pytest.mark.parametrize(
    ("given", "kept"), [("1234", "1234"), ("00123x", "00123X"), (" 12345 ", "12345")]
)
def test_the_last_digits_are_kept_as_read(given: str, kept: str) -> None:
    assert normalized_digits(given) == kept


@pytest.mark.parametrize("given", ["", "123", "1234567", "12a4", "X123", "12 34", "１２３４"])
def test_anything_else_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="last 4 to 6 digits"):
        normalized_digits(given)


def test_every_document_has_words_in_both_languages() -> None:
    assert set(DOCUMENT_LABELS) == set(DocumentType)
    assert all(zh and en for zh, en in DOCUMENT_LABELS.values())


def test_criminal_trials_check_everyone_taking_part_before_admission() -> None:
    required = {kind for kind in HearingKind if must_be_checked(kind, Role.PARTY)}
    assert required == {HearingKind.CRIMINAL_TRIAL, HearingKind.REMOTE_CONFIRMATION}
    assert must_be_checked(HearingKind.REMOTE_CONFIRMATION, Role.NOTARY)
    for role in (Role.JUDGE, Role.CLERK, Role.OBSERVER):
        assert not must_be_checked(HearingKind.CRIMINAL_TRIAL, role)
    assert must_be_checked(HearingKind.CRIMINAL_TRIAL, Role.DETAINEE)


def test_in_session_only_the_waiting_or_the_identity_check_phase() -> None:
    session = HearingState.IN_SESSION
    assert phase_refusal(session, "identity_check", waiting=False) is None
    assert phase_refusal(session, "check_in", waiting=False) is None
    assert phase_refusal(session, "debate", waiting=True) is None
    assert phase_refusal(session, "debate", waiting=False) is not None
    assert phase_refusal(HearingState.OPEN, None, waiting=False) is None
