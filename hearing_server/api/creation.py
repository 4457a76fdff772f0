"""Adding a record on a caller's behalf: the row is flushed, so that it has its id, and what
was done is audited under that id in the same transaction."""

from __future__ import annotations

from typing import Any, Protocol

from hearing_server.api.routing import Ctx
from hearing_server.audit import audit
from hearing_server.auth import Principal


class Record(Protocol):
    @property
    def id(self) -> int: ...


async def add_audited(
    ctx: Ctx,
    who: Principal,
    row: Record,
    action: str,
    object_type: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add ``row``, flush it and audit ``action`` by ``who`` on it."""
    ctx.db.add(row)
    await ctx.db.flush()
    audit(ctx.db, who.label, action, object_type, row.id, ctx.client_ip, detail)
