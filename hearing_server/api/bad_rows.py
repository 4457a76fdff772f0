"""The answer to a list with bad rows (creditors', cases'): 422 ``bad_rows``, one detail for
each bad cell with its line and column, in both languages (the clerk's screen shows the
reader's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel

from hearing_server.api.errors import ApiError


class Problem(Protocol):
    """A bad cell as a list's parser reports it (court/creditor_list.py, court/case_list.py)."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def zh(self) -> str: ...
    @property
    def en(self) -> str: ...


class BadRow(BaseModel):
    """One problem of a refused list (422 ``bad_rows``, one detail each), in both languages: the
    clerk's screen shows it in the reader's."""

    line: int
    """The file's line (the header is line 1)."""
    column: str
    """The column's name ("" for the whole row)."""
    code: str
    message: str
    message_zh: str


def bad_rows(shown: Sequence[Problem], total: int | None = None) -> ApiError:
    """422 naming ``shown``, the first of ``total`` problems (all of them by default)."""
    total = len(shown) if total is None else total
    listed = "" if total == len(shown) else f"; the first {len(shown)} are listed"
    return ApiError(
        422,
        "bad_rows",
        f"{total} problem(s) in the list; nothing was imported{listed}",
        details=[
            BadRow(
                line=p.line, column=p.column, code=p.code, message=p.en, message_zh=p.zh
            ).model_dump()
            for p in shown
        ],
    )
