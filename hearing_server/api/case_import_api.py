"""Importing many cases at once (docs/architecture.md#case-import): a list of parties, one a row,
as CSV or XLSX (court/case_list.py reads it, hearing_server/spreadsheets.py unpacks it) makes,
for each case number, the case, one hearing of it at the start given, its judge (and the clerk
who imports) on the bench, and each party a participant with their invitation link. A list
with any bad row makes nothing: the answer names every bad cell by line and column (422
``bad_rows``), a case number the court already has included.

The rows are written in a few bulk statements, not one at a time (5,000 cases in seconds,
bench/import_cases.py), in the request's one transaction, and the import audited once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from court.case_list import (
    CaseList,
    CaseRows,
    existing_cases,
    parse_case_csv,
    parse_case_rows,
    reported,
)
from court.exhibits import ExhibitSide
from court.kinds import RULES, HearingKind
from court.permissions import Action
from court.roles import Role
from court.states import HearingState
from hearing_server.api.bad_rows import bad_rows
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.fields import CourtTime, Id
from hearing_server.api.outputs import InvitationOut
from hearing_server.api.raw_body import RawBody
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.auth import Principal
from hearing_server.db.models import Case, Court, Hearing, HearingEvent, Participant, User
from hearing_server.invitations import new_invitation_token
from hearing_server.keys import SETTINGS
from hearing_server.spreadsheets import (
    CSV,
    MAX_FILE_BYTES,
    XLSX,
    SheetRefused,
    csv_text,
    xlsx_rows,
)

NUMBERS_PER_QUERY = 10_000
"""Case numbers looked up in one query (both databases take this many parameters)."""


class CaseImportQuery(BaseModel):
    scheduled_start: CourtTime = Field(description="When each case's hearing starts.")
    kind: HearingKind = Field(
        default=HearingKind.MEDIATION, description="The cases' kind and their hearings'."
    )
    judge_id: Id | None = Field(
        default=None, description="The judge in charge; defaults to the caller if a judge."
    )
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)
    valid_hours: float | None = Field(
        default=None, gt=0, le=24 * 365, description="How long the invitations work."
    )


class ImportedParty(BaseModel):
    line: int
    participant_id: int
    name: str
    role: Role
    side: ExhibitSide | None
    invitation: InvitationOut


class ImportedCase(BaseModel):
    line: int
    """The line of the case's first row."""
    case_id: int
    number: str
    hearing_id: int
    parties: list[ImportedParty]


class CaseImportOut(BaseModel):
    cases: int
    participants: int
    """Parties invited (the bench not counted)."""
    items: list[ImportedCase]


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/courts/{court_id}/case-imports",
        summary="Import cases from a CSV or XLSX list of parties, each with a hearing (all or none)",
        tag="cases",
        query=CaseImportQuery,
        raw_body=RawBody(
            CSV,
            "The list: a CSV (UTF-8 or GB18030) or an XLSX (its first sheet), one party a row.",
            other_types=(XLSX,),
        ),
        response=CaseImportOut,
        status=201,
        errors=(413, 422),
    )
    async def import_cases(
        ctx: Ctx, query: CaseImportQuery, headers: dict[str, int]
    ) -> CaseImportOut:
        who = ctx.require(Action.MANAGE_CASES)
        ctx.require(Action.SCHEDULE_HEARING)
        court_id = ctx.ids["court_id"]
        if await ctx.db.get(Court, court_id) is None:
            raise not_found(f"court {court_id}")
        if who.court_id != court_id:
            raise ApiError(403, "forbidden", "you import cases into your own court only")
        rules = RULES[query.kind]
        if Role.PARTY not in rules.roles or Role.AGENT not in rules.roles:
            raise ApiError(422, "invalid_request", f"a {query.kind} has no parties to import")
        bench = await _bench(ctx, who, query.judge_id, court_id)
        data = await _read_file(ctx.request)
        await ctx.db.commit()  # nothing of the database is held while the list is read
        listed = await asyncio.to_thread(_parse, ctx.request.content_type, data)
        problems = listed.problems or existing_cases(
            listed.cases, await _existing([case.number for case in listed.cases], ctx)
        )
        if problems:
            raise bad_rows(reported(problems), len(problems))
        try:
            out = await _write(ctx, who, court_id, bench, listed, query)
        except IntegrityError as exc:  # another request made one of the cases meanwhile
            raise ApiError(
                409, "conflict", "a case of the list was made meanwhile: import it again"
            ) from exc
        audit(
            ctx.db,
            who.label,
            "import_cases",
            "court",
            court_id,
            ctx.client_ip,
            {"cases": out.cases, "participants": out.participants, "kind": query.kind},
        )
        return out


async def _bench(ctx: Ctx, who: Principal, judge_id: int | None, court_id: int) -> list[User]:
    """The judge who presides over each hearing (named, else the caller if a judge) and the
    caller if a clerk."""
    judge_id = judge_id or (who.id if who.role is Role.JUDGE else None)
    if judge_id is None:
        raise ApiError(422, "invalid_request", "name the judge in charge of the cases (judge_id)")
    judge = await ctx.db.get(User, judge_id)
    if (
        judge is None
        or judge.role is not Role.JUDGE
        or judge.court_id != court_id
        or not judge.active
    ):
        raise ApiError(
            422, "invalid_request", f"user {judge_id} is not an active judge of this court"
        )
    clerk = await ctx.db.get(User, who.id) if who.role is Role.CLERK else None
    return [judge] if clerk is None else [judge, clerk]


async def _read_file(request: web.Request) -> bytes:
    """The body, at most MAX_FILE_BYTES (413 past them), within the server's body time."""
    refused = ApiError(
        413, "payload_too_large", f"the list is larger than the {MAX_FILE_BYTES} bytes accepted"
    )
    if request.content_length is not None and request.content_length > MAX_FILE_BYTES:
        raise refused
    limit = request.app[SETTINGS].http_body_seconds
    data = bytearray()
    try:
        async with asyncio.timeout(limit):
            while piece := await request.content.readany():
                data += piece
                if len(data) > MAX_FILE_BYTES:
                    raise refused
    except TimeoutError as exc:
        raise ApiError(
            408, "request_timeout", f"the list did not arrive within {limit:g} s"
        ) from exc
    return bytes(data)


def _parse(media_type: str, data: bytes) -> CaseList:
    try:
        if media_type == XLSX:
            return parse_case_rows(xlsx_rows(data))
        return parse_case_csv(csv_text(data))
    except SheetRefused as refusal:
        raise ApiError(refusal.status, refusal.code, refusal.message) from refusal


async def _existing(numbers: list[str], ctx: Ctx) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), NUMBERS_PER_QUERY):
        chunk = numbers[start : start + NUMBERS_PER_QUERY]
        found.update(await ctx.db.scalars(select(Case.number).where(Case.number.in_(chunk))))
    return found


async def _write(
    ctx: Ctx,
    who: Principal,
    court_id: int,
    bench: list[User],
    listed: CaseList,
    query: CaseImportQuery,
) -> CaseImportOut:
    """Every case, hearing, participant and event of the list, a statement each kind."""
    db, kind, cases = ctx.db, query.kind, listed.cases
    judge_id = bench[0].id
    # Each RETURNING names its row's key: rows come back in batches of the database's order, and
    # asking for the parameters' order makes SQLite's batches a row each (10,000 statements).
    made_cases = await db.execute(
        insert(Case).returning(Case.id, Case.number),
        [
            dict(court_id=court_id, number=c.number, title=c.title, kind=kind, judge_id=judge_id)
            for c in cases
        ],
    )
    case_of = {number: case_id for case_id, number in made_cases}
    case_ids = [case_of[c.number] for c in cases]
    made_hearings = await db.execute(
        insert(Hearing).returning(Hearing.id, Hearing.case_id),
        [
            dict(
                case_id=case_id,
                kind=kind,
                title=c.title,
                scheduled_start=query.scheduled_start,
                duration_minutes=query.duration_minutes,
                public=False,
                state=HearingState.SCHEDULED,
            )
            for case_id, c in zip(case_ids, cases, strict=True)
        ],
    )
    hearing_of = {case_id: hearing_id for hearing_id, case_id in made_hearings}
    hearing_ids = [hearing_of[case_id] for case_id in case_ids]
    settings = ctx.request.app[SETTINGS]
    hours = settings.invitation_ttl_hours if query.valid_hours is None else query.valid_hours
    lifetime = timedelta(hours=hours)
    rows: list[dict[str, Any]] = []
    invitations: list[InvitationOut] = []
    for hearing_id, c in zip(hearing_ids, cases, strict=True):
        for party in c.parties:
            issued, token_hash = new_invitation_token(settings.base_url, lifetime)
            invitations.append(InvitationOut(**vars(issued)))
            rows.append(
                dict(
                    hearing_id=hearing_id,
                    role=party.role,
                    name=party.name,
                    side=party.side,
                    email=party.email,
                    phone=party.phone,
                    language=party.language,
                    time_zone=party.time_zone,
                    invitation_token_hash=token_hash,
                    invitation_expires_at=issued.expires_at,
                )
            )
    made_parties = await db.execute(
        insert(Participant).returning(Participant.id, Participant.hearing_id, Participant.name),
        rows,
        # NULLs written as such: else rows with and without a phone are told apart and each
        # change of the two makes a statement of its own
        execution_options={"render_nulls": True},
    )
    # a name is once in a case (court/case_list.py), so a hearing and a name make the key
    party_of = {(hearing_id, name): party_id for party_id, hearing_id, name in made_parties}
    participant_ids = [party_of[(row["hearing_id"], row["name"])] for row in rows]
    await db.execute(
        insert(Participant),
        [
            dict(
                hearing_id=hearing_id,
                role=user.role,
                name=user.display_name,
                user_id=user.id,
                presiding=user.role is Role.JUDGE,
            )
            for hearing_id in hearing_ids
            for user in bench
        ],
    )
    await db.execute(
        insert(HearingEvent),
        [
            dict(hearing_id=h, kind="scheduled", actor=who.label, to_value=HearingState.SCHEDULED)
            for h in hearing_ids
        ],
    )
    return _answer(cases, case_ids, hearing_ids, participant_ids, invitations)


def _answer(
    cases: list[CaseRows],
    case_ids: list[int],
    hearing_ids: list[int],
    participant_ids: list[int],
    invitations: list[InvitationOut],
) -> CaseImportOut:
    items: list[ImportedCase] = []
    made = iter(zip(participant_ids, invitations, strict=True))
    for c, case_id, hearing_id in zip(cases, case_ids, hearing_ids, strict=True):
        parties = [
            ImportedParty(
                line=party.line,
                participant_id=participant_id,
                name=party.name,
                role=party.role,
                side=party.side,
                invitation=invitation,
            )
            for party, (participant_id, invitation) in zip(c.parties, made, strict=False)
        ]
        items.append(
            ImportedCase(
                line=c.line,
                case_id=case_id,
                number=c.number,
                hearing_id=hearing_id,
                parties=parties,
            )
        )
    return CaseImportOut(cases=len(items), participants=len(participant_ids), items=items)
