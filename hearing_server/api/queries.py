"""Pieces of the database queries behind more than one resource's search: a court day's
bounds and text matched with LIKE."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, time, timedelta

from hearing_server.api.routing import Ctx
from hearing_server.keys import SETTINGS


def day_bounds(day: dt.date, ctx: Ctx) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` begins and ends in the court's time zone."""
    start = datetime.combine(day, time(), tzinfo=ctx.request.app[SETTINGS].zone)
    return start, start + timedelta(days=1)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
