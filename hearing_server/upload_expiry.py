"""Uploads past their time go with their bytes: an exhibit file's, a video statement's or a
recorded question's that was never finished (looked for whenever one starts; upload_folder.py keeps the bytes)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.db.models import ExhibitUpload, utcnow
from hearing_server.db.staggered_rows import QuestionUpload, TurnUpload
from hearing_server.upload_folder import discard, part_path, sweep


async def drop_expired(
    db: AsyncSession,
    table: type[ExhibitUpload] | type[TurnUpload] | type[QuestionUpload],
    folder: Path,
    expiry_hours: float,
) -> None:
    """Delete ``table``'s expired uploads and their bytes in ``folder``, and any part file there
    older than the expiry (a row lost with a crash)."""
    expired = list(await db.scalars(select(table.id).where(table.expires_at <= utcnow())))
    if expired:
        await db.execute(delete(table).where(table.id.in_(expired)))
    for upload_id in expired:
        await asyncio.to_thread(discard, part_path(folder, upload_id))
    await asyncio.to_thread(sweep, folder, expiry_hours * 3600)
