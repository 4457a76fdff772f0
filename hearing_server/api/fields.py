"""Field types shared by request models."""

from typing import Annotated

from pydantic import AfterValidator, Field

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _printable(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]
"""A person's, court's or room's name: any script, no control characters."""

Title = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_printable)]

CaseNumber = Annotated[
    str,
    Field(min_length=1, max_length=100, examples=["(2020)浙0402民初1234号"]),
    AfterValidator(_printable),
]
"""Stored exactly as given: court case numbers mix full- and half-width characters."""

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]

Password = Annotated[str, Field(min_length=12, max_length=1024)]
