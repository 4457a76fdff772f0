"""Checking a recording's seal on demand: the signed manifest's entries, chain and signature
are recomputed from the stored files (hearing_server/records/archive.py), against the server's own
key, and every changed or missing file or entry is named. Each check is audited."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, Field

from hearing_server.api.errors import ApiError
from hearing_server.api.recording_access import retrieve
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import (
    ArchiveCheck,
    SigningKeyError,
    recording_storage,
    server_public_key,
    transcript_check,
    verify_stored,
)


class ProblemOut(BaseModel):
    kind: str = Field(
        description="manifest_unreadable, entry_changed, chain_broken, head_mismatch, "
        "manifest_changed, signature_invalid, key_mismatch, file_missing or file_changed"
    )
    subject: str = Field(description='What changed: "entry 3 (file …)", a file, or "manifest".')
    detail: str


class VerifyOut(BaseModel):
    ok: bool
    verification_code: str = Field(description="Recomputed; compare with the code shown at close.")
    key_trusted: bool = Field(
        description="Checked against the server's own key, not just the key in the manifest."
    )
    files: int
    entries: int
    problems: list[ProblemOut]


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/recordings/{recording_id}/verify",
        summary="Check the recording's seal: names every changed file or manifest entry",
        tag="recordings",
        response=VerifyOut,
        errors=(409, 503),
    )
    async def verify_recording(ctx: Ctx) -> VerifyOut:
        access = await retrieve(ctx)
        recording = access.recording
        if recording.manifest_path is None:
            raise ApiError(
                409,
                "not_sealed",
                f"recording {recording.id} is not sealed (it is {recording.state})",
            )
        settings = ctx.request.app[SETTINGS]
        try:
            key = server_public_key(settings.signing_key_path)
        except SigningKeyError as exc:
            raise ApiError(503, "signing_key_unavailable", str(exc)) from exc
        archive = (
            ArchiveCheck(recording.archive_path, recording.archive_sha256)
            if recording.archive_path is not None and recording.archive_sha256 is not None
            else None
        )
        report = await asyncio.to_thread(
            verify_stored,
            recording_storage(settings),
            recording.manifest_path,
            key,
            archive,
            transcript_check(recording),
        )
        audit(
            ctx.db,
            access.who.label,
            "verify_recording",
            "recording",
            recording.id,
            ctx.client_ip,
            {"ok": report.ok, "problems": len(report.problems), "code": report.verification_code},
        )
        return VerifyOut(
            ok=report.ok,
            verification_code=report.verification_code,
            key_trusted=report.key_trusted,
            files=report.files,
            entries=report.entries,
            problems=[
                ProblemOut(kind=p.kind, subject=p.subject, detail=p.detail) for p in report.problems
            ],
        )
