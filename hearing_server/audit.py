"""The audit log: who did what to which record, when, from where."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.db.models import AuditEntry


def audit(
    db: AsyncSession,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | str | None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the caller's transaction (it commits with the change it records)."""
    db.add(
        AuditEntry(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            ip=ip,
            detail=detail,
        )
    )
