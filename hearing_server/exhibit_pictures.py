"""Pictures of an exhibit file's pages for the screen (docs/architecture.md#exhibits): a PDF's
page, or an image upright without its metadata, drawn by `evidence` under its budget the first
time someone asks, then kept in the recordings' storage beside the files, under
``exhibit-pages/<sha256>/<width>/<page>.webp``, so that every later request, in any process,
only reads it. They are derived from the file (the same bytes always give the same pictures)
and are not part of any sealed record.

Blocking: async callers run these in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from evidence import Limits, Refusal, Refused, display_images, page_pictures
from hearing_server.exhibit_store import exhibit_key
from recording.digest import CHUNK
from recording.storage import Storage

WIDTHS = (480, 960, 1600)
"""The widths a page is drawn at (pixels): a phone, a laptop, a courtroom screen. Only these,
so that what is stored stays bounded."""
DEFAULT_WIDTH = 960
PREPARED_WIDTHS = (1600, 960)
"""The widths every page is drawn at as soon as a file is accepted (`prepare_pages`): what
laptops and phones of today ask for; 480 is drawn when first asked."""
PREFIX = "exhibit-pages/"
PICTURED = ("application/pdf", "image/")
"""Media types (prefixes) that have pages to show."""


def pictured(media_type: str) -> bool:
    return media_type.startswith(PICTURED)


def page_key(sha256: str, width: int, page: int) -> str:
    """Where the picture of page `page` (from 1) of the file with this hash is kept."""
    exhibit_key(sha256)  # a hash, never a path
    return f"{PREFIX}{sha256}/{width}/{page}.webp"


def stored_page(
    storage: Storage, sha256: str, media_type: str, page: int, width: int, limits: Limits
) -> tuple[int, bool]:
    """The size in bytes of the picture of `page` at `width` in `storage`, drawn and stored
    first if it is not there yet, and whether it was drawn now. Raises `evidence.Refused`
    (``no_such_page``, ``pdf_too_complex``, …) as the drawing does; an image has only page 1."""
    key = page_key(sha256, width, page)
    if media_type != "application/pdf" and page != 1:
        raise Refused(Refusal.NO_SUCH_PAGE, "An image is shown as one page.")
    try:
        return storage.size(key), False
    except FileNotFoundError:
        pass
    with tempfile.TemporaryDirectory(prefix="exhibit-page-") as folder:
        work = Path(folder)
        source = work / "source"
        _copy_out(storage, exhibit_key(sha256), source)
        if media_type == "application/pdf":
            (picture,) = page_pictures(source, work / "out", [width], limits, page)
        else:
            picture = display_images(source, media_type, work / "out", [width], limits)[0]
        storage.put(key, picture.path)
    return storage.size(key), True


def prepare_pages(
    storage: Storage, sha256: str, media_type: str, widths: tuple[int, ...], limits: Limits
) -> int:
    """Draw and store every page of the file at each of `widths` not stored yet, all in one
    child process (a page turned in court is then only read); how many pictures were stored.
    Raises `evidence.Refused` as the drawing does (the pages before stand)."""
    missing = [w for w in widths if not _stored(storage, page_key(sha256, w, 1))]
    if not missing:
        return 0
    with tempfile.TemporaryDirectory(prefix="exhibit-pages-") as folder:
        work = Path(folder)
        source = work / "source"
        _copy_out(storage, exhibit_key(sha256), source)
        if media_type == "application/pdf":
            pictures = page_pictures(source, work / "out", missing, limits)
        else:
            pictures = iter(display_images(source, media_type, work / "out", missing, limits))
        stored = 0
        # the widths asked for, in order: a page too tall for WebP comes back narrower
        for picture, width in zip(pictures, _each_width(missing), strict=False):
            key = page_key(sha256, width, picture.page or 1)
            if not _stored(storage, key):
                storage.put(key, picture.path)
                stored += 1
        return stored


def _each_width(widths: list[int]) -> Iterator[int]:
    """The width each picture `page_pictures` yields was asked at: page after page, each from
    the widest."""
    ordered = sorted(widths, reverse=True)
    while True:
        yield from ordered


def _stored(storage: Storage, key: str) -> bool:
    try:
        storage.size(key)
    except FileNotFoundError:
        return False
    return True


def _copy_out(storage: Storage, key: str, target: Path) -> None:
    """The stored file copied to `target` in chunks (it may be in S3, and large)."""
    with target.open("wb") as out:
        offset = 0
        while chunk := storage.read(key, offset, CHUNK):
            out.write(chunk)
            offset += len(chunk)
