"""An upload's last byte has arrived (docs/architecture.md#exhibits): the file is inspected
(evidence.inspect_file, in a thread), and only an accepted file is stored, once under its
SHA-256, and becomes one of the exhibit's files. A refused file leaves nothing behind: its
bytes and its upload are gone, and the answer is a 4xx with the refusal's code and words, and,
for a limit the file went over, that limit in the error's details (`LimitDetail`)."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from court.exhibits import exhibit_label
from evidence import Exceeded, Inspection, Kind, Refusal, Refused, Unit, display_name, inspect_file
from hearing_server.api.errors import ApiError
from hearing_server.api.exhibit_scope import case_event
from hearing_server.api.routing import Ctx
from hearing_server.audit import audit
from hearing_server.auth import Principal
from hearing_server.db.models import Exhibit, ExhibitFile, ExhibitUpload
from hearing_server.exhibit_store import exhibit_limits, store_once
from hearing_server.keys import PAGE_PREPARATION, SETTINGS
from hearing_server.records.archive import recording_storage
from hearing_server.upload_folder import discard, part_path

REFUSAL_STATUS = {Refusal.UNSUPPORTED_TYPE: 415, Refusal.TOO_LARGE: 413}
"""Any other refusal is 422: the file is of an accepted kind but not one the court takes."""


class LimitDetail(BaseModel):
    """The one detail of an error refusing an exhibit file over one of the court's limits (at
    the start of its upload or when its last byte arrived): a client states the limit in its own
    words from this, not from the English message."""

    limit: int | float = Field(description="The court's limit, in `unit`.")
    unit: Unit = Field(
        description="bytes (the file), pages (a PDF), points (1/72 inch: a side of a PDF page), "
        "pixels (width × height of an image or a video's picture), seconds (a recording)."
    )
    actual: int | float | None = Field(
        default=None, description="The file's own value in `unit`, when it is known."
    )


def limit_details(exceeded: Exceeded | None) -> list[dict[str, Any]] | None:
    """An error's details for a refusal over `exceeded` (None for any other refusal)."""
    if exceeded is None:
        return None
    detail = LimitDetail(limit=exceeded.limit, unit=exceeded.unit, actual=exceeded.actual)
    return [detail.model_dump(mode="json", exclude_none=True)]


async def finish_upload(
    ctx: Ctx, upload: ExhibitUpload, exhibit: Exhibit, who: Principal
) -> ExhibitFile:
    """The exhibit's new file made of the upload's bytes, committed; or an ApiError (the
    refusal committed first: the upload is gone, and the audit log says why)."""
    settings = ctx.request.app[SETTINGS]
    path = part_path(settings.uploads_dir, upload.id)
    try:
        inspection = await asyncio.to_thread(inspect_file, path, exhibit_limits(settings))
    except Refused as refused:
        await ctx.db.delete(upload)
        details = limit_details(refused.exceeded)
        refusal = {"code": str(refused.code), "name": upload.original_name}
        if details:
            refusal |= details[0]
        audit(
            ctx.db, who.label, "refuse_exhibit_file", "exhibit", exhibit.id, ctx.client_ip, refusal
        )
        await ctx.db.commit()
        await asyncio.to_thread(discard, path)
        status = REFUSAL_STATUS.get(refused.code, 422)
        raise ApiError(status, str(refused.code), refused.message, details) from refused
    try:
        stored_now = await asyncio.to_thread(
            store_once, recording_storage(settings), path, inspection.sha256
        )
    except OSError as exc:
        raise ApiError(
            503,
            "storage_unavailable",
            "the file arrived whole but could not be stored; send an empty chunk at its end "
            "to try again",
        ) from exc
    last = await ctx.db.scalar(
        select(func.max(ExhibitFile.seq)).where(ExhibitFile.exhibit_id == exhibit.id)
    )
    row = ExhibitFile(
        exhibit_id=exhibit.id,
        seq=(last or 0) + 1,
        sha256=inspection.sha256,
        media_type=inspection.media_type,
        size_bytes=inspection.size,
        original_name=upload.original_name,
        display_name=display_name(upload.original_name),
        pages=page_count(inspection),
        notarised_sha256=upload.notarised_sha256,
        notary=upload.notary,
    )
    ctx.db.add(row)
    try:
        await ctx.db.flush()
    except IntegrityError as exc:
        raise ApiError(
            409, "conflict", "another file was added at the same moment; send the last chunk again"
        ) from exc
    upload.exhibit_file_id = row.id
    detail = {
        "exhibit_id": exhibit.id,
        "sha256": row.sha256,
        "media_type": row.media_type,
        "size": row.size_bytes,
        "stored_now": stored_now,
        **notarisation(row),
    }
    audit(ctx.db, who.label, "add_exhibit_file", "exhibit_file", row.id, ctx.client_ip, detail)
    label = exhibit_label(exhibit.side, exhibit.number)[1]
    event = {"exhibit_id": exhibit.id, "file_id": row.id, "sha256": row.sha256, **notarisation(row)}
    await case_event(ctx, exhibit.case_id, "exhibit_file_added", who.label, None, label, event)
    await ctx.db.commit()
    await asyncio.to_thread(discard, path)
    ctx.request.app[PAGE_PREPARATION].prepare(row.sha256, row.media_type)
    return row


def notarisation(row: ExhibitFile) -> dict[str, object]:
    """The notarised hash given with the file and whether the file matches it (nothing when
    none was given): a mismatch is taken, recorded and shown, not refused — the court weighs
    it."""
    if row.notarised_sha256 is None:
        return {}
    return {
        "notarised_sha256": row.notarised_sha256,
        "notary": row.notary,
        "notarised_match": row.notarised_sha256 == row.sha256,
    }


def page_count(inspection: Inspection) -> int | None:
    """What the screen shows of the file page by page: a PDF's pages, an image as one."""
    if inspection.kind is Kind.IMAGE:
        return 1
    return inspection.pages if inspection.kind is Kind.DOCUMENT else None
