"""Cases imported in bulk from a CSV or XLSX list (docs/architecture.md#case-import): the 43 wage
claims of a batch mediation become 43 cases, a hearing each and their parties' invitations; a
list with bad rows makes nothing and names them by line and column; hostile files and
wrong-person requests get a clear 4xx; both databases."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Any

from sqlalchemy import func, select

from hearing_server.db.database import Database
from hearing_server.db.models import Case, Hearing, Participant
from hearing_server.spreadsheets import CSV, MAX_FILE_BYTES, MAX_UNPACKED_BYTES, XLSX
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.case_lists import BAD_CELLS, CASES, EMPLOYER, as_csv, as_xlsx, wage_rows, with_bad_rows

START = "2026-12-07T09:00:00+08:00"


async def upload(
    caller: Caller, court_id: int, data: bytes, media_type: str = CSV, **params: Any
) -> tuple[int, Any]:
    """POST the list as the request body; the status and the JSON answer."""
    query = {"scheduled_start": START, **{k: str(v) for k, v in params.items()}}
    response = await caller.client.post(
        f"/api/v1/courts/{court_id}/case-imports",
        data=data,
        params=query,
        headers={**caller.credentials(), "Content-Type": media_type},
    )
    body = await response.json() if response.content_type == "application/json" else None
    if response.status >= 400:
        assert body is not None and {"code", "message"} <= set(body["error"]), body
    return response.status, body


async def counts(database: Database) -> tuple[int, int, int]:
    async with database.session() as db:
        return (
            await db.scalar(select(func.count()).select_from(Case)) or 0,
            await db.scalar(select(func.count()).select_from(Hearing)) or 0,
            await db.scalar(select(func.count()).select_from(Participant)) or 0,
        )


async def test_43_wage_claims_from_csv_make_cases_hearings_and_invitations(
    judge: Caller, world: World, database: Database, new_caller: NewCaller
) -> None:
    before = await counts(database)
    status, made = await upload(judge, world.court_id, as_csv(wage_rows()).encode())
    assert status == 201, made
    assert (made["cases"], made["participants"], len(made["items"])) == (CASES, 2 * CASES, CASES)
    # each case, its hearing, the judge presiding, and two parties invited
    assert await counts(database) == (before[0] + CASES, before[1] + CASES, before[2] + 3 * CASES)
    first = made["items"][0]
    assert (first["line"], first["number"]) == (2, "(2026)浙0402民调1号")
    assert [(p["line"], p["name"], p["role"], p["side"]) for p in first["parties"]] == [
        (2, "工人1", "party", "plaintiff"),
        (3, EMPLOYER, "party", "defendant"),
    ]
    case = await judge.call("GET", f"/cases/{first['case_id']}")
    assert (case["kind"], case["title"], case["judge_id"]) == (
        "mediation",
        "劳动报酬纠纷",
        world.judge_id,
    )
    (hearing,) = case["hearings"]
    assert hearing["id"] == first["hearing_id"]
    assert hearing["scheduled_start"].startswith("2026-12-07T01:00:00")
    people = await judge.call("GET", f"/hearings/{first['hearing_id']}/participants")
    assert [(p["role"], p["name"], p["presiding"]) for p in people["items"]] == [
        ("party", "工人1", False),
        ("party", EMPLOYER, False),
        ("judge", "judge", True),
    ]
    abroad = made["items"][9]["parties"][0]
    async with database.session() as db:
        kept = await db.get(Participant, abroad["participant_id"])
        assert kept is not None
        assert (kept.email, kept.phone, kept.language, kept.time_zone) == (
            "worker10@example.com",
            "13800138010",
            "en",
            "Europe/Berlin",
        )
    worker = await holder(new_caller, abroad["invitation"]["token"])
    seen = await worker.call("GET", "/invitation")
    assert (seen["case_number"], seen["name"]) == ("(2026)浙0402民调10号", "工人10")


async def test_the_same_list_as_xlsx_imported_by_a_clerk(
    clerk: Caller, world: World, database: Database
) -> None:
    rows = wage_rows(prefix="(2026)浙0402民调X")
    status, made = await upload(
        clerk, world.court_id, as_xlsx(rows), XLSX, judge_id=world.judge_id, kind="civil_trial"
    )
    assert status == 201, made
    assert (made["cases"], made["participants"]) == (CASES, 2 * CASES)
    people = await clerk.call("GET", f"/hearings/{made['items'][0]['hearing_id']}/participants")
    assert sorted(p["role"] for p in people["items"]) == ["clerk", "judge", "party", "party"]
    async with database.session() as db:
        phone = await db.scalar(
            select(Participant.phone).where(
                Participant.id == made["items"][0]["parties"][0]["participant_id"]
            )
        )
    assert phone == "13800138001"


async def test_three_bad_rows_make_nothing_and_are_named(
    judge: Caller, world: World, database: Database
) -> None:
    before = await counts(database)
    for data, media_type in (
        (as_csv(with_bad_rows(wage_rows())).encode(), CSV),
        (as_xlsx(with_bad_rows(wage_rows())), XLSX),
    ):
        status, body = await upload(judge, world.court_id, data, media_type)
        assert (status, body["error"]["code"]) == (422, "bad_rows")
        details = body["error"]["details"]
        assert [(d["line"], d["column"], d["code"]) for d in details] == BAD_CELLS
        assert all(d["message"] and d["message_zh"] for d in details)
        assert "时区" in details[1]["message_zh"]
    assert await counts(database) == before

    # a case number the court already has is a bad row too, on each of its rows
    await schedule_hearing(judge, "(2026)浙0402民调2号")
    before = await counts(database)
    status, body = await upload(judge, world.court_id, as_csv(wage_rows(3)).encode())
    assert [(d["line"], d["column"], d["code"]) for d in body["error"]["details"]] == [
        (4, "case_number", "exists"),
        (5, "case_number", "exists"),
    ]
    assert await counts(database) == before


async def test_wrong_people_are_refused(
    judge: Caller,
    anon: Caller,
    admin: Caller,
    other_judge: Caller,
    world: World,
    new_caller: NewCaller,
) -> None:
    data = as_csv(wage_rows(2)).encode()
    assert (await upload(anon, world.court_id, data))[0] == 401
    assert (await upload(admin, world.court_id, data))[0] == 403
    assert (await upload(other_judge, world.court_id, data))[0] == 403
    assert (await upload(judge, world.other_court_id, data))[0] == 403
    assert (await upload(judge, 999_999, data))[0] == 404
    hearing = await schedule_hearing(judge, "(2026)A民初9号")
    party = await holder(new_caller, (await invite(judge, hearing["id"]))["invitation"]["token"])
    assert (await upload(party, world.court_id, data))[0] == 403
    # a judge of another court cannot be put in charge
    status, body = await upload(judge, world.court_id, data, judge_id=world.other_judge_id)
    assert (status, body["error"]["code"]) == (422, "invalid_request")
    # the CSRF token goes with a cookie's write
    response = await judge.client.post(
        f"/api/v1/courts/{world.court_id}/case-imports",
        data=data,
        params={"scheduled_start": START},
        headers={"Content-Type": CSV},
    )
    assert response.status == 403


async def test_hostile_and_malformed_requests_get_a_clear_4xx(
    judge: Caller, world: World, database: Database
) -> None:
    before = await counts(database)
    court = world.court_id
    good = as_csv(wage_rows(2)).encode()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    cases: list[tuple[bytes, str, dict[str, Any], int, str | None]] = [
        (b"not a zip", XLSX, {}, 422, "not_xlsx"),
        (good, XLSX, {}, 422, "not_xlsx"),
        (bomb.getvalue(), XLSX, {}, 413, "xlsx_too_large"),
        (b"x" * (MAX_FILE_BYTES + 1), CSV, {}, 413, "payload_too_large"),
        (b"", CSV, {}, 422, "bad_rows"),
        (b"", XLSX, {}, 422, "not_xlsx"),
        (good, "application/json", {}, 415, "unsupported_media_type"),
        (good, "application/pdf", {}, 415, "unsupported_media_type"),
        (b"\xff\xfe\xff\xff", CSV, {}, 422, "not_text"),
        (b"a,b\n", CSV, {}, 422, "bad_rows"),
        (good, CSV, {"kind": "panel_deliberation"}, 422, "invalid_request"),
        (good, CSV, {"kind": "tea_party"}, 422, "invalid_request"),
        (good, CSV, {"scheduled_start": "tomorrow"}, 422, "invalid_request"),
        (good, CSV, {"scheduled_start": "20250-01-01T09:00:00Z"}, 422, "invalid_request"),
        (good, CSV, {"duration_minutes": "0"}, 422, "invalid_request"),
        (good, CSV, {"judge_id": "0"}, 422, "invalid_request"),
        (good, CSV, {"valid_hours": "-1"}, 422, "invalid_request"),
    ]
    for data, media_type, params, expected, code in cases:
        status, body = await upload(judge, court, data, media_type, **params)
        assert (status, body["error"]["code"]) == (expected, code), (media_type, params, body)
    # no start at all
    response = await judge.client.post(
        f"/api/v1/courts/{court}/case-imports",
        data=good,
        headers={**judge.credentials(), "Content-Type": CSV},
    )
    assert response.status == 422
    # a formula without its saved value reads empty: a bad cell, not a crash
    rows = wage_rows(1)
    rows[0][2] = "=B2"
    status, body = await upload(judge, court, as_xlsx(rows), XLSX)
    assert [(d["line"], d["column"]) for d in body["error"]["details"]] == [(2, "name")]
    assert await counts(database) == before


async def test_two_imports_of_one_list_at_once_make_it_once(
    judge: Caller, clerk: Caller, world: World, database: Database
) -> None:
    """The second finds the first's cases (422) or meets them at the unique number (409)."""
    data = as_csv(wage_rows(20, prefix="(2026)并发")).encode()
    before = await counts(database)
    answers = await asyncio.gather(
        upload(judge, world.court_id, data),
        upload(clerk, world.court_id, data, judge_id=world.judge_id),
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses in ([201, 409], [201, 422]), answers
    assert (await counts(database))[0] == before[0] + 20
