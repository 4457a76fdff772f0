"""Who reaches an exhibit file (/exhibit-files/{id} and its pages): whoever sees its exhibit
(exhibit_scope.py), with their own credentials or with a signed link (exhibit_links.py) that
stands for them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import BaseModel, Field

from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.exhibit_scope import Standing, exhibit_standing
from hearing_server.api.link_access import link_principal, refused
from hearing_server.api.routing import Ctx
from hearing_server.db.models import Exhibit, ExhibitFile
from hearing_server.exhibit_links import checked_link, exhibit_link_secret
from hearing_server.keys import SETTINGS
from hearing_server.link_signing import LinkRefused


class LinkQuery(BaseModel):
    link: str | None = Field(
        default=None,
        max_length=200,
        description="A signed link (from POST /exhibit-files/{id}/links) instead of "
        "credentials: it stands for whom it was made for until it expires; a changed or "
        "expired one gets 403.",
    )


@dataclass(frozen=True)
class FileAccess:
    file: ExhibitFile
    exhibit: Exhibit
    standing: Standing
    via: str
    """``credentials`` or ``signed_link``, for the audit log."""


async def file_access(ctx: Ctx, link: str | None) -> FileAccess:
    """The file in the path if the caller (or whom their link stands for) sees its exhibit;
    404 whether it is not there or not theirs to see."""
    file_id = ctx.ids["exhibit_file_id"]
    via = "credentials"
    if link is not None:
        try:
            match = checked_link(await link_secret(ctx), file_id, link)
        except LinkRefused as exc:
            raise refused(exc) from exc
        ctx.principal = await link_principal(ctx.db, match)
        via = "signed_link"
    row = await ctx.db.get(ExhibitFile, file_id)
    if row is None:
        raise not_found(f"exhibit file {file_id}")
    try:
        exhibit, standing, _ = await exhibit_standing(ctx, row.exhibit_id)
    except ApiError as exc:
        if exc.status == 404:
            raise not_found(f"exhibit file {file_id}") from exc
        raise
    return FileAccess(row, exhibit, standing, via)


async def link_secret(ctx: Ctx) -> bytes:
    path = ctx.request.app[SETTINGS].signing_key_path
    try:
        return await asyncio.to_thread(exhibit_link_secret, path)
    except (OSError, ValueError) as exc:
        raise ApiError(
            503, "signing_key_unavailable", f"signed links are unavailable: {exc}"
        ) from exc
