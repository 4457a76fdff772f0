"""Response models that more than one resource's module returns (a hearing, an invitation),
with the functions that build them from rows: kept here so that no ``*_api`` module imports
another."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from court.kinds import RULES, HearingKind
from court.states import HearingState
from hearing_server.db.models import Case, Hearing


class HearingOut(BaseModel):
    id: int
    case_id: int
    case_number: str
    kind: HearingKind
    title: str
    scheduled_start: datetime
    duration_minutes: int
    public: bool
    courtroom_id: int | None
    state: HearingState
    phase: str | None
    phases: list[str]


class HearingList(BaseModel):
    items: list[HearingOut]


def hearing_out(hearing: Hearing, case: Case) -> HearingOut:
    return HearingOut(
        id=hearing.id,
        case_id=case.id,
        case_number=case.number,
        kind=hearing.kind,
        title=hearing.title,
        scheduled_start=hearing.scheduled_start,
        duration_minutes=hearing.duration_minutes,
        public=hearing.public,
        courtroom_id=hearing.courtroom_id,
        state=hearing.state,
        phase=hearing.phase,
        phases=list(RULES[hearing.kind].phases),
    )


class InvitationOut(BaseModel):
    token: str = Field(description="Shown once; the server keeps only its hash.")
    url: str
    expires_at: datetime
