"""Response models that more than one resource's module returns (a hearing, an invitation, a
recording's summary, a grant to retrieve it, an exhibit's file), with the functions that build them from rows:
kept here so that no ``*_api`` module imports another."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from court.kinds import RULES, HearingKind
from court.roles import Role
from court.states import HearingState
from hearing_server.db.models import (
    Case,
    ExhibitFile,
    Hearing,
    Participant,
    Recording,
    RecordingGrant,
)


class HearingOut(BaseModel):
    id: int
    case_id: int
    case_number: str
    kind: HearingKind
    title: str
    scheduled_start: datetime
    duration_minutes: int
    public: bool
    courtroom_id: int | None
    state: HearingState
    phase: str | None
    phases: list[str]


class HearingList(BaseModel):
    items: list[HearingOut]


def hearing_out(hearing: Hearing, case: Case) -> HearingOut:
    return HearingOut(
        id=hearing.id,
        case_id=case.id,
        case_number=case.number,
        kind=hearing.kind,
        title=hearing.title,
        scheduled_start=hearing.scheduled_start,
        duration_minutes=hearing.duration_minutes,
        public=hearing.public,
        courtroom_id=hearing.courtroom_id,
        state=hearing.state,
        phase=hearing.phase,
        phases=list(RULES[hearing.kind].phases),
    )


class InvitationOut(BaseModel):
    token: str = Field(description="Shown once; the server keeps only its hash.")
    url: str
    expires_at: datetime


class RecordingOut(BaseModel):
    id: int
    hearing_id: int
    case_id: int
    case_number: str
    case_title: str
    hearing_title: str
    kind: HearingKind
    state: str = Field(description="idle, recording, paused, finalizing, sealed or failed")
    started_at: datetime | None
    ended_at: datetime | None
    sealed: bool
    archive_available: bool = Field(description="The archive video can be streamed.")
    render_state: Literal["pending", "rendering", "done", "failed"] | None = Field(
        description="The archive render: null before it first starts; failed when it was "
        "given up after its last attempt (the sealed segment files are kept)."
    )


def recording_out(recording: Recording, hearing: Hearing, case: Case) -> RecordingOut:
    return RecordingOut(
        id=recording.id,
        hearing_id=hearing.id,
        case_id=case.id,
        case_number=case.number,
        case_title=case.title,
        hearing_title=hearing.title,
        kind=hearing.kind,
        state=recording.state,
        started_at=recording.started_at,
        ended_at=recording.ended_at,
        sealed=recording.manifest_path is not None,
        archive_available=recording.archive_path is not None,
        render_state=_render_state(recording.render_state),
    )


def _render_state(value: str | None) -> Literal["pending", "rendering", "done", "failed"] | None:
    states: dict[str | None, Literal["pending", "rendering", "done", "failed"]] = {
        "pending": "pending",
        "rendering": "rendering",
        "done": "done",
        "failed": "failed",
    }
    return states.get(value)


class GrantOut(BaseModel):
    participant_id: int
    name: str
    role: Role
    granted_by: str
    granted_at: datetime


def grant_out(grant: RecordingGrant, participant: Participant) -> GrantOut:
    return GrantOut(
        participant_id=participant.id,
        name=participant.name,
        role=participant.role,
        granted_by=grant.granted_by,
        granted_at=grant.granted_at,
    )


class ExhibitFileOut(BaseModel):
    id: int
    seq: int
    sha256: str
    media_type: str
    size_bytes: int
    original_name: str
    display_name: str
    pages: int | None = Field(
        description="A PDF's pages, 1 for an image (both shown page by page at "
        "/exhibit-files/{id}/pages/{n}); null for audio and video."
    )
    notarised_sha256: str | None = Field(
        default=None, description="The SHA-256 a notary certified for the file, as given."
    )
    notary: str | None = Field(default=None, description="Who certified it.")
    notarised_match: bool | None = Field(
        default=None,
        description="Whether the file's own SHA-256 is the notarised one (null: none given).",
    )


def exhibit_file_out(f: ExhibitFile) -> ExhibitFileOut:
    return ExhibitFileOut(
        id=f.id,
        seq=f.seq,
        sha256=f.sha256,
        media_type=f.media_type,
        size_bytes=f.size_bytes,
        original_name=f.original_name,
        display_name=f.display_name,
        pages=f.pages,
        notarised_sha256=f.notarised_sha256,
        notary=f.notary,
        notarised_match=None if f.notarised_sha256 is None else f.notarised_sha256 == f.sha256,
    )
