"""Judges of other courts on one hearing's panel (docs/architecture.md#bench): whether a
staff account holds a grant that is in force, for the REST scope and the live connection."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.db.bench_rows import BenchGrant
from hearing_server.db.models import Hearing


def granted_hearing_ids(user_id: int) -> Select[int]:
    """The hearings this staff account sits on by a grant in force."""
    return select(BenchGrant.hearing_id).where(
        BenchGrant.user_id == user_id, BenchGrant.revoked_at.is_(None)
    )


async def holds_grant(db: AsyncSession, hearing_id: int, user_id: int) -> bool:
    found = await db.scalar(
        granted_hearing_ids(user_id).where(BenchGrant.hearing_id == hearing_id).limit(1)
    )
    return found is not None


async def holds_grant_in_case(db: AsyncSession, case_id: int, user_id: int) -> bool:
    """A grant in force on a hearing of this case (its exhibits are open to the grantee)."""
    found = await db.scalar(
        select(Hearing.id)
        .where(Hearing.case_id == case_id, Hearing.id.in_(granted_hearing_ids(user_id)))
        .limit(1)
    )
    return found is not None
