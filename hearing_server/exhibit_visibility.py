"""Who sees an exhibit now (docs/architecture.md#exhibits): court.exhibits.sees_exhibit applied
to the case's exchange and the exhibit's rows as they stand. Used by the REST rules
(api/exhibit_scope.py) and by the live hearing (exhibit_display.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from court.exhibits import ExhibitSide, exchange_time, is_exchanged, sees_exhibit
from court.roles import Role
from hearing_server.db.models import EvidenceExchange, Exhibit, utcnow


@dataclass(frozen=True)
class Exchange:
    """A case's exchange, as it stands now."""

    deadline: datetime | None
    opened_at: datetime | None
    now: datetime

    @property
    def at(self) -> datetime | None:
        return exchange_time(self.deadline, self.opened_at)

    @property
    def done(self) -> bool:
        return is_exchanged(self.deadline, self.opened_at, self.now)


async def case_exchange(db: AsyncSession, case_id: int) -> Exchange:
    row = await db.get(EvidenceExchange, case_id)
    if row is None:
        return Exchange(None, None, utcnow())
    return Exchange(row.deadline, row.opened_at, utcnow())


def seen_by(
    role: Role, side: ExhibitSide | None, called: bool, exhibit: Exhibit, exchange: Exchange
) -> bool:
    """Whether someone of `role` on `side` (a witness: `called` into the hearing now) sees
    this exhibit now."""
    at = exchange.at
    withdrawn_before = exhibit.withdrawn_at is not None and (
        not exchange.done or at is None or exhibit.withdrawn_at < at
    )
    return sees_exhibit(
        role,
        side,
        exhibit.side,
        exchanged=exchange.done,
        withdrawn_before_exchange=withdrawn_before,
        called=called,
        shown=exhibit.first_shown_at is not None,
    )
