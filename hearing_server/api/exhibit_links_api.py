"""Signed links to an exhibit file and its pages (hearing_server/exhibit_links.py), for the evidence screens'
<img> and <video> elements, which cannot send the caller's credentials."""

from __future__ import annotations

import datetime as dt
import time
from datetime import datetime

from pydantic import BaseModel, Field

from hearing_server.api.exhibit_file_access import file_access, link_secret
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.exhibit_links import exhibit_link
from hearing_server.keys import SETTINGS
from hearing_server.link_signing import holder


class ExhibitFileLinks(BaseModel):
    file_url: str = Field(
        description="The file itself without credentials until expires_at (byte ranges, so "
        "a <video> element can seek); add `&download=true` to save it."
    )
    page_url: str = Field(
        description="A page of it as a picture: replace the literal `{page}` (from 1) and "
        "`{width}` (480, 960 or 1600)."
    )
    expires_at: datetime


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/exhibit-files/{exhibit_file_id}/links",
        summary="Links to an exhibit file and its pages that work without credentials for a "
        "hearing's length, for <img> and <video> elements (which cannot send them)",
        tag="exhibits",
        response=ExhibitFileLinks,
        status=201,
        errors=(503,),
    )
    async def link_exhibit_file(ctx: Ctx) -> ExhibitFileLinks:
        access = await file_access(ctx, None)
        who, file_id = access.standing.who, access.file.id
        seconds = ctx.request.app[SETTINGS].exhibit_link_seconds
        now = time.time()
        link = exhibit_link(await link_secret(ctx), file_id, holder(who), now, seconds)
        expires_at = datetime.fromtimestamp(int(now) + seconds, dt.UTC)
        audit(
            ctx.db,
            who.label,
            "link_exhibit_file",
            "exhibit_file",
            file_id,
            ctx.client_ip,
            {"exhibit_id": access.exhibit.id, "expires_at": expires_at.isoformat()},
        )
        base = f"/api/v1/exhibit-files/{file_id}"
        return ExhibitFileLinks(
            file_url=f"{base}?link={link}",
            page_url=f"{base}/pages/{{page}}?width={{width}}&link={link}",
            expires_at=expires_at,
        )
