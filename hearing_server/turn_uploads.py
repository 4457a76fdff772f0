"""Where video statements wait while they are uploaded (docs/architecture.md#staggered-hearings):
``turns/<upload id>.part`` in the uploads folder, its size the upload's offset (as for exhibit
files, upload_folder.py), and the court's recorded questions likewise in ``questions/``; uploads
past their time go with their bytes (upload_expiry.py)."""

from __future__ import annotations

from pathlib import Path

from config import Settings
from hearing_server.upload_folder import part_path

CHUNK_SIZE = 4 << 20
"""What a client is told to send at a time: small enough to resend on a poor line."""
MAX_BYTES = 500 << 20
"""The largest statement: some twenty minutes of a phone's video."""


def turns_folder(settings: Settings) -> Path:
    return settings.uploads_dir / "turns"


def turn_part(settings: Settings, upload_id: int) -> Path:
    return part_path(turns_folder(settings), upload_id)


def questions_folder(settings: Settings) -> Path:
    return settings.uploads_dir / "questions"


def question_part(settings: Settings, upload_id: int) -> Path:
    return part_path(questions_folder(settings), upload_id)
