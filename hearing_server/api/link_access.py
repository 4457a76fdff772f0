"""A signed link presented to the REST API (recording_links.py, exhibit_file_access.py): a
refused one is 403 with its code, a valid one stands for whom it was made for, as they stand
now."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.api.errors import ApiError
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.identity import holder_principal
from hearing_server.link_signing import LinkRefused


def refused(exc: LinkRefused) -> ApiError:
    return ApiError(403, exc.code, exc.message)


async def link_principal(db: AsyncSession, match: re.Match[str]) -> Principal:
    """Who the link was made for (``identity.holder_principal``); 403 ``link_invalid`` once
    they can no longer use it (an account deactivated, an invitation withdrawn or expired)."""
    who = await holder_principal(db, PrincipalKind(match.group(1)), int(match.group(2)))
    if who is None:
        raise ApiError(403, "link_invalid", "whoever this link was made for can no longer use it")
    return who
