"""What the transcript's PDF is made from: a plain, frozen description of the confirmed record
(docs/architecture.md#transcript), built by whoever closes it and read by `render.py` alone.

It holds text as it is to be printed (labels already in the court's language) and times as
timezone-aware datetimes, so the renderer decides nothing about the court's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

Language = Literal["zh", "en", "zh+en"]
"""The court's language (setting `court_language`): the PDF's own words are printed in it."""


class SignerStatus(StrEnum):
    SIGNED = "signed"
    REFUSED = "refused"
    """拒绝签名: the person refused to sign, recorded with the time."""
    NOT_SIGNED = "not_signed"


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line of the record: an entry the bench wrote, or a fact of the timeline."""

    at: datetime
    """When in the hearing (timezone-aware); printed in the document's time zone."""
    text: str
    speaker: str | None = None
    """Who spoke, as printed ("原告 张三"); None for a fact (opened, recess, exhibit shown)."""
    recording_seconds: float | None = None
    """Where in the recording this moment is, if known (seconds from its start)."""


@dataclass(frozen=True, slots=True)
class BenchMember:
    role: str
    """As printed: "审判长", "书记员", "Presiding judge"..."""
    name: str


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    role: str
    """As printed: "原告", "被告代理人", "Witness"..."""
    status: SignerStatus
    at: datetime | None = None
    """When they signed or refused."""
    signature_png: bytes | None = None
    """The signature as drawn (PNG); None when there is none."""
    note: str | None = None
    """Anything the record says beside it, e.g. the reason given for refusing."""


@dataclass(frozen=True, slots=True)
class TranscriptDocument:
    court_name: str
    case_number: str
    cause: str
    """The case's title or cause of action (案由)."""
    hearing_kind: str
    """The kind's label as printed ("民事庭审")."""
    started_at: datetime
    ended_at: datetime | None
    bench: tuple[BenchMember, ...]
    """The judges and the clerk, in the order printed."""
    language: Language
    lines: tuple[TranscriptLine, ...]
    signers: tuple[Signer, ...]
    manifest_sha256: str = ""
    """The sealed manifest's hash (its `manifest_hash`) of the recording this transcript
    belongs to, printed on every page. `seal_transcript` fills it in from the manifest."""
    verification_code: str | None = None
    """The code given at close for that manifest (the start of its hash), printed beside it;
    filled in by `seal_transcript` too."""
    time_zone: str = "Asia/Shanghai"
    """IANA name: the court's, in which every time is printed."""
    made_at: datetime | None = None
    """The PDF's creation date (its metadata); the same document and made_at give the same
    bytes. None: started_at."""
