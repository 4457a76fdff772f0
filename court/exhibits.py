"""Exhibits and their examination (证据交换 / 质证, docs/architecture.md#exhibits): whose list an
exhibit goes on, what it is called there, the aspects each party gives an opinion on, and who
sees which exhibit before and after the exchange. Pure.

The sides are the words the participants' ``side`` field already carries (the staff form's
``plaintiff`` / ``defendant`` / ``third_party``, a criminal hearing's ``prosecution`` /
``defence``), plus ``court`` for evidence the court itself collected.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from court.roles import BENCH, INVITED_ROLES, REPRESENTATIVE_ROLES, SEATED, Role


class ExhibitSide(StrEnum):
    COURT = "court"
    PLAINTIFF = "plaintiff"
    DEFENDANT = "defendant"
    THIRD_PARTY = "third_party"
    PROSECUTION = "prosecution"
    DEFENCE = "defence"


PARTY_SIDES = frozenset(ExhibitSide) - {ExhibitSide.COURT}
"""The sides a participant can be on (``court`` is the bench's)."""

SIDE_LABELS: dict[ExhibitSide, tuple[str, str]] = {
    ExhibitSide.COURT: ("法院调取证据", "Court's exhibit"),
    ExhibitSide.PLAINTIFF: ("原告证据", "Plaintiff's exhibit"),
    ExhibitSide.DEFENDANT: ("被告证据", "Defendant's exhibit"),
    ExhibitSide.THIRD_PARTY: ("第三人证据", "Third party's exhibit"),
    ExhibitSide.PROSECUTION: ("公诉机关证据", "Prosecution exhibit"),
    ExhibitSide.DEFENCE: ("辩方证据", "Defence exhibit"),
}
"""What a side's list is called, in Chinese and in English: an exhibit's label is this and its
number (原告证据1, "Plaintiff's exhibit 1")."""


class Aspect(StrEnum):
    """What each party examines of every exhibit of another side."""

    AUTHENTICITY = "authenticity"
    LEGALITY = "legality"
    RELEVANCE = "relevance"


ASPECT_LABELS: dict[Aspect, tuple[str, str]] = {
    Aspect.AUTHENTICITY: ("真实性", "Authenticity"),
    Aspect.LEGALITY: ("合法性", "Legality"),
    Aspect.RELEVANCE: ("关联性", "Relevance"),
}


class Opinion(StrEnum):
    ADMITTED = "admitted"
    DISPUTED = "disputed"


OPINION_LABELS: dict[Opinion, tuple[str, str]] = {
    Opinion.ADMITTED: ("认可", "Admitted"),
    Opinion.DISPUTED: ("有异议", "Disputed"),
}

SUBMITTERS = BENCH | {Role.PROSECUTOR, Role.PARTY, Role.AGENT, Role.COUNSEL}
"""Who submits exhibits: the court, and the parties and their lawyers (a detainee's counsel
submits for them: the centre's terminal is shared)."""

EXAMINERS = frozenset({Role.PROSECUTOR, Role.PARTY, Role.AGENT, Role.COUNSEL})
"""Who records opinions on the other side's exhibits: a party, or their lawyer for them."""

OPINION_HOLDERS = frozenset({Role.PROSECUTOR, Role.PARTY, Role.DETAINEE})
"""Whose opinions they are: the columns of the examination matrix (a detainee's are recorded
by their counsel)."""

_TAKING_PART = INVITED_ROLES - {Role.OBSERVER}


def exhibit_label(side: ExhibitSide, number: int) -> tuple[str, str]:
    """An exhibit's name in its side's list, in Chinese and in English."""
    zh, en = SIDE_LABELS[side]
    return f"{zh}{number}", f"{en} {number}"


def side_of(role: Role, side: str | None) -> ExhibitSide | None:
    """The side whose list a person's exhibits go on and whose exhibits they see before the
    exchange: the bench's are the court's; a participant's is their ``side`` when it is one of
    :data:`PARTY_SIDES` (a prosecutor without one is the prosecution). None: no side."""
    if role in SEATED:  # a people's assessor sits with the court
        return ExhibitSide.COURT
    if side in PARTY_SIDES:
        return ExhibitSide(side)
    if role is Role.PROSECUTOR:
        return ExhibitSide.PROSECUTION
    return None


def opinion_holder(role: Role, participant_id: int, represents_id: int | None) -> int | None:
    """Whose opinion a participant records: their own (a party, a prosecutor), or that of the
    participant they act for (an agent, counsel); None for a lawyer who acts for nobody."""
    if role in REPRESENTATIVE_ROLES:
        return represents_id
    return participant_id


def exchange_time(deadline: datetime | None, opened_at: datetime | None) -> datetime | None:
    """When the exchange takes (or took) place: the judge opening it or the deadline passing,
    whichever comes first; None while neither is set."""
    times = [t for t in (deadline, opened_at) if t is not None]
    return min(times) if times else None


def is_exchanged(deadline: datetime | None, opened_at: datetime | None, now: datetime) -> bool:
    at = exchange_time(deadline, opened_at)
    return at is not None and at <= now


def sees_exhibit(
    role: Role,
    viewer_side: ExhibitSide | None,
    exhibit_side: ExhibitSide,
    *,
    exchanged: bool,
    withdrawn_before_exchange: bool,
    called: bool = False,
    shown: bool = False,
) -> bool:
    """May this person see an exhibit?

    The bench (people's assessors too) sees all. Before the exchange each side sees only its own exhibits and the
    court's; after it everyone taking part sees all, except those withdrawn before the
    exchange (the other side never received them). An exhibit put on screen in one of the
    case's hearings (``shown``) was disclosed there: everyone taking part sees it from then
    on, exchange or not. Observers see none, nor does a witness the court has not called
    (``called``: admitted into the hearing now).
    """
    if role in SEATED:
        return True
    if role not in _TAKING_PART or (role is Role.WITNESS and not called):
        return False
    if exhibit_side is ExhibitSide.COURT or exhibit_side is viewer_side or shown:
        return True
    return exchanged and not withdrawn_before_exchange


def opinion_refusal(opinion: Opinion, reason: str | None) -> str | None:
    """Why an opinion cannot be recorded as given, or None when it can: a dispute states its
    reason (the court weighs the objection, and the other side answers it); an admission
    needs none."""
    if opinion is Opinion.DISPUTED and (reason is None or not reason.strip()):
        return "say why you dispute this aspect: a disputed opinion needs a reason"
    return None


def examination_refusal(examiner_side: ExhibitSide | None, exhibit_side: ExhibitSide) -> str | None:
    """Why a party may not give an opinion on this (visible) exhibit, or None when they may:
    parties examine the exhibits of the other sides and of the court, never their own."""
    if examiner_side is None:
        return "you are on no side of this case; the court must name your side first"
    if exhibit_side is examiner_side:
        return "your side's own exhibits are examined by the other side"
    return None
