"""Who sees a hearing's identity checks and stills (docs/architecture.md#identity-check): the
case's judge and the court's clerks, audited; another court's staff 404; administrators,
terminals and the hearing's own participants 403; malformed ids 404 or 4xx, never a 500."""

from __future__ import annotations

from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, IdentityCheckRow
from hearing_server.identity_stills import store_still
from hearing_server.records.archive import recording_storage
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing

STILL = b"\xff\xd8\xff\xe0 the party's face \xff\xd9"


async def test_only_the_bench_and_the_courts_clerks_see_the_checks(
    judge: Caller,
    clerk: Caller,
    new_caller: NewCaller,
    world: World,
    database: Database,
    settings: Settings,
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A民初3号")
    party = await invite(judge, hearing["id"], role="party", name="张三", side="plaintiff")
    digest = store_still(recording_storage(settings), hearing["id"], STILL)
    async with database.session() as db:
        row = IdentityCheckRow(
            hearing_id=hearing["id"],
            participant_id=party["participant"]["id"],
            document_type="resident_id",
            digits="1234",
            checked_by="participant:1:审判员",
            still_sha256=digest,
            still_bytes=len(STILL),
        )
        db.add(row)
        await db.commit()
        check_id = row.id
    listing = f"/hearings/{hearing['id']}/identity-checks"
    still = f"/identity-checks/{check_id}/still"

    for caller in (judge, clerk):
        [item] = (await caller.call("GET", listing))["items"]
        assert (item["digits"], item["participant_name"], item["still"]) == ("1234", "张三", True)
        response = await caller.client.get("/api/v1" + still)
        assert response.status == 200 and await response.read() == STILL
        assert response.headers["Content-Type"] == "image/jpeg"

    other_court = await new_caller()
    await other_court.login("judge_b")
    admin = await new_caller()
    await admin.login("admin")
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    checked = await holder(new_caller, party["invitation"]["token"])
    for caller, status in ((other_court, 404), (admin, 403), (terminal, 403), (checked, 403)):
        for path in (listing, still):
            got, body = await caller.status("GET", path)
            assert got == status, (path, got, body)

    for path in (
        "/hearings/999999/identity-checks",
        "/identity-checks/999999/still",
        "/identity-checks/0/still",
        "/identity-checks/abc/still",
    ):
        got, body = await judge.status("GET", path)
        assert 400 <= got < 500, (path, got, body)

    async with database.session() as db:
        actions = list(await db.scalars(select(AuditEntry.action)))
    assert actions.count("list_identity_checks") == 2 and actions.count("view_identity_still") == 2
