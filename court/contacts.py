"""How a participant is reached: a mail address, a mobile number, the language of their
invitation and their own time zone. Pure: the one statement of each rule, used by the API's
field types (hearing_server/api/fields.py) and by the lists the court imports
(court/case_list.py) alike, so a contact the API refuses is never imported from a file.
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = rf'^[^\x00-\x20\x7f@<>(),;:"\[\]\\]{{1,64}}@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+$'
"""A mail address as people write one: no spaces, quotes or brackets (nothing that could be
read as a second header or address), an ASCII domain with a dot."""
EMAIL_MAX = 254

PHONE = r"^\+?[0-9]{5,20}$"
"""Digits only, with an optional leading + (spaces and dashes are dropped first)."""
PHONE_MAX = 21

TIME_ZONE = r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}$"
"""The shape of an IANA zone name (Europe/Berlin, Asia/Shanghai, UTC)."""
TIME_ZONE_MAX = 64

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

_email = re.compile(EMAIL)
_phone = re.compile(PHONE)
_zone_shape = re.compile(TIME_ZONE)
_phone_separators = re.compile(r"[\s\-‐‑–—()（）.]")


def is_email(text: str) -> bool:
    return len(text) <= EMAIL_MAX and _email.match(text) is not None


def plain_phone(text: str) -> str | None:
    """The number as kept (``+86 138-0013-8000`` → ``+8613800138000``), or None when it is no
    phone number."""
    digits = _phone_separators.sub("", text)
    return digits if _phone.match(digits) else None


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone this machine knows."""
    if len(name) > TIME_ZONE_MAX or not _zone_shape.match(name):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
