"""The identity check (身份核验): which documents the clerk reads, what of their number is kept,
who must be checked before they are admitted, and when a check may be made.

Only the last digits of a document's number are kept (enough to match the document seen in the
case file, not enough to be a copy of it); the still of the person is the server's
(signaling/media/still.py).
"""

import re
from enum import StrEnum

from court.kinds import RULES, HearingKind
from court.roles import BENCH, Role
from court.states import HearingState


class DocumentType(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    LAWYER_LICENCE = "lawyer_licence"
    OTHER = "other"


DOCUMENT_LABELS: dict[DocumentType, tuple[str, str]] = {
    DocumentType.RESIDENT_ID: ("居民身份证", "Resident identity card"),
    DocumentType.PASSPORT: ("护照", "Passport"),
    DocumentType.HK_MACAO_PERMIT: (
        "港澳居民来往内地通行证",
        "Mainland travel permit for Hong Kong and Macao residents",
    ),
    DocumentType.TAIWAN_PERMIT: (
        "台湾居民来往大陆通行证",
        "Mainland travel permit for Taiwan residents",
    ),
    DocumentType.LAWYER_LICENCE: ("律师执业证", "Lawyer's practising certificate"),
    DocumentType.OTHER: ("其他证件", "Other document"),
}
"""What each document is called, in Chinese and in English."""

LAST_DIGITS = re.compile(r"[0-9]{3,5}[0-9X]")
"""The last 4 to 6 characters of a document's number as the clerk reads them: digits, the last
one possibly X (a resident identity card's check digit)."""

IDENTITY_PHASES = frozenset({"identity_check", "check_in"})
"""The procedure phases in which the people in the hearing have their identity checked."""

UNCHECKED_ROLES = BENCH | {Role.ASSESSOR, Role.OBSERVER}
"""Who is never checked: the bench (staff accounts) and the public gallery (sends no media)."""


def normalized_digits(text: str) -> str:
    """The digits as kept (a lower-case x is the check digit X); ValueError if they are not
    4 to 6 digits."""
    digits = text.strip().upper()
    if not LAST_DIGITS.fullmatch(digits):
        raise ValueError("give the last 4 to 6 digits of the document's number (0-9, last one X)")
    return digits


def must_be_checked(kind: HearingKind, role: Role) -> bool:
    """Whether someone of `role` may be admitted to a hearing of `kind` only once checked."""
    return RULES[kind].requires_identity_check and role not in UNCHECKED_ROLES


def phase_refusal(state: HearingState, phase: str | None, waiting: bool) -> str | None:
    """Why an identity check cannot be made in this phase, else None (the permission table
    says in which states: open or in session). Someone waiting to be admitted is checked
    whenever; someone in the hearing before the session or in the identity-check phase."""
    if state is HearingState.IN_SESSION and not waiting and phase not in IDENTITY_PHASES:
        return "in session, the people in the hearing are checked in the identity-check phase"
    return None
