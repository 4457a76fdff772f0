"""An accepted PDF's or image's pages are drawn in the background at the widths screens ask for
(hearing_server/page_preparation.py), so the first showing of a page in court reads a stored
picture; audio gets none; a file the budget refuses is left to be refused page by page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from config import Settings
from hearing_server.api.exhibit_uploads_api import CHUNK_SIZE
from hearing_server.db.database import Database
from hearing_server.exhibit_pictures import PREPARED_WIDTHS
from hearing_server.keys import PAGE_PREPARATION
from tests.callers import Caller, NewCaller
from tests.conftest import settings_with
from tests.functional.test_exhibit_pages import page, size_of, wav
from tests.functional.test_exhibit_uploads import picture, upload
from tests.functional.test_exhibits_api import submit, trial
from tests.functional.test_recordings_api import audit_rows
from tests.unit.test_evidence_pages import A4, LETTER, pages_pdf


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_with(database_url, tmp_path, exhibit_prepare_pages=True)


def stored(settings: Settings, sha256: str) -> set[tuple[int, int]]:
    """(width, page) of the pictures stored for the file."""
    folder = settings.recordings_dir / "exhibit-pages" / sha256
    if not folder.is_dir():
        return set()
    return {(int(p.parent.name), int(p.stem)) for p in folder.glob("*/*.webp")}


async def test_pages_are_drawn_ahead_and_the_first_showing_only_reads_them(
    judge: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    server: TestServer,
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    pdf = (await upload(t.plaintiff, exhibit["id"], "合同.pdf", pages_pdf([A4, LETTER, A4])))[
        "file"
    ]
    # 6 MB of noise, wider than the widest prepared width: sent in the chunks the server asks
    # for, as a browser does (the 1 kB chunks of the upload tests would be 6,000 requests)
    big = picture("PNG", 2000, 1000)
    photo = (await upload(t.plaintiff, exhibit["id"], "a.png", big, CHUNK_SIZE))["file"]
    sound = (await upload(t.plaintiff, exhibit["id"], "录音.wav", wav()))["file"]
    await server.app[PAGE_PREPARATION].wait()

    every = {(w, n) for w in PREPARED_WIDTHS for n in (1, 2, 3)}
    assert stored(settings, pdf["sha256"]) == every
    assert stored(settings, photo["sha256"]) == {(w, 1) for w in PREPARED_WIDTHS}
    assert stored(settings, sound["sha256"]) == set()

    status, data, _ = await page(t.plaintiff, pdf["id"], 2, "?width=960")
    width, height = size_of(data)
    assert status == 200 and width == 960 and abs(height - 960 * 792 / 612) <= 1
    status, data, _ = await page(t.plaintiff, photo["id"], 1, "?width=1600")
    assert status == 200 and size_of(data) == (1600, 800)
    status, _, _ = await page(t.plaintiff, pdf["id"], 3, "?width=480")  # not drawn ahead
    assert status == 200
    views = await audit_rows(database, "view_exhibit_page")
    assert [v.detail and (v.detail["width"], v.detail["drawn_now"]) for v in views] == [
        (960, False),
        (1600, False),
        (480, True),
    ]


async def test_a_file_the_budget_refuses_is_left_to_its_pages(
    judge: Caller, new_caller: NewCaller, settings: Settings, server: TestServer
) -> None:
    preparation = server.app[PAGE_PREPARATION]
    generous = preparation.limits
    preparation.limits = replace(generous, pdf_memory_bytes=8 << 20)  # PDFium cannot even start
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    pdf = (await upload(t.plaintiff, exhibit["id"], "a.pdf", pages_pdf([A4, A4])))["file"]
    await preparation.wait()  # refused in the background: nothing raised, nothing stored
    assert stored(settings, pdf["sha256"]) == set()
    preparation.limits = generous
    status, _, _ = await page(t.plaintiff, pdf["id"], 1)  # drawn when asked, under its budget
    assert status == 200
