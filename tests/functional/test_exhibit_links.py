"""Signed links to an exhibit file and its pages (docs/architecture.md#exhibits): they stand for
their holder, whose access is checked again at each use and under whose name each use is
audited; changed, moved or late ones are refused; on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from config import Settings
from court.roles import Role
from court.states import HearingState
from hearing_server.api import recording_links
from hearing_server.db.database import Database
from hearing_server.db.models import Hearing, Participant
from hearing_server.exhibit_links import exhibit_link, exhibit_link_secret
from tests.callers import Caller, NewCaller, World, expire_invitation
from tests.functional.test_exhibit_pages import error_code, size_of
from tests.functional.test_exhibit_uploads import picture, upload
from tests.functional.test_exhibits_api import submit, trial
from tests.functional.test_recordings_api import audit_rows
from tests.pdf_files import made_by_pdfium


async def get(caller: Caller, url: str) -> tuple[int, bytes]:
    response = await caller.client.get(url)
    return response.status, await response.read()


def file_url(file_id: int, link: str) -> str:
    return f"/api/v1/exhibit-files/{file_id}?link={link}"


async def test_a_link_stands_for_its_holder_and_nothing_else(
    judge: Caller,
    anon: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    document = made_by_pdfium(2)
    pdf = (await upload(t.plaintiff, exhibit["id"], "合同.pdf", document))["file"]
    photo = (await upload(t.plaintiff, exhibit["id"], "p.png", picture("PNG", 40, 30)))["file"]
    before = datetime.now(UTC).timestamp()
    links = await t.plaintiff.call("POST", f"/exhibit-files/{pdf['id']}/links", expect=201)
    expires = datetime.fromisoformat(links["expires_at"]).timestamp()
    assert before + settings.exhibit_link_seconds - 2 <= expires <= time.time() + 3600 * 8
    link = parse_qs(urlsplit(links["file_url"]).query)["link"][0]
    assert links["file_url"] == file_url(pdf["id"], link)
    assert links["page_url"] == (
        f"/api/v1/exhibit-files/{pdf['id']}/pages/{{page}}?width={{width}}&link={link}"
    )

    # no credentials needed: the file (with ranges, for a <video>) and its pages
    assert await get(anon, links["file_url"]) == (200, document)
    ranged = await anon.client.get(links["file_url"], headers={"Range": "bytes=0-9"})
    assert ranged.status == 206 and await ranged.read() == document[:10]
    status, data = await get(anon, links["page_url"].format(page=2, width=480))
    assert status == 200 and size_of(data)[0] == 480
    holder = f"participant:{t.plaintiff_id}:张三"
    assert [
        (a.actor, a.detail and a.detail["via"])
        for a in await audit_rows(database, "view_exhibit_file")
    ] == [
        (holder, "signed_link"),
        (holder, "signed_link"),
    ]
    pages = await audit_rows(database, "view_exhibit_page")
    assert [(a.actor, a.detail and (a.detail["via"], a.detail["page"])) for a in pages] == [
        (holder, ("signed_link", 2))
    ]
    assert [a.actor for a in await audit_rows(database, "link_exhibit_file")] == [holder]

    # changed, moved to another file, made with another key, or late: 403, never more
    kind, number, until, signature = link.split(".")
    secret = exhibit_link_secret(settings.signing_key_path)
    refused = [
        (
            file_url(
                pdf["id"],
                f"{kind}.{number}.{until}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}",
            ),
            "link_invalid",
        ),
        (file_url(pdf["id"], f"{kind}.{t.defendant_id}.{until}.{signature}"), "link_invalid"),
        (file_url(pdf["id"], f"{kind}.{number}.{int(until) + 3600}.{signature}"), "link_invalid"),
        (file_url(photo["id"], link), "link_invalid"),
        (f"/api/v1/exhibit-files/{photo['id']}/pages/1?link={link}", "link_invalid"),
        (file_url(pdf["id"], ""), "link_invalid"),
        (file_url(pdf["id"], "garbage"), "link_invalid"),
        (file_url(pdf["id"], "participant%3A1.2.3.4"), "link_invalid"),
        (
            file_url(
                pdf["id"],
                exhibit_link(
                    recording_links.secret(settings.signing_key_path),
                    pdf["id"],
                    f"participant:{t.plaintiff_id}",
                    time.time(),
                    600,
                ),
            ),
            "link_invalid",
        ),
        (
            file_url(
                pdf["id"],
                exhibit_link(
                    secret, pdf["id"], f"participant:{t.plaintiff_id}", time.time() - 60, 30
                ),
            ),
            "link_expired",
        ),
    ]
    for url, code in refused:
        status, data = await get(anon, url)
        assert (status, error_code(data)) == (403, code), url
    status, data = await get(anon, file_url(pdf["id"], "x" * 201))
    assert status == 422

    # the holder's access is checked at each use: the other side's link works after the exchange
    theirs = exhibit_link(secret, pdf["id"], f"participant:{t.defendant_id}", time.time(), 600)
    assert (await get(anon, file_url(pdf["id"], theirs)))[0] == 404
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    assert (await get(anon, file_url(pdf["id"], theirs)))[0] == 200
    # and ends with the invitation it stands for
    await expire_invitation(database, t.defendant_id)
    status, data = await get(anon, file_url(pdf["id"], theirs))
    assert (status, error_code(data)) == (403, "link_invalid")


async def test_only_who_sees_a_file_gets_links_to_it(
    judge: Caller, anon: Caller, new_caller: NewCaller
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    pdf = (await upload(t.plaintiff, exhibit["id"], "a.pdf", made_by_pdfium(1)))["file"]
    path = f"/exhibit-files/{pdf['id']}/links"
    for caller, expected in [
        (anon, 401),
        (t.defendant, 404),
        (t.observer, 403),
        (t.witness, 403),
        (judge, 201),
    ]:
        assert (await caller.status("POST", path))[0] == expected
    assert (await t.plaintiff.status("POST", "/exhibit-files/999999/links"))[0] == 404
    made = await judge.call("POST", path, expect=201)
    assert (await get(anon, made["file_url"]))[0] == 200


async def test_links_for_seats_taken_without_an_invitation(
    judge: Caller,
    anon: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    world: World,
) -> None:
    """The live hearing makes links for its seats: a judge's stands for the judge's account, a
    detainee's at a terminal works only while the hearing is under way."""
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    pdf = (await upload(t.plaintiff, exhibit["id"], "a.pdf", made_by_pdfium(1)))["file"]
    async with database.session() as db:
        bench = await db.scalar(
            select(Participant.id).where(
                Participant.hearing_id == t.hearing_id, Participant.user_id == world.judge_id
            )
        )
        detainee = Participant(
            hearing_id=t.hearing_id,
            role=Role.DETAINEE,
            name="王六",
            side="plaintiff",
            detention_centre_id=world.centre_id,
        )
        db.add(detainee)
        await db.commit()
        detainee_id = detainee.id
    secret = exhibit_link_secret(settings.signing_key_path)

    def url(seat: int) -> str:
        return file_url(
            pdf["id"], exhibit_link(secret, pdf["id"], f"participant:{seat}", time.time(), 600)
        )

    assert bench is not None and (await get(anon, url(bench)))[0] == 200
    status, data = await get(anon, url(detainee_id))
    assert (status, error_code(data)) == (403, "link_invalid")
    async with database.session() as db:
        await db.execute(
            update(Hearing).where(Hearing.id == t.hearing_id).values(state=HearingState.IN_SESSION)
        )
        await db.commit()
    assert (await get(anon, url(detainee_id)))[0] == 200
    assert [a.actor for a in await audit_rows(database, "view_exhibit_file")] == [
        f"user:{world.judge_id}:judge",
        f"participant:{detainee_id}:王六",
    ]
