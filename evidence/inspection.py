"""What an uploaded file is, decided by its content, and whether the court accepts it.

The order is the cheap refusals first: size from the file system, then the kind from the first
bytes (`sniff`), then a real parse by the one parser for that kind, with its limits checked from
the headers before anything large is decoded. Only a file that passed all of them is hashed.
The parse runs in a child process under a CPU, memory and time budget (`evidence.budget`), so a
crafted file costs the server no more than that. The call blocks (on that child, and while the
file is hashed in chunks); async callers run it in a thread (`asyncio.to_thread`).
"""

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from evidence.image import image_size
from evidence.limits import DEFAULT_LIMITS, Limits
from evidence.media import media_facts
from evidence.pdf import pdf_pages
from evidence.refusal import ACCEPTED, Exceeded, Refusal, Refused, Unit
from evidence.sniff import HEAD, Container, sniff
from recording.digest import sha256_file

IMAGE_TYPES = {
    Container.JPEG: "image/jpeg",
    Container.PNG: "image/png",
    Container.WEBP: "image/webp",
}


class Kind(StrEnum):
    DOCUMENT = "document"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


@dataclass(frozen=True)
class Inspection:
    media_type: str
    kind: Kind
    size: int
    """Bytes."""
    sha256: str
    """Hex digest of the whole file: the key it is stored under."""
    pages: int | None = None
    """Documents only."""
    width: int | None = None
    """Images and videos only, in pixels, as stored (before any orientation tag)."""
    height: int | None = None
    duration: float | None = None
    """Audio and video only, in seconds."""


def inspect_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Inspection:
    """The facts of the file at `path`, or Refused saying why the court does not accept it."""
    size = path.stat().st_size
    if size == 0:
        raise Refused(Refusal.EMPTY_FILE, "This file is empty.")
    if size > limits.max_bytes:
        megabytes = limits.max_bytes / 1_000_000
        raise Refused(
            Refusal.TOO_LARGE,
            f"This file is larger than {megabytes:g} MB.",
            Exceeded(limits.max_bytes, Unit.BYTES, size),
        )
    with path.open("rb") as file:
        container = sniff(file.read(HEAD))
    if container is None:
        raise Refused(
            Refusal.UNSUPPORTED_TYPE,
            f"This kind of file is not accepted; the court accepts {ACCEPTED} files.",
        )
    if container is Container.PDF:
        pages = pdf_pages(path, limits)
        return Inspection("application/pdf", Kind.DOCUMENT, size, sha256_file(path), pages=pages)
    if container in IMAGE_TYPES:
        return inspected_image(path, IMAGE_TYPES[container], size, limits)
    return inspected_media(path, container, size, limits)


def inspected_image(path: Path, media_type: str, size: int, limits: Limits) -> Inspection:
    width, height = image_size(path, media_type, limits)
    return Inspection(media_type, Kind.IMAGE, size, sha256_file(path), width=width, height=height)


def inspected_media(path: Path, container: Container, size: int, limits: Limits) -> Inspection:
    facts = media_facts(path, container, limits)
    if facts.size is None:
        return Inspection(
            facts.media_type, Kind.AUDIO, size, sha256_file(path), duration=facts.duration
        )
    width, height = facts.size
    return Inspection(
        facts.media_type,
        Kind.VIDEO,
        size,
        sha256_file(path),
        width=width,
        height=height,
        duration=facts.duration,
    )
