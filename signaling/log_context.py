"""Which hearing and participant the running task works for, so every log line can say so.

Set where a connection or event is handled; tasks started from there (aiortc's included) copy
it, so media errors of a participant's peer connection are logged with that participant's ids.
"""

from __future__ import annotations

from contextvars import ContextVar

LOG_CONTEXT: ContextVar[dict[str, int]] = ContextVar("log_context", default={})  # noqa: B039


def bind(**ids: int) -> None:
    """Add ids (hearing_id=..., participant_id=...) to the current task's log context."""
    LOG_CONTEXT.set({**LOG_CONTEXT.get(), **ids})
