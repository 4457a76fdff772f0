"""Uploading an exhibit's files (docs/architecture.md#exhibits) in chunks that survive a
dropped phone connection: start an upload with the file's name and size, send its bytes with
PATCH from the offset the server holds (a chunk from anywhere else gets 409 with that
offset), ask for the offset after a drop and go on. The last byte makes the server inspect
the file and, if the court accepts it, add it to the exhibit (exhibit_intake.py).

Only the exhibit's own side adds files (the submitter's side: a party or their lawyer through
their invitation, staff on the court's list), only while submitting is allowed, never to a
withdrawn exhibit; an upload is continued only by whoever started it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from court.permissions import Action
from evidence import Exceeded, Unit
from hearing_server.api.chunk_body import OFFSET, append_chunk
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.exhibit_intake import finish_upload, limit_details
from hearing_server.api.exhibit_scope import exhibit_standing
from hearing_server.api.outputs import ExhibitFileOut, exhibit_file_out
from hearing_server.api.raw_body import Header, RawBody
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.db.models import Exhibit, ExhibitFile, ExhibitUpload, utcnow
from hearing_server.keys import SETTINGS, UPLOADS_BUSY
from hearing_server.upload_expiry import drop_expired
from hearing_server.upload_folder import discard, part_path, received

CHUNK_SIZE = 4 << 20
"""What a client is told to send at a time: small enough to resend on a poor line."""


class Notarisation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sha256: str = Field(
        pattern=r"^[0-9a-fA-F]{64}$", description="The SHA-256 the notary certified for the file."
    )
    notary: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Who certified it: the platform and the certificate's number.",
    )


class UploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(
        min_length=1,
        max_length=1000,
        description="The file's name as the device gives it: kept as given, shown cleaned, "
        "never used as a path.",
    )
    size: int = Field(ge=1, le=2**53, description="Bytes in the whole file.")
    notarised: Notarisation | None = Field(
        default=None,
        description="For evidence notarised on a blockchain evidence platform: the hash it "
        "certified, compared with the file's own when the file has arrived (the result shown to "
        "all).",
    )


class UploadOut(BaseModel):
    upload_id: int
    exhibit_id: int
    name: str
    size: int
    offset: int = Field(description="Bytes received: the next chunk starts here.")
    chunk_size: int = Field(description="A good size for each chunk (any size is taken).")
    expires_at: datetime = Field(description="An upload not finished by then is dropped.")
    file: ExhibitFileOut | None = Field(
        description="The exhibit's file it became, once the last byte arrived and the court "
        "accepted it."
    )


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/exhibits/{exhibit_id}/uploads",
        summary="Start uploading a file of one of the caller's side's exhibits",
        tag="exhibits",
        body=UploadIn,
        response=UploadOut,
        status=201,
    )
    async def start_upload(ctx: Ctx, body: UploadIn) -> UploadOut:
        exhibit, who = await _adding_files(ctx, ctx.ids["exhibit_id"])
        settings = ctx.request.app[SETTINGS]
        if body.size > settings.exhibit_max_bytes:
            raise ApiError(
                413,
                "too_large",
                f"this file is larger than the {settings.exhibit_max_bytes} bytes an exhibit "
                "file may hold",
                limit_details(Exceeded(settings.exhibit_max_bytes, Unit.BYTES, body.size)),
            )
        await drop_expired(
            ctx.db, ExhibitUpload, settings.uploads_dir, settings.upload_expiry_hours
        )
        upload = ExhibitUpload(
            exhibit_id=exhibit.id,
            participant_id=who.id if who.kind is PrincipalKind.PARTICIPANT else None,
            user_id=who.id if who.kind is PrincipalKind.USER else None,
            original_name=body.name,
            size_bytes=body.size,
            notarised_sha256=body.notarised.sha256.lower() if body.notarised else None,
            notary=body.notarised.notary if body.notarised else None,
            expires_at=utcnow() + timedelta(hours=settings.upload_expiry_hours),
        )
        ctx.db.add(upload)
        await ctx.db.flush()
        detail = {
            "exhibit_id": exhibit.id,
            "name": body.name,
            "size": body.size,
            "notarised_sha256": upload.notarised_sha256,
        }
        audit(ctx.db, who.label, "start_upload", "exhibit_upload", upload.id, ctx.client_ip, detail)
        return _upload_out(upload, 0, None)

    @api.route(
        "GET",
        "/uploads/{upload_id}",
        summary="Where an upload stands: the offset to send from after a dropped connection",
        tag="exhibits",
        response=UploadOut,
    )
    async def get_upload(ctx: Ctx) -> UploadOut:
        upload = await _own_upload(ctx)
        return await _upload_state(ctx, upload)

    @api.route(
        "PATCH",
        "/uploads/{upload_id}",
        summary="Send the next chunk of an upload, from the offset the server holds",
        tag="exhibits",
        raw_body=RawBody(
            "application/octet-stream",
            "The file's bytes from the offset on (all of the rest, or a chunk of it).",
            (Header(OFFSET, "Where this chunk starts: the upload's offset."),),
        ),
        response=UploadOut,
        errors=(413, 422, 503),
    )
    async def send_chunk(ctx: Ctx, headers: dict[str, int]) -> UploadOut:
        upload = await _own_upload(ctx)
        if upload.exhibit_file_id is not None:
            raise ApiError(409, "upload_finished", "this upload is finished; its file is stored")
        exhibit, who = await _adding_files(ctx, upload.exhibit_id)
        busy = ctx.request.app[UPLOADS_BUSY]
        if upload.id in busy:
            raise ApiError(
                409, "upload_busy", "another chunk of this upload is arriving; ask for the offset"
            )
        busy.add(upload.id)
        try:
            return await _take_chunk(ctx, upload, exhibit, who, headers[OFFSET])
        finally:
            busy.discard(upload.id)


async def _take_chunk(
    ctx: Ctx, upload: ExhibitUpload, exhibit: Exhibit, who: Principal, start: int
) -> UploadOut:
    settings = ctx.request.app[SETTINGS]
    path = part_path(settings.uploads_dir, upload.id)
    offset = await append_chunk(ctx, path, upload.size_bytes, start)
    if offset < upload.size_bytes:
        return _upload_out(upload, offset, None)
    row = await finish_upload(ctx, upload, exhibit, who)
    return _upload_out(upload, offset, row)


async def _adding_files(ctx: Ctx, exhibit_id: int) -> tuple[Exhibit, Principal]:
    """The exhibit, if the caller may add files to it now; else 401/403/404/409 saying why."""
    exhibit, standing, _ = await exhibit_standing(ctx, exhibit_id)
    standing.require(ctx, Action.SUBMIT_EXHIBIT)
    if exhibit.side is not standing.side:
        raise ApiError(403, "forbidden", "only the side that submitted an exhibit adds its files")
    if exhibit.withdrawn_at is not None:
        raise ApiError(409, "withdrawn", "this exhibit is withdrawn: no file is added to it")
    return exhibit, standing.who


async def _own_upload(ctx: Ctx) -> ExhibitUpload:
    """The upload in the path, if the caller started it and it has not expired (404)."""
    who, upload_id = ctx.user, ctx.ids["upload_id"]
    upload = await ctx.db.get(ExhibitUpload, upload_id)
    started_by = None
    if upload is not None:
        if upload.participant_id is not None:
            started_by = (PrincipalKind.PARTICIPANT, upload.participant_id)
        elif upload.user_id is not None:
            started_by = (PrincipalKind.USER, upload.user_id)
    if upload is None or started_by != (who.kind, who.id):
        raise not_found(f"upload {upload_id}")
    if upload.expires_at <= utcnow():
        await ctx.db.delete(upload)
        await ctx.db.commit()
        await asyncio.to_thread(
            discard, part_path(ctx.request.app[SETTINGS].uploads_dir, upload_id)
        )
        raise ApiError(404, "upload_expired", f"upload {upload_id} expired: start it again")
    return upload


async def _upload_state(ctx: Ctx, upload: ExhibitUpload) -> UploadOut:
    if upload.exhibit_file_id is not None:
        row = await ctx.db.get(ExhibitFile, upload.exhibit_file_id)
        return _upload_out(upload, upload.size_bytes, row)
    path = part_path(ctx.request.app[SETTINGS].uploads_dir, upload.id)
    return _upload_out(upload, await asyncio.to_thread(received, path), None)


def _upload_out(upload: ExhibitUpload, offset: int, row: ExhibitFile | None) -> UploadOut:
    return UploadOut(
        upload_id=upload.id,
        exhibit_id=upload.exhibit_id,
        name=upload.original_name,
        size=upload.size_bytes,
        offset=offset,
        chunk_size=CHUNK_SIZE,
        expires_at=upload.expires_at,
        file=None if row is None else exhibit_file_out(row),
    )
