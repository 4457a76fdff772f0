"""The chapters written into a hearing's archive MP4, read from its header with PyAV (kept
apart from `archive` so that checking a record, as `hearing-server verify` does, loads no PyAV).

Blocking (file reads): async callers run these in a thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import av

from recording.storage import Storage


@dataclass(frozen=True)
class ArchiveChapter:
    title: str
    start: float
    end: float
    """Seconds into the archive video."""


def archive_chapters(storage: Storage, key: str) -> list[ArchiveChapter] | None:
    """The chapters written into the archive MP4 (one per procedure phase), read from its
    header; None if the file cannot be read as a video."""
    try:
        with av.open(StoredFile(storage, key), "r") as container:
            return [
                ArchiveChapter(
                    title=str(chapter["metadata"].get("title", "")),
                    start=float(chapter["start"] * (chapter["time_base"] or 1)),
                    end=float(chapter["end"] * (chapter["time_base"] or 1)),
                )
                for chapter in container.chapters()
            ]
    except (OSError, ValueError, av.FFmpegError):
        return None


class StoredFile(io.RawIOBase):
    """A read-only, seekable file over one stored object, for readers (PyAV) that want one."""

    def __init__(self, storage: Storage, key: str) -> None:
        self.storage = storage
        self.key = key
        self.length = storage.size(key)
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.length}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.storage.read(self.key, self.position, len(view))
        view[: len(data)] = data
        self.position += len(data)
        return len(data)
