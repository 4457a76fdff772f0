"""What the transcript's confirmation endpoints take and give (docs/architecture.md#transcript):
signatures, refusals to sign, correction requests and their answers, the record's closing."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from court.roles import Role
from court.transcript_signing import (
    CORRECTION_LIMIT,
    IMAGE_BYTES,
    NAME_LIMIT,
    REASON_LIMIT,
    RecordedBy,
    SignStatus,
)
from hearing_server.api.fields import PRINTABLE, PROSE, Id
from hearing_server.api.transcript_models import TranscriptLine

PNG_DATA_URL = "data:image/png;base64,"
"""What a canvas's ``toDataURL()`` puts before the base64; accepted and ignored."""
IMAGE_BASE64 = len(PNG_DATA_URL) + 4 * -(-IMAGE_BYTES // 3)
"""Characters of the largest picture accepted, in base64 with the data URL's prefix."""
SIGNATURE_BODY = IMAGE_BASE64 + 8 * 1024
"""Bytes of a signature's request: the picture, the name and the digest as JSON."""

_printable = re.compile(PRINTABLE)
_prose = re.compile(PROSE)


def _printable_name(value: str) -> str:
    if not _printable.match(value):
        raise ValueError("must not be blank nor contain control characters")
    return value


def _prose_text(value: str) -> str:
    if not _prose.match(value):
        raise ValueError("must not be blank nor contain control characters other than line breaks")
    return value


_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _blank_is_none(value: str | None) -> str | None:
    if value is not None and _CONTROL_IN_PROSE.search(value):
        raise ValueError("must not contain control characters other than tabs and line breaks")
    if value is None or not value.strip():
        return None
    return value


SignerName = Annotated[
    str,
    Field(min_length=1, max_length=NAME_LIMIT, json_schema_extra={"pattern": PRINTABLE}),
    AfterValidator(_printable_name),
]


def _prose_field(limit: int) -> Any:
    """Field limits of prose (pydantic's Field is typed as Any)."""
    return Field(min_length=1, max_length=limit, json_schema_extra={"pattern": PROSE})


Reason = Annotated[str, _prose_field(REASON_LIMIT), AfterValidator(_prose_text)]
CorrectionText = Annotated[str, _prose_field(CORRECTION_LIMIT), AfterValidator(_prose_text)]
OptionalReason = Annotated[
    Annotated[str, Field(max_length=REASON_LIMIT, json_schema_extra={"pattern": _NO_CONTROL})]
    | None,
    Field(description="Blank counts as none."),
    AfterValidator(_blank_is_none),
]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex")]


class SignatureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: SignerName
    """Their name, as they write it beside the signature."""
    image: str = Field(
        min_length=1,
        max_length=IMAGE_BASE64,
        json_schema_extra={"format": "byte"},
        description="The signature as drawn: a PNG, base64 (a `data:image/png;base64,` prefix "
        "is accepted), at most 256 KiB and 2000×1000 pixels, not blank.",
    )
    digest: Digest
    """The digest of the transcript they read (ConfirmationOut.digest)."""


class SignatureOut(BaseModel):
    id: int
    participant_id: int
    name: str
    signed_at: datetime
    digest: str
    image_url: str


class RefusalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: OptionalReason = None


class CourtRefusalIn(RefusalIn):
    participant_id: Id
    """Who refused to sign."""


class RefusalOut(BaseModel):
    participant_id: int
    refused_at: datetime
    reason: str | None
    recorded_by: RecordedBy


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entry_id: Id | None = None
    """The entry the correction is about (an entry of this hearing); none: the transcript
    as a whole, or something missing from it."""
    text: CorrectionText
    """What the record should say, in the person's words."""


class AnswerOut(BaseModel):
    accepted: bool
    reason: str
    answered_at: datetime
    by_name: str


class CorrectionOut(BaseModel):
    id: int
    participant_id: int
    entry_id: int | None
    text: str
    asked_at: datetime
    answer: AnswerOut | None


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accepted: StrictBool
    reason: Reason


class MyConfirmation(BaseModel):
    participant_id: int
    name: str
    role: Role
    status: SignStatus
    at: datetime | None
    """When they signed or refused."""
    signed_digest: str | None
    """The digest their latest signature confirmed."""
    stale: bool
    """They signed, and the transcript was corrected since: they are asked to sign again."""


class ConfirmationOut(BaseModel):
    """What a signer reads: the transcript, its digest, where they stand."""

    hearing_id: int
    case_number: str
    court_name: str
    language: str
    lines: list[TranscriptLine]
    """The record as it is signed (the confirmation's own lines left out)."""
    digest: str
    record_closed: bool
    mine: MyConfirmation
    corrections: list[CorrectionOut]
    """Their own correction requests and the court's answers."""


class SignerOut(BaseModel):
    participant_id: int
    name: str
    role: Role
    status: SignStatus
    at: datetime | None
    stale: bool
    signature: SignatureOut | None
    """Their latest signature."""
    refusal: RefusalOut | None
    """Their refusal, when that is where they stand."""


class ConfirmationsOut(BaseModel):
    """What the bench sees: everyone who signs, where they stand, every correction request."""

    digest: str
    record_closed: bool
    closed_at: datetime | None
    signers: list[SignerOut]
    corrections: list[CorrectionOut]


class RecordClosedOut(BaseModel):
    closed_at: datetime
    digest: str
