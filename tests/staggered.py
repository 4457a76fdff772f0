"""A staggered hearing set up through the REST API for the functional tests, a tiny real
video statement made with PyAV, and chunked uploads of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing

NOTICE_VERSION = "2026-12"


def soon(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


@dataclass
class Staggered:
    hearing_id: int
    plaintiff: Caller
    defendant: Caller
    plaintiff_id: int
    defendant_id: int


async def staggered(
    judge: Caller, new_caller: NewCaller, number: str = "(2026)A民初17号"
) -> Staggered:
    """A staggered hearing with two parties."""
    hearing = await schedule_hearing(judge, number, kind="async_hearing")
    hearing_id = hearing["id"]
    a = await invite(judge, hearing_id, role="party", name="原告甲")
    b = await invite(judge, hearing_id, role="party", name="被告乙")
    return Staggered(
        hearing_id,
        await holder(new_caller, a["invitation"]["token"]),
        await holder(new_caller, b["invitation"]["token"]),
        a["participant"]["id"],
        b["participant"]["id"],
    )


async def consent(caller: Caller, agreed: bool = True) -> None:
    await caller.call(
        "POST",
        "/invitation/consent",
        {"agreed": agreed, "notice_version": NOTICE_VERSION},
        expect=201,
    )


async def add_stage(
    judge: Caller, hearing_id: int, ids: list[int], **fields: Any
) -> dict[str, Any]:
    body = {
        "kind": "claims_statement",
        "participant_ids": ids,
        "deadline": soon(days=3),
        "visibility": "on_submit",
        **fields,
    }
    stage: dict[str, Any] = await judge.call(
        "POST", f"/hearings/{hearing_id}/stages", body, expect=201
    )
    return stage


def make_video(path: Path, seconds: float = 1.0, sound: bool = True, live: bool = False) -> bytes:
    """A tiny real WebM recording (VP8 and Opus): a changing picture, and silence as its sound.
    ``live``: written as a browser's MediaRecorder writes it, without a length in its header."""
    out = av.open(str(path), "w", format="webm", options={"live": "1"} if live else {})
    video = out.add_stream("libvpx", rate=10)
    assert isinstance(video, VideoStream)
    video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
    audio = out.add_stream("libopus", rate=48000) if sound else None  # before any muxing
    for i in range(int(seconds * 10)):
        picture = np.full((48, 64, 3), i * 20 % 256, np.uint8)
        for packet in video.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
            out.mux(packet)
    for packet in video.encode():
        out.mux(packet)
    if audio is not None:
        assert isinstance(audio, AudioStream)
        for i in range(int(seconds * 50)):
            silence = av.AudioFrame.from_ndarray(
                np.zeros((1, 960), np.int16), format="s16", layout="mono"
            )
            silence.sample_rate, silence.pts = 48000, i * 960
            for packet in audio.encode(silence):
                out.mux(packet)
        for packet in audio.encode():
            out.mux(packet)
    out.close()
    return path.read_bytes()


async def send(
    caller: Caller,
    upload_id: int,
    offset: int | None,
    data: bytes,
    method: str = "PATCH",
    uploads: str = "turn-uploads",
) -> tuple[int, Any, Mapping[str, str]]:
    """A chunk (or a HEAD) of a statement's upload (``uploads``: of a recorded question's,
    ``question-uploads``); the status, JSON body and headers of the answer."""
    headers = {**caller.credentials(), "Content-Type": "application/octet-stream"}
    if offset is not None:
        headers["Upload-Offset"] = str(offset)
    response = await caller.client.request(
        method, f"/api/v1/{uploads}/{upload_id}", data=data, headers=headers
    )
    body = await response.json() if response.content_type == "application/json" else None
    return response.status, body, response.headers


async def upload_video(
    caller: Caller, stage_id: int, data: bytes, chunk: int = 600, **fields: Any
) -> tuple[int, Any]:
    """Start a video turn and send it in chunks; the last answer's status and body."""
    started = await caller.call(
        "POST",
        f"/stages/{stage_id}/turns",
        {"kind": "video", "media_type": "video/webm", "size": len(data), **fields},
        expect=201,
    )
    assert started["offset"] == 0
    return await send_all(caller, started["upload_id"], data, chunk)


async def send_all(
    caller: Caller, upload_id: int, data: bytes, chunk: int = 600, uploads: str = "turn-uploads"
) -> tuple[int, Any]:
    """Send the whole file in chunks from the start; the last answer's status and body."""
    offset, status, body = 0, 0, None
    while offset < len(data):
        status, body, headers = await send(
            caller, upload_id, offset, data[offset : offset + chunk], uploads=uploads
        )
        if status != 204:
            break
        offset = int(headers["Upload-Offset"])
    return status, body


async def ask_recorded(
    staff: Caller, stage_id: int, participant_id: int, text: str, data: bytes
) -> tuple[int, Any]:
    """Ask a recorded question (its words, and the file in chunks); the last answer."""
    video = {"media_type": "video/webm", "size": len(data)}
    started = await staff.call(
        "POST",
        f"/stages/{stage_id}/questions",
        {"participant_id": participant_id, "text": text, "video": video},
        expect=201,
    )
    assert (started["offset"], set(started)) == (0, {"upload_id", "offset", "chunk_size"})
    return await send_all(staff, started["upload_id"], data, uploads="question-uploads")
