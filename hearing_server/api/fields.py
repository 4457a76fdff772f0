"""Field types shared by request models.

Each rule a type enforces is also written into its JSON schema (a pattern, an enum), so the
OpenAPI document states what the server accepts; the patterns are checked with Python's ``re``
by the same expression the document carries.
"""

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field, WithJsonSchema

from court import contacts
from court.contacts import (
    EMAIL,
    EMAIL_MAX,
    PHONE,
    PHONE_MAX,
    TIME_ZONE,
    TIME_ZONE_MAX,
)
from court.roles import STAFF_ROLES, Role

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]

_CONTROL = r"\x00-\x1f\x7f"
_SPACE = r" \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What ``str.isspace`` calls space, control characters aside; spelled out because ``\\s``
means different characters to Python, to pydantic's regex engine and to JSON Schema's."""

PRINTABLE = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"
"""Text that is not blank and has no control characters."""

_printable_text = re.compile(PRINTABLE)
_control = re.compile(rf"[{_CONTROL}]")


def _printable(value: str) -> str:
    if _control.search(value):
        raise ValueError("must not contain control characters")
    if not _printable_text.match(value):
        raise ValueError("must not be blank")
    return value


def _text(max_length: int) -> Any:
    """Field limits of printable text (pydantic's Field is typed as Any)."""
    return Field(min_length=1, max_length=max_length, json_schema_extra={"pattern": PRINTABLE})


Name = Annotated[str, _text(200), AfterValidator(_printable)]
"""A person's, court's or room's name: any script, no control characters."""

Title = Annotated[str, _text(500), AfterValidator(_printable)]

_CONTROL_IN_PROSE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
PROSE = rf"^[^{_CONTROL_IN_PROSE}]*[^{_CONTROL}{_SPACE}][^{_CONTROL_IN_PROSE}]*$"
"""Text of several lines that is not blank: tabs and line breaks allowed, no other control
characters."""

_prose_text = re.compile(PROSE)


def _prose(value: str) -> str:
    if not _prose_text.match(value):
        raise ValueError("must not be blank nor contain control characters other than line breaks")
    return value


Prose = Annotated[
    str,
    Field(min_length=1, max_length=4000, json_schema_extra={"pattern": PROSE}),
    AfterValidator(_prose),
]
"""A paragraph or a few (e.g. what an exhibit is meant to prove, the reasons for an opinion)."""

CaseNumber = Annotated[
    str,
    _text(100),
    Field(examples=["(2020)浙0402民初1234号"]),
    AfterValidator(_printable),
]
"""Stored exactly as given: court case numbers mix full- and half-width characters."""

Cause = Annotated[str, _text(100), AfterValidator(_printable)]
"""A case's cause of action (案由), e.g. 买卖合同纠纷."""

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]

Password = Annotated[str, Field(min_length=12, max_length=1024)]


def _staff_role(role: Role) -> Role:
    if role not in STAFF_ROLES:
        raise ValueError(
            f"staff accounts are {', '.join(sorted(STAFF_ROLES))}; others join by invitation"
        )
    return role


StaffRole = Annotated[
    Role,
    AfterValidator(_staff_role),
    WithJsonSchema({"type": "string", "enum": sorted(STAFF_ROLES)}),
]
"""A staff account's role; the others belong to people who join by invitation."""

FIRST_YEAR, LAST_YEAR = 2000, 2099


def _plausible(start: datetime) -> datetime:
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise ValueError(f"must lie in the years {FIRST_YEAR} to {LAST_YEAR}")
    return start


CourtTime = Annotated[
    AwareDatetime,
    AfterValidator(_plausible),
    Field(json_schema_extra={"pattern": r"^20[0-9]{2}-"}),
]
"""A date and time with its UTC offset, in the years 2000-2099 (as written): a typo such as
year 20250 or 0025 is refused instead of scheduled."""

Email = Annotated[str, Field(min_length=3, max_length=EMAIL_MAX, pattern=EMAIL)]
"""A mail address (court/contacts.py has the rule, which imported lists follow too)."""

Phone = Annotated[
    str,
    Field(min_length=5, max_length=PHONE_MAX, pattern=PHONE, examples=["+8613800138000"]),
]
"""Digits only, with an optional leading + (the client drops spaces and dashes)."""

Language = contacts.Language


TimeZoneName = Annotated[
    str,
    Field(min_length=1, max_length=TIME_ZONE_MAX, pattern=TIME_ZONE, examples=["Europe/Berlin"]),
]
"""Shaped as an IANA zone name; whether the zone exists is the handler's check (`known_zone`),
which the machine's zone database answers and a schema cannot."""
