"""An exhibit put on the courtroom's screen (docs/architecture.md#exhibits). Showing it in a
hearing discloses it: from then on everyone taking part in the case's hearings sees it, as after
the exchange (court.exhibits.sees_exhibit's ``shown``). The live hearing calls
:func:`shown_file` when a seat asks to present a file, and :func:`mark_shown` once it is on
screen (a presentation refused after the check, e.g. for a page the file lacks, discloses
nothing); it never imports the REST API."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from court.exhibits import exhibit_label, side_of
from court.roles import Role
from hearing_server.admission_events import admitted_now
from hearing_server.db.models import Exhibit, ExhibitFile, Hearing, Participant, utcnow
from hearing_server.exhibit_visibility import case_exchange, seen_by
from signaling.store import ShownFile


async def shown_file(
    db: AsyncSession, hearing_id: int, presenter_participant_id: int, exhibit_id: int, file_id: int
) -> ShownFile | None:
    """The file as shown, when the seat `presenter_participant_id` of hearing `hearing_id` may
    put it on screen: the exhibit is one of the hearing's case's, not withdrawn, seen by the
    presenter (the bench sees all), and the file is one of its files. None otherwise."""
    hearing = await db.get(Hearing, hearing_id)
    seat = await db.get(Participant, presenter_participant_id)
    exhibit = await db.get(Exhibit, exhibit_id)
    file = await db.get(ExhibitFile, file_id)
    if hearing is None or seat is None or exhibit is None or file is None:
        return None
    if seat.hearing_id != hearing.id or exhibit.case_id != hearing.case_id:
        return None
    if exhibit.withdrawn_at is not None or file.exhibit_id != exhibit.id:
        return None
    called = seat.role is Role.WITNESS and await admitted_now(db, hearing, seat.id)
    exchange = await case_exchange(db, exhibit.case_id)
    if not seen_by(seat.role, side_of(seat.role, seat.side), called, exhibit, exchange):
        return None
    zh, en = exhibit_label(exhibit.side, exhibit.number)
    return ShownFile(
        exhibit_id=exhibit.id,
        label=zh,
        label_en=en,
        title=exhibit.title,
        file_id=file.id,
        media_type=file.media_type,
        display_name=file.display_name,
        pages=file.pages,
    )


async def mark_shown(db: AsyncSession, exhibit_id: int) -> None:
    """The exhibit is on screen in court: disclosed from now on (the first time is kept)."""
    await db.execute(
        update(Exhibit)
        .where(Exhibit.id == exhibit_id, Exhibit.first_shown_at.is_(None))
        .values(first_shown_at=utcnow())
    )
    await db.commit()
