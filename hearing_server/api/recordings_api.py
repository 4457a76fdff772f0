"""Retrieving hearing recordings (docs/architecture.md#roles-and-permissions,
#recording-and-archive): search, detail with the hearing's timeline, the archive video
streamed with byte ranges or downloaded, integrity checks, and the court's
grants to parties. Every access is written to the audit log.

Who retrieves what: a judge the recordings of their own cases (the case's judge, or a judge
sitting in the hearing); a clerk every recording of their court; a party, agent, counsel,
prosecutor, creditor or interpreter only a recording of their own hearing the court granted
them; witnesses, observers, administrators and detention-centre terminals none.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, func, or_, select

from court.kinds import HearingKind
from court.permissions import Action, check
from court.roles import BENCH, Role
from hearing_server.api import recording_links
from hearing_server.api.byte_ranges import RangeNotSatisfiable, parse_range
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.fields import Id
from hearing_server.api.file_response import StoredFileResponse, content_disposition
from hearing_server.api.outputs import InvitationOut
from hearing_server.api.queries import day_bounds, escape_like
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.archive import (
    ArchiveCheck,
    SigningKeyError,
    archive_chapters,
    read_manifest,
    recording_storage,
    server_public_key,
    verify_stored,
)
from hearing_server.audit import audit
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.db.models import (
    Case,
    Hearing,
    HearingEvent,
    Participant,
    Recording,
    RecordingGrant,
    Segment,
    Track,
)
from hearing_server.invitations import issue_invitation
from hearing_server.keys import SETTINGS
from recording.storage import Storage

TIMELINE_KINDS = frozenset(
    {
        "scheduled",
        "state",
        "phase",
        "recording",
        "recording_interrupted",
        "joined",
        "reconnected",
        "dropped",
        "left",
        "admitted",
        "sent_back",
        "removed",
        "identity_verified",
        "muted",
        "unmuted",
        "muted_all",
    }
)
"""Hearing events shown with a recording. Messages, raised hands and private consultations
stay out: they are not part of the public record of the proceedings."""


class RecordingQuery(BaseModel):
    case_number: str | None = Field(
        default=None, max_length=100, description="Part of the case number."
    )
    date: dt.date | None = Field(
        default=None, description="Recorded (or, if never started, scheduled) on this day."
    )
    party: str | None = Field(
        default=None, max_length=200, description="Part of a participant's name."
    )
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=2**31 - 1)


class RecordingOut(BaseModel):
    id: int
    hearing_id: int
    case_id: int
    case_number: str
    case_title: str
    hearing_title: str
    kind: HearingKind
    state: str = Field(description="idle, recording, paused, finalizing, sealed or failed")
    started_at: datetime | None
    ended_at: datetime | None
    sealed: bool
    archive_available: bool = Field(description="The archive video can be streamed.")
    render_state: Literal["pending", "rendering", "done", "failed"] | None = Field(
        description="The archive render: null before it first starts; failed when it was "
        "given up after its last attempt (the sealed segment files are kept)."
    )


class RecordingList(BaseModel):
    items: list[RecordingOut]
    total: int


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    actor: str | None
    from_value: str | None
    to_value: str | None
    participant_id: int | None = Field(description="Whom the event concerns, if anyone.")
    participant_name: str | None


class ChapterOut(BaseModel):
    title: str
    start_seconds: float
    end_seconds: float


class SealOut(BaseModel):
    sealed: bool
    sealed_at: str | None
    verification_code: str | None = Field(
        description="As written when the record was sealed; the verify endpoint recomputes it."
    )


class ArchiveOut(BaseModel):
    url: str
    bytes: int | None
    sha256: str | None


class FileOut(BaseModel):
    kind: Literal["segment", "archive", "manifest"]
    path: str = Field(description="Key in the recordings storage.")
    sha256: str | None
    bytes: int | None
    track_id: int | None = None
    participant_id: int | None = None
    participant_name: str | None = None
    media: str | None = Field(default=None, description="video or audio")
    codec: str | None = None
    seq: int | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


class GrantOut(BaseModel):
    participant_id: int
    name: str
    role: Role
    granted_by: str
    granted_at: datetime


class RecordingDetail(RecordingOut):
    seal: SealOut
    archive: ArchiveOut | None
    chapters: list[ChapterOut]
    chapters_source: Literal["archive", "timeline"] = Field(
        description="archive: the chapters of the video, in its own time (recesses cut out); "
        "timeline: procedure phases from the hearing's events, in seconds from the start."
    )
    timeline: list[TimelineEntry]
    files: list[FileOut] | None = Field(description="Clerks only.")
    grants: list[GrantOut] | None = Field(description="Judges and clerks only.")
    time_zone: str = Field(
        description="The court's time zone (IANA name): the timeline's and the burned-in "
        "clock's times are meant in it (parties have no session that says so)."
    )


class ArchiveQuery(BaseModel):
    download: bool = Field(
        default=False, description="Save as a file (attachment) instead of playing inline."
    )
    by: str | None = Field(
        default=None,
        max_length=40,
        description="Signed link (from POST …/archive/link): whom it was made for.",
    )
    expires: int | None = Field(
        default=None, ge=0, le=2**40, description="Signed link: when it expires (UNIX seconds)."
    )
    signature: str | None = Field(
        default=None,
        max_length=100,
        description="Signed link: its HMAC. With by and expires it stands for the credentials "
        "of whom it was made for; a changed or expired link gets 403.",
    )


class ArchiveLink(BaseModel):
    url: str = Field(
        description="Streams the archive (Range requests, so a <video> element can seek) "
        "without credentials until it expires; add `&download=true` to save it."
    )
    expires_at: datetime


class GrantIn(BaseModel):
    participant_id: Id
    invitation_hours: float | None = Field(
        default=None,
        gt=0,
        le=24 * 365,
        description="Also issue a new invitation link valid this long (the old one stops "
        "working): after the hearing, a link serves only to retrieve what was granted.",
    )


class GrantCreated(BaseModel):
    grant: GrantOut
    invitation: InvitationOut | None


class ProblemOut(BaseModel):
    kind: str = Field(
        description="manifest_unreadable, entry_changed, chain_broken, head_mismatch, "
        "manifest_changed, signature_invalid, key_mismatch, file_missing or file_changed"
    )
    subject: str = Field(description='What changed: "entry 3 (file …)", a file, or "manifest".')
    detail: str


class VerifyOut(BaseModel):
    ok: bool
    verification_code: str = Field(description="Recomputed; compare with the code shown at close.")
    key_trusted: bool = Field(
        description="Checked against the server's own key, not just the key in the manifest."
    )
    files: int
    entries: int
    problems: list[ProblemOut]


@dataclass(frozen=True)
class Access:
    """A recording the caller may retrieve, with its hearing and case."""

    who: Principal
    recording: Recording
    hearing: Hearing
    case: Case


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/recordings",
        summary="Search recordings",
        tag="recordings",
        query=RecordingQuery,
        response=RecordingList,
    )
    async def search_recordings(ctx: Ctx, query: RecordingQuery) -> RecordingList:
        who = ctx.require(Action.RETRIEVE_RECORDINGS)
        stmt = _filtered(_retrievable(who), query, ctx)
        total = await ctx.db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = await ctx.db.execute(
            stmt.order_by(_recorded_at().desc(), Recording.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        items = [_recording_out(r, h, c) for r, h, c in rows]
        audit(
            ctx.db,
            who.label,
            "search_recordings",
            "recording",
            None,
            ctx.client_ip,
            {**query.model_dump(mode="json", exclude_none=True), "found": total},
        )
        return RecordingList(items=items, total=total)

    @api.route(
        "GET",
        "/recordings/{recording_id}",
        summary="A recording with its timeline, chapters and seal",
        tag="recordings",
        response=RecordingDetail,
    )
    async def get_recording(ctx: Ctx) -> RecordingDetail:
        access = await _retrieve(ctx)
        recording, who = access.recording, access.who
        storage = _storage(ctx)
        rows = await ctx.db.execute(
            select(Participant.id, Participant.name).where(
                Participant.hearing_id == access.hearing.id
            )
        )
        names = {participant_id: name for participant_id, name in rows}
        events = list(
            await ctx.db.scalars(
                select(HearingEvent)
                .where(HearingEvent.hearing_id == access.hearing.id)
                .order_by(HearingEvent.at, HearingEvent.id)
            )
        )
        archive = await _archive_out(storage, recording)
        chapters = (
            await asyncio.to_thread(archive_chapters, storage, recording.archive_path)
            if archive is not None and recording.archive_path is not None
            else None
        )
        manifest = (
            await asyncio.to_thread(read_manifest, storage, recording.manifest_path)
            if recording.manifest_path is not None
            else None
        ) or {}
        audit(ctx.db, who.label, "view_recording", "recording", recording.id, ctx.client_ip)
        staff = who.kind is PrincipalKind.USER
        return RecordingDetail(
            **_recording_out(recording, access.hearing, access.case).model_dump(),
            seal=SealOut(
                sealed=recording.manifest_path is not None,
                sealed_at=_text(manifest.get("sealed_at")),
                verification_code=_text(manifest.get("verification_code")),
            ),
            archive=archive,
            chapters=(
                [
                    ChapterOut(title=c.title, start_seconds=c.start, end_seconds=c.end)
                    for c in chapters
                ]
                if chapters is not None
                else _phase_chapters(recording, events)
            ),
            chapters_source="archive" if chapters is not None else "timeline",
            timeline=[_timeline_entry(e, names) for e in events if e.kind in TIMELINE_KINDS],
            files=await _files(ctx, recording, names) if who.role is Role.CLERK else None,
            grants=await _grants(ctx, recording) if staff else None,
            time_zone=ctx.request.app[SETTINGS].court_timezone,
        )

    @api.route(
        "GET",
        "/recordings/{recording_id}/archive",
        summary="Stream or download the archive video",
        tag="recordings",
        query=ArchiveQuery,
        binary=Binary("video/mp4", "the archive video (H.264 + AAC, MP4)", ranges=True),
        errors=(409, 503),
        signed_links=True,
    )
    async def stream_archive(ctx: Ctx, query: ArchiveQuery) -> web.StreamResponse:
        via = "credentials"
        if query.by is not None or query.expires is not None or query.signature is not None:
            secret = await _link_secret(ctx)
            match = recording_links.check(
                secret, ctx.ids["recording_id"], query.by, query.expires, query.signature
            )
            ctx.principal = await recording_links.link_principal(ctx.db, match)
            via = "signed_link"
        access = await _retrieve(ctx)
        recording, who = access.recording, access.who
        key = recording.archive_path
        if key is None:
            raise ApiError(
                409,
                "not_ready",
                f"recording {recording.id} has no archive video yet (it is {recording.state})",
            )
        storage = _storage(ctx)
        size = await _stored_size(storage, key)
        etag = f'"{recording.archive_sha256}"' if recording.archive_sha256 else None
        asked = ctx.request.headers.get("Range")
        if_range = ctx.request.headers.get("If-Range")
        if if_range is not None and if_range != etag:
            asked = None  # the client's copy is of another file: send this one whole
        try:
            part = parse_range(asked, size)
        except RangeNotSatisfiable as exc:
            raise ApiError(
                416, "range_not_satisfiable", str(exc), headers={"Content-Range": f"bytes */{size}"}
            ) from exc
        headers = {
            "Content-Type": "video/mp4",
            "Accept-Ranges": "bytes",
            "Cache-Control": "private, no-cache",
            "Content-Disposition": content_disposition(
                "attachment" if query.download else "inline",
                _download_name(access, ctx),
                f"hearing-{access.hearing.id}-recording-{recording.id}.mp4",
            ),
        }
        if etag is not None:
            headers["ETag"] = etag
        start, length = (0, size) if part is None else (part.start, part.length)
        if part is not None:
            headers["Content-Range"] = part.content_range(size)
        audit(
            ctx.db,
            who.label,
            "download_recording" if query.download else "stream_recording",
            "recording",
            recording.id,
            ctx.client_ip,
            {
                "range": f"bytes {start}-{start + length - 1}/{size}",
                "bytes": length,
                "via": via,
            },
        )
        return StoredFileResponse(
            storage, key, start, length, status=200 if part is None else 206, headers=headers
        )

    @api.route(
        "POST",
        "/recordings/{recording_id}/archive/link",
        summary="A link to the archive video that works for a few minutes without credentials, "
        "for a browser's <video> element (which cannot send them)",
        tag="recordings",
        response=ArchiveLink,
        status=201,
        errors=(503,),
    )
    async def link_archive(ctx: Ctx) -> ArchiveLink:
        access = await _retrieve(ctx)
        recording, who = access.recording, access.who
        if recording.archive_path is None:
            raise ApiError(
                409,
                "not_ready",
                f"recording {recording.id} has no archive video yet (it is {recording.state})",
            )
        key = await _link_secret(ctx)
        query, expires = recording_links.signed_query(key, recording.id, who, time.time())
        expires_at = datetime.fromtimestamp(expires, dt.UTC)
        audit(
            ctx.db,
            who.label,
            "link_recording",
            "recording",
            recording.id,
            ctx.client_ip,
            {"expires_at": expires_at.isoformat()},
        )
        return ArchiveLink(
            url=f"/api/v1/recordings/{recording.id}/archive?{query}", expires_at=expires_at
        )

    @api.route(
        "GET",
        "/recordings/{recording_id}/verify",
        summary="Check the recording's seal: names every changed file or manifest entry",
        tag="recordings",
        response=VerifyOut,
        errors=(409, 503),
    )
    async def verify_recording(ctx: Ctx) -> VerifyOut:
        access = await _retrieve(ctx)
        recording = access.recording
        if recording.manifest_path is None:
            raise ApiError(
                409,
                "not_sealed",
                f"recording {recording.id} is not sealed (it is {recording.state})",
            )
        settings = ctx.request.app[SETTINGS]
        try:
            key = server_public_key(settings.signing_key_path)
        except SigningKeyError as exc:
            raise ApiError(503, "signing_key_unavailable", str(exc)) from exc
        archive = (
            ArchiveCheck(recording.archive_path, recording.archive_sha256)
            if recording.archive_path is not None and recording.archive_sha256 is not None
            else None
        )
        report = await asyncio.to_thread(
            verify_stored, _storage(ctx), recording.manifest_path, key, archive
        )
        audit(
            ctx.db,
            access.who.label,
            "verify_recording",
            "recording",
            recording.id,
            ctx.client_ip,
            {"ok": report.ok, "problems": len(report.problems), "code": report.verification_code},
        )
        return VerifyOut(
            ok=report.ok,
            verification_code=report.verification_code,
            key_trusted=report.key_trusted,
            files=report.files,
            entries=report.entries,
            problems=[
                ProblemOut(kind=p.kind, subject=p.subject, detail=p.detail) for p in report.problems
            ],
        )

    @api.route(
        "POST",
        "/recordings/{recording_id}/grants",
        summary="Let a participant of the hearing retrieve this recording",
        tag="recordings",
        body=GrantIn,
        response=GrantCreated,
        status=201,
    )
    async def grant_access(ctx: Ctx, body: GrantIn) -> GrantCreated:
        ctx.require(Action.GRANT_RECORDING_ACCESS)
        access = await _retrieve(ctx)
        recording, who = access.recording, access.who
        participant = await ctx.db.get(Participant, body.participant_id)
        if participant is None or participant.hearing_id != access.hearing.id:
            raise ApiError(
                422,
                "invalid_request",
                f"participant {body.participant_id} is not in this recording's hearing",
            )
        _check_grantable(participant)
        existing = await ctx.db.scalar(
            select(RecordingGrant.id).where(
                RecordingGrant.recording_id == recording.id,
                RecordingGrant.participant_id == participant.id,
            )
        )
        if existing is not None:
            raise ApiError(409, "already_granted", f"{participant.name} already has access")
        grant = RecordingGrant(
            recording_id=recording.id, participant_id=participant.id, granted_by=who.label
        )
        ctx.db.add(grant)
        invitation = None
        if body.invitation_hours is not None:
            settings = ctx.request.app[SETTINGS]
            issued = issue_invitation(
                participant, settings.base_url, dt.timedelta(hours=body.invitation_hours)
            )
            invitation = InvitationOut(**vars(issued))
        await ctx.db.flush()
        audit(
            ctx.db,
            who.label,
            "grant_recording_access",
            "recording",
            recording.id,
            ctx.client_ip,
            {
                "participant_id": participant.id,
                "role": participant.role,
                "new_invitation": invitation is not None,
            },
        )
        return GrantCreated(grant=_grant_out(grant, participant), invitation=invitation)

    @api.route(
        "DELETE",
        "/recordings/{recording_id}/grants/{participant_id}",
        summary="Withdraw a participant's access to this recording",
        tag="recordings",
        status=204,
    )
    async def revoke_access(ctx: Ctx) -> None:
        ctx.require(Action.GRANT_RECORDING_ACCESS)
        access = await _retrieve(ctx)
        grant = await ctx.db.scalar(
            select(RecordingGrant).where(
                RecordingGrant.recording_id == access.recording.id,
                RecordingGrant.participant_id == ctx.ids["participant_id"],
            )
        )
        if grant is None:
            raise not_found(f"a grant to participant {ctx.ids['participant_id']}")
        await ctx.db.delete(grant)
        audit(
            ctx.db,
            access.who.label,
            "revoke_recording_access",
            "recording",
            access.recording.id,
            ctx.client_ip,
            {"participant_id": grant.participant_id},
        )


async def _link_secret(ctx: Ctx) -> bytes:
    path = ctx.request.app[SETTINGS].signing_key_path
    try:
        return await asyncio.to_thread(recording_links.secret, path)
    except (OSError, ValueError) as exc:
        raise ApiError(
            503, "signing_key_unavailable", f"signed links are unavailable: {exc}"
        ) from exc


def _storage(ctx: Ctx) -> Storage:
    return recording_storage(ctx.request.app[SETTINGS])


def _recorded_at() -> ColumnElement[datetime]:
    return func.coalesce(Recording.started_at, Hearing.scheduled_start)


def _judge_sits(user_id: int) -> Select[int]:
    """Hearings in which this judge sits on the bench (e.g. a panel, possibly of another court)."""
    return select(Participant.hearing_id).where(
        Participant.user_id == user_id, Participant.role == Role.JUDGE
    )


def _retrievable(who: Principal) -> Select[Recording, Hearing, Case]:
    """Every recording ``who`` may retrieve (their role already passed the permission check)."""
    stmt = (
        select(Recording, Hearing, Case)
        .join(Hearing, Recording.hearing_id == Hearing.id)
        .join(Case, Hearing.case_id == Case.id)
    )
    if who.kind is PrincipalKind.PARTICIPANT:
        return stmt.where(
            Recording.hearing_id == who.hearing_id,
            Recording.id.in_(
                select(RecordingGrant.recording_id).where(RecordingGrant.participant_id == who.id)
            ),
        )
    if who.kind is PrincipalKind.TERMINAL:
        raise _terminal_refused()
    if who.role is Role.CLERK:
        return stmt.where(Case.court_id == who.court_id)
    return stmt.where(or_(Case.judge_id == who.id, Hearing.id.in_(_judge_sits(who.id))))


def _filtered(
    stmt: Select[Recording, Hearing, Case], query: RecordingQuery, ctx: Ctx
) -> Select[Recording, Hearing, Case]:
    if query.case_number:
        stmt = stmt.where(Case.number.like(f"%{escape_like(query.case_number)}%", escape="\\"))
    if query.date is not None:
        start, end = day_bounds(query.date, ctx)
        stmt = stmt.where(_recorded_at() >= start, _recorded_at() < end)
    if query.party:
        stmt = stmt.where(
            Recording.hearing_id.in_(
                select(Participant.hearing_id).where(
                    Participant.name.like(f"%{escape_like(query.party)}%", escape="\\")
                )
            )
        )
    return stmt


async def _retrieve(ctx: Ctx) -> Access:
    """The recording in the path, if the caller may retrieve it: 404 when it is not there or
    not visible to them (another court, another hearing), 403 when they see it but may not
    have it (a colleague's case, a grant not given)."""
    who = ctx.require(Action.RETRIEVE_RECORDINGS)
    recording_id = ctx.ids["recording_id"]
    row = (
        await ctx.db.execute(
            select(Recording, Hearing, Case)
            .join(Hearing, Recording.hearing_id == Hearing.id)
            .join(Case, Hearing.case_id == Case.id)
            .where(Recording.id == recording_id)
        )
    ).first()
    if row is None:
        raise not_found(f"recording {recording_id}")
    recording, hearing, case = row
    if who.kind is PrincipalKind.TERMINAL:
        raise _terminal_refused()
    if who.kind is PrincipalKind.PARTICIPANT:
        if who.hearing_id != hearing.id:
            raise not_found(f"recording {recording_id}")
        granted = await ctx.db.scalar(
            select(RecordingGrant.id).where(
                RecordingGrant.recording_id == recording.id,
                RecordingGrant.participant_id == who.id,
            )
        )
        if granted is None:
            raise ApiError(
                403, "not_granted", "the court has not given you access to this recording"
            )
    elif who.role is Role.CLERK:
        if case.court_id != who.court_id:
            raise not_found(f"recording {recording_id}")
    elif case.judge_id != who.id and hearing.id not in set(
        await ctx.db.scalars(_judge_sits(who.id))
    ):
        if case.court_id != who.court_id:
            raise not_found(f"recording {recording_id}")
        raise ApiError(403, "forbidden", "judges retrieve the recordings of their own cases only")
    return Access(who, recording, hearing, case)


def _terminal_refused() -> ApiError:
    return ApiError(
        403,
        "forbidden",
        "recordings are not retrieved at a detention-centre terminal: it is shared by the "
        "centre's detainees",
    )


def _check_grantable(participant: Participant) -> None:
    """Only those the permission table (docs/architecture.md#roles-and-permissions) lets
    retrieve a recording when the court allows it, and who can sign in on their own to do so."""
    if participant.role in BENCH:
        raise ApiError(
            422, "invalid_request", f"a {participant.role} retrieves recordings without a grant"
        )
    if participant.role is Role.DETAINEE:
        raise ApiError(
            422,
            "invalid_request",
            "a detainee has no sign-in of their own (the centre's terminal is shared): "
            "grant their counsel instead",
        )
    if not check(participant.role, Action.RETRIEVE_RECORDINGS):
        raise ApiError(422, "invalid_request", f"a {participant.role} never retrieves recordings")


async def _stored_size(storage: Storage, key: str) -> int:
    try:
        return await asyncio.to_thread(storage.size, key)
    except (OSError, ValueError) as exc:
        raise ApiError(
            404,
            "archive_missing",
            "the archive video is missing from storage; check the recording with /verify",
        ) from exc


async def _archive_out(storage: Storage, recording: Recording) -> ArchiveOut | None:
    if recording.archive_path is None:
        return None
    try:
        size: int | None = await asyncio.to_thread(storage.size, recording.archive_path)
    except (OSError, ValueError):
        size = None
    return ArchiveOut(
        url=f"/api/v1/recordings/{recording.id}/archive",
        bytes=size,
        sha256=recording.archive_sha256,
    )


def _recording_out(recording: Recording, hearing: Hearing, case: Case) -> RecordingOut:
    return RecordingOut(
        id=recording.id,
        hearing_id=hearing.id,
        case_id=case.id,
        case_number=case.number,
        case_title=case.title,
        hearing_title=hearing.title,
        kind=hearing.kind,
        state=recording.state,
        started_at=recording.started_at,
        ended_at=recording.ended_at,
        sealed=recording.manifest_path is not None,
        archive_available=recording.archive_path is not None,
        render_state=_render_state(recording.render_state),
    )


def _render_state(value: str | None) -> Literal["pending", "rendering", "done", "failed"] | None:
    states: dict[str | None, Literal["pending", "rendering", "done", "failed"]] = {
        "pending": "pending",
        "rendering": "rendering",
        "done": "done",
        "failed": "failed",
    }
    return states.get(value)


def _timeline_entry(event: HearingEvent, names: dict[int, str]) -> TimelineEntry:
    concerned = (event.data or {}).get("participant_id")
    participant_id = concerned if isinstance(concerned, int) else None
    return TimelineEntry(
        at=event.at,
        kind=event.kind,
        actor=event.actor,
        from_value=event.from_value,
        to_value=event.to_value,
        participant_id=participant_id,
        participant_name=names.get(participant_id) if participant_id is not None else None,
    )


def _phase_chapters(recording: Recording, events: list[HearingEvent]) -> list[ChapterOut]:
    """Before the archive is made: one chapter per procedure phase, in seconds from the start
    of the recording (recesses included)."""
    if recording.started_at is None:
        return []
    start = recording.started_at
    end = recording.ended_at or max((e.at for e in events), default=start)
    phases = [(e.at, e.to_value) for e in events if e.kind == "phase" and e.to_value]
    chapters: list[ChapterOut] = []
    for index, (at, title) in enumerate(phases):
        until = phases[index + 1][0] if index + 1 < len(phases) else end
        begin, finish = max(at, start), min(until, end)
        if finish > begin:
            chapters.append(
                ChapterOut(
                    title=title or "",
                    start_seconds=(begin - start).total_seconds(),
                    end_seconds=(finish - start).total_seconds(),
                )
            )
    return chapters


async def _files(ctx: Ctx, recording: Recording, names: dict[int, str]) -> list[FileOut]:
    rows = await ctx.db.execute(
        select(Segment, Track)
        .join(Track, Segment.track_id == Track.id)
        .where(Track.recording_id == recording.id)
        .order_by(Track.id, Segment.seq)
    )
    files = [
        FileOut(
            kind="segment",
            path=segment.path,
            sha256=segment.sha256,
            bytes=segment.size_bytes,
            track_id=track.id,
            participant_id=track.participant_id,
            participant_name=names.get(track.participant_id) if track.participant_id else None,
            media=track.kind,
            codec=track.codec,
            seq=segment.seq,
            started_at=segment.started_at,
            ended_at=segment.ended_at,
        )
        for segment, track in rows
    ]
    if recording.archive_path is not None:
        files.append(
            FileOut(
                kind="archive",
                path=recording.archive_path,
                sha256=recording.archive_sha256,
                bytes=None,
            )
        )
    if recording.manifest_path is not None:
        files.append(
            FileOut(kind="manifest", path=recording.manifest_path, sha256=None, bytes=None)
        )
    return files


async def _grants(ctx: Ctx, recording: Recording) -> list[GrantOut]:
    rows = await ctx.db.execute(
        select(RecordingGrant, Participant)
        .join(Participant, RecordingGrant.participant_id == Participant.id)
        .where(RecordingGrant.recording_id == recording.id)
        .order_by(RecordingGrant.id)
    )
    return [_grant_out(grant, participant) for grant, participant in rows]


def _grant_out(grant: RecordingGrant, participant: Participant) -> GrantOut:
    return GrantOut(
        participant_id=participant.id,
        name=participant.name,
        role=participant.role,
        granted_by=grant.granted_by,
        granted_at=grant.granted_at,
    )


def _download_name(access: Access, ctx: Ctx) -> str:
    """E.g. "(2026)浙0402民初1234号 2026-03-01 庭审录像 3.mp4": the case number is how a
    court files things; the date and recording number tell one hearing's video from another."""
    when = access.recording.started_at or access.hearing.scheduled_start
    day = when.astimezone(ctx.request.app[SETTINGS].zone).date().isoformat()
    return f"{access.case.number} {day} 庭审录像 {access.recording.id}.mp4"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
