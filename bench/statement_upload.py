"""One party submitting a video statement as the phone client does: `POST /stages/{id}/turns
{kind: "video", media_type, size}` for an upload, then `PATCH /turn-uploads/{id}` chunk after
chunk from the offset the server holds, until the chunk that completes the file is answered 201
with the turn (the server's acknowledgement, with the SHA-256 it took).

A dropped connection, a 408, a 409 `wrong_offset` or `upload_busy` makes it ask `HEAD` for the
offset and go on from there, and a 503 (stored whole but not kept) makes it send an empty chunk
at the end, as the client is told to; any other refusal ends the submission with its status and
code (after a dropped last chunk, `409 upload_finished`: the turn is on the record, but this
client was never told so).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.statement_files import Statement

API = "/api/v1"
RESUMED = {"408 request_timeout", "409 wrong_offset", "409 upload_busy", "503 storage_unavailable"}
"""Refusals after which the client asks where the upload stands and goes on."""
MAX_RESUMES = 5


@dataclass(frozen=True)
class Party:
    participant_id: int
    invitation: str
    stage_id: int = 0
    """The stage that lists them."""


@dataclass
class Submission:
    party: Party
    statement: Statement
    started: float = 0.0
    """Monotonic time of the POST that starts the upload."""
    finished: float = 0.0
    """Of the acknowledgement, or of the refusal that ended it."""
    turn: dict[str, Any] | None = None
    """The acknowledged turn, as the 201 carried it."""
    refusal: str | None = None
    """`status code` (or the exception's name) of what ended it unacknowledged."""
    last_chunk: float = 0.0
    """Monotonic time the chunk that completes the file was sent (the server then probes,
    hashes and stores it before it answers)."""
    chunks: int = 0
    resumes: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.finished - self.started


def session(party: Party) -> aiohttp.ClientSession:
    """The party's own HTTP client (its own connections), presenting its invitation."""
    return aiohttp.ClientSession(
        headers={"Authorization": f"Invitation {party.invitation}"},
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=120),
    )


async def submit(http: aiohttp.ClientSession, url: str, sub: Submission, chunk: int) -> None:
    """Upload `sub.statement` in chunks of `chunk` bytes; fills in `sub`."""
    sub.started = time.monotonic()
    try:
        body = {"kind": "video", "media_type": "video/webm", "size": sub.statement.size}
        async with http.post(
            f"{url}{API}/stages/{sub.party.stage_id}/turns", json=body
        ) as response:
            started = await response.json()
            if response.status != 201:
                sub.refusal = _refusal(response.status, started)
                return
        await _send(http, f"{url}{API}/turn-uploads/{started['upload_id']}", sub, chunk)
    except (aiohttp.ClientError, TimeoutError) as exc:
        sub.refusal = type(exc).__name__
    finally:
        sub.finished = time.monotonic()


async def _send(http: aiohttp.ClientSession, upload: str, sub: Submission, chunk: int) -> None:
    offset, size = 0, sub.statement.size
    with sub.statement.path.open("rb") as file:
        while True:
            file.seek(offset)
            data = file.read(min(chunk, size - offset))  # empty at the end: a retry to store
            headers = {"Upload-Offset": str(offset), "Content-Type": "application/octet-stream"}
            if offset + len(data) == size:
                sub.last_chunk = time.monotonic()
            try:
                async with http.patch(upload, data=data, headers=headers) as response:
                    sub.chunks += 1
                    answer = await response.json() if response.status != 204 else None
                    if response.status == 201:
                        sub.turn = answer
                        return
                    if response.status == 204:
                        offset = int(response.headers["Upload-Offset"])
                        continue
                    refusal = _refusal(response.status, answer)
                    if refusal not in RESUMED or sub.resumes >= MAX_RESUMES:
                        sub.refusal = refusal
                        return
                    sub.notes.append(refusal)
            except (aiohttp.ClientError, TimeoutError) as exc:
                if sub.resumes >= MAX_RESUMES:
                    raise
                sub.notes.append(type(exc).__name__)
                await asyncio.sleep(1)
            sub.resumes += 1
            async with http.head(upload) as response:
                if response.status != 204:
                    sub.refusal = f"HEAD {response.status}"
                    return
                offset = int(response.headers["Upload-Offset"])


def _refusal(status: int, body: Any) -> str:
    code = body.get("error", {}).get("code", "?") if isinstance(body, dict) else "?"
    return f"{status} {code}"
