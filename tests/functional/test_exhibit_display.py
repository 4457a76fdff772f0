"""An exhibit put on screen in court (hearing_server/exhibit_display.py): only by a seat that
may show it, of the hearing's case, and once shown it is disclosed to everyone taking part in
the case's hearings, exchange or not; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, update

from court.roles import Role
from court.states import HearingState
from hearing_server.db.database import Database
from hearing_server.db.models import Exhibit, Hearing, HearingEvent, Participant
from hearing_server.exhibit_display import mark_shown, shown_file
from signaling.store import ShownFile
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.functional.test_exhibit_pages import page
from tests.functional.test_exhibit_uploads import fetch, picture, upload
from tests.functional.test_exhibits_api import submit, trial
from tests.pdf_files import made_by_pdfium


async def first_shown(database: Database, exhibit_id: int) -> object:
    async with database.session() as db:
        return await db.scalar(select(Exhibit.first_shown_at).where(Exhibit.id == exhibit_id))


async def test_a_file_shown_in_court_is_seen_by_everyone_taking_part(
    judge: Caller, new_caller: NewCaller, database: Database, world: World
) -> None:
    t = await trial(judge, new_caller)
    mine = await submit(t.plaintiff, t.case_id)
    pdf = (await upload(t.plaintiff, mine["id"], "合同.pdf", made_by_pdfium(2)))["file"]
    kept = await submit(t.plaintiff, t.case_id, "另一份")
    photo = (await upload(t.plaintiff, kept["id"], "p.png", picture("PNG", 40, 30)))["file"]
    theirs = await submit(t.defendant, t.case_id, "收据")
    receipt = (await upload(t.defendant, theirs["id"], "r.pdf", made_by_pdfium(1)))["file"]
    other = await schedule_hearing(judge, "(2026)A民初2号")
    stranger_seat = await invite(judge, other["id"], side="plaintiff")
    stranger = await holder(new_caller, stranger_seat["invitation"]["token"])
    async with database.session() as db:
        bench = await db.scalar(
            select(Participant.id).where(
                Participant.hearing_id == t.hearing_id, Participant.user_id == world.judge_id
            )
        )
        observer = await db.scalar(
            select(Participant.id).where(
                Participant.hearing_id == t.hearing_id, Participant.role == Role.OBSERVER
            )
        )
    assert bench is not None and observer is not None
    h = t.hearing_id

    async def show(
        presenter: int, exhibit_id: int, file_id: int, hearing: int = h
    ) -> ShownFile | None:
        async with database.session() as db:
            file = await shown_file(db, hearing, presenter, exhibit_id, file_id)
            if file is not None:  # as the live store does once it is on screen
                await mark_shown(db, exhibit_id)
            return file

    # refused: not theirs to see yet, the wrong file, another hearing's seat or case, no such
    assert await show(t.defendant_id, mine["id"], pdf["id"]) is None
    assert await show(t.plaintiff_id, mine["id"], photo["id"]) is None
    assert await show(stranger_seat["participant"]["id"], mine["id"], pdf["id"]) is None
    assert (
        await show(stranger_seat["participant"]["id"], mine["id"], pdf["id"], other["id"]) is None
    )
    assert await show(observer, mine["id"], pdf["id"]) is None
    assert await show(t.witness_id, mine["id"], pdf["id"]) is None  # not called
    assert await show(t.plaintiff_id, 999999, pdf["id"]) is None
    assert await show(t.plaintiff_id, mine["id"], pdf["id"], 999999) is None
    assert await first_shown(database, mine["id"]) is None
    assert (await fetch(t.defendant, pdf["id"]))[0] == 404

    async with database.session() as db:  # checking alone discloses nothing
        assert await shown_file(db, h, t.plaintiff_id, mine["id"], pdf["id"]) is not None
    assert await first_shown(database, mine["id"]) is None
    shown = await show(t.plaintiff_id, mine["id"], pdf["id"])
    assert shown == ShownFile(
        exhibit_id=mine["id"],
        label="原告证据1",
        label_en="Plaintiff's exhibit 1",
        title="买卖合同",
        file_id=pdf["id"],
        media_type="application/pdf",
        display_name="合同.pdf",
        pages=2,
    )
    at = await first_shown(database, mine["id"])
    assert at is not None
    # disclosed: the other side sees it (its files and pages), not the exhibit never shown
    assert (await t.defendant.status("GET", f"/exhibits/{mine['id']}"))[0] == 200
    assert (await fetch(t.defendant, pdf["id"]))[0] == 200
    assert (await page(t.defendant, pdf["id"], 2, "?width=480"))[0] == 200
    assert (await t.defendant.status("GET", f"/exhibits/{kept['id']}"))[0] == 404
    # still not observers, nor another case's parties
    assert (await t.observer.status("GET", f"/exhibits/{mine['id']}"))[0] == 403
    assert (await fetch(stranger, pdf["id"]))[0] == 404
    # shown again, by the other side now: the first time stays
    assert await show(t.defendant_id, mine["id"], pdf["id"]) is not None
    assert await first_shown(database, mine["id"]) == at

    # the bench shows anything of the case; a called witness what they see
    assert (await show(bench, theirs["id"], receipt["id"])) is not None
    assert (await t.plaintiff.status("GET", f"/exhibits/{theirs['id']}"))[0] == 200
    async with database.session() as db:
        await db.execute(
            update(Hearing).where(Hearing.id == h).values(state=HearingState.IN_SESSION)
        )
        db.add(
            HearingEvent(
                hearing_id=h, kind="admitted", actor="judge", data={"participant_id": t.witness_id}
            )
        )
        await db.commit()
    assert await show(t.witness_id, mine["id"], pdf["id"]) is not None
    assert await show(t.witness_id, kept["id"], photo["id"]) is None

    # a withdrawn exhibit is not shown
    await t.plaintiff.call("POST", f"/exhibits/{kept['id']}/withdraw")
    assert await show(bench, kept["id"], photo["id"]) is None
    assert await first_shown(database, kept["id"]) is None
