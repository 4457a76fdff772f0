"""What the transcript endpoints take and give (docs/architecture.md#transcript)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from court.roles import Role
from court.transcript import KEY_LIMIT, TEXT_LIMIT
from hearing_server.api.fields import CourtTime, Id
from hearing_server.db.transcript_rows import EntryState

EntryKey = Annotated[str, Field(min_length=1, max_length=KEY_LIMIT, pattern=r"^[A-Za-z0-9_-]+$")]
"""The id a client gives an entry when its writer begins it (e.g. a random UUID)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters other than tabs and line breaks")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


DraftText = Annotated[
    str,
    Field(
        max_length=TEXT_LIMIT,
        json_schema_extra={"pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"},
    ),
    AfterValidator(_no_control),
]
"""What the writer has typed so far: any script, line breaks, possibly nothing yet."""

EntryText = Annotated[DraftText, Field(min_length=1), AfterValidator(_not_blank)]
"""What was said, as it goes into the record."""


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: EntryKey
    speaker_id: Id | None = None
    """A participant of the hearing; none: the court."""
    text: DraftText = ""
    at: CourtTime
    """The moment of the hearing the entry belongs to (when its speaker began)."""


class EntryIn(DraftIn):
    text: EntryText


class EntryPatch(BaseModel):
    """A correction: a new version of the entry, made from the version the writer saw."""

    model_config = ConfigDict(extra="forbid")
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    """The version the correction was made from: the entry's current one, else 409."""
    text: EntryText
    speaker_id: Id | None = None
    """Sent: the speaker (null: the court); left out: unchanged."""
    at: CourtTime | None = None
    """Left out: unchanged."""


class EntryOut(BaseModel):
    id: int
    hearing_id: int
    key: str
    seq: int | None
    state: EntryState
    speaker_id: int | None
    speaker: str
    """The speaker's name, or the court's, in the court's language."""
    text: str
    at: datetime
    author: str
    version: int
    created_at: datetime
    updated_at: datetime


class RevisionOut(BaseModel):
    version: int
    speaker_id: int | None
    text: str
    at: datetime
    author: str
    created_at: datetime


class Revisions(BaseModel):
    entry_id: int
    revisions: list[RevisionOut]


class Speaker(BaseModel):
    """Someone in the hearing an entry may name as its speaker."""

    id: int
    name: str
    role: Role


class TranscriptLine(BaseModel):
    """A committed entry, or a fact of the timeline worded as a line of the record."""

    kind: Literal["entry", "fact"]
    at: datetime
    entry: EntryOut | None = None
    fact: str | None = None
    """In the court's language."""
    fact_zh: str | None = None
    fact_en: str | None = None
    event: str | None = None
    """The timeline kind the fact comes from (``phase``, ``admitted``, ...)."""


class Transcript(BaseModel):
    hearing_id: int
    language: str
    speakers: list[Speaker]
    lines: list[TranscriptLine]
    """Entries and facts in the order of the hearing."""
    draft: EntryOut | None
    """The caller's own unfinished entry, if they have one."""
