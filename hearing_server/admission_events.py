"""Who the court has admitted into a hearing, as its timeline says: the events that let a
participant in or take them out, and whether one is in now. Shared by the live hearings'
store and the REST rules that depend on it (a witness sees exhibits once called)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.states import LIVE
from hearing_server.db.models import Hearing, HearingEvent

ADMISSION_EVENTS = {
    "admitted": True,
    "sent_back": False,
    "left": False,
    "left_without_leave": False,
    "removed": False,
    "invitation_ended": False,
}
"""Timeline events that put a participant in (True) or out of (False) the hearing."""


async def admitted_now(db: AsyncSession, hearing: Hearing, participant_id: int) -> bool:
    """Whether the hearing is under way and its timeline last says this person was admitted."""
    if hearing.state not in LIVE:
        return False
    events = await db.scalars(
        select(HearingEvent)
        .where(HearingEvent.hearing_id == hearing.id, HearingEvent.kind.in_(ADMISSION_EVENTS))
        .order_by(HearingEvent.id)
    )
    admitted = False
    for event in events:
        if (event.data or {}).get("participant_id") == participant_id:
            admitted = ADMISSION_EVENTS[event.kind]
    return admitted
