"""An exhibit file's pages as pictures (docs/architecture.md#exhibits): drawn once under the
budget and kept in storage, reached as the file is, every view audited; every refusal, on
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import wave
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from config import Settings
from hearing_server import exhibit_pictures
from hearing_server.db.database import Database
from tests.callers import Caller, NewCaller, expire_invitation, holder, invite, schedule_hearing
from tests.conftest import settings_with
from tests.functional.test_exhibit_uploads import picture, upload
from tests.functional.test_exhibits_api import Trial, submit, trial
from tests.functional.test_recordings_api import audit_rows
from tests.pdf_files import made_by_pdfium
from tests.unit.test_evidence_pages import A4, LETTER, fine_then_exponential, pages_pdf


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """A page may take a second of CPU: the page that would take years is refused quickly."""
    return settings_with(database_url, tmp_path, exhibit_page_cpu_seconds=1)


async def page(
    caller: Caller, file_id: int, number: int | str, query: str = ""
) -> tuple[int, bytes, Mapping[str, str]]:
    response = await caller.client.get(
        f"/api/v1/exhibit-files/{file_id}/pages/{number}{query}", headers=caller.credentials()
    )
    return response.status, await response.read(), response.headers


def error_code(data: bytes) -> str:
    return str(json.loads(data)["error"]["code"])


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data), formats=["WEBP"]) as image:
        return image.size


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    return buffer.getvalue()


async def with_files(judge: Caller, new_caller: NewCaller) -> tuple[Trial, dict[str, Any]]:
    """A trial whose plaintiff's exhibit 1 has a three-page PDF, a photo and a recording."""
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    pdf = await upload(t.plaintiff, exhibit["id"], "合同.pdf", pages_pdf([A4, LETTER, A4]))
    photo = await upload(t.plaintiff, exhibit["id"], "IMG_1.JPG", picture())
    sound = await upload(t.plaintiff, exhibit["id"], "录音.wav", wav())
    return t, {
        "exhibit": exhibit,
        "pdf": pdf["file"],
        "photo": photo["file"],
        "sound": sound["file"],
    }


async def test_a_page_is_drawn_once_kept_in_storage_and_every_view_audited(
    judge: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    t, f = await with_files(judge, new_caller)
    assert (f["pdf"]["pages"], f["photo"]["pages"], f["sound"]["pages"]) == (3, 1, None)
    listed = (await t.plaintiff.call("GET", f"/exhibits/{f['exhibit']['id']}"))["files"]
    assert [file["pages"] for file in listed] == [3, 1, None]

    status, data, headers = await page(t.plaintiff, f["pdf"]["id"], 2, "?width=480")
    assert status == 200, data
    assert headers["Content-Type"] == "image/webp"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"].startswith("private")
    sha = f["pdf"]["sha256"]
    assert headers["ETag"] == f'"{sha}-480-2"'
    assert size_of(data)[0] == 480 and size_of(data)[1] == round(480 * 792 / 612)
    stored = settings.recordings_dir / "exhibit-pages" / sha / "480" / "2.webp"
    assert stored.read_bytes() == data

    # kept: the next request, whoever makes it, reads it and draws nothing
    def no_drawing(*args: object, **kwargs: object) -> None:
        raise AssertionError("drawn again")

    monkeypatch.setattr(exhibit_pictures, "page_pictures", no_drawing)
    monkeypatch.setattr(exhibit_pictures, "display_images", no_drawing)
    status, again, _ = await page(t.agent, f["pdf"]["id"], 2, "?width=480")
    assert status == 200 and again == data
    monkeypatch.undo()

    # the default width, and a photo as its one page (upright, never wider than it is)
    status, data, _ = await page(judge, f["pdf"]["id"], 1)
    assert status == 200 and size_of(data)[0] == 960
    status, data, headers = await page(t.plaintiff, f["photo"]["id"], 1, "?width=1600")
    assert status == 200 and size_of(data) == (320, 240)
    assert headers["Content-Type"] == "image/webp"
    assert (settings.recordings_dir / "exhibit-pages" / f["photo"]["sha256"] / "1600").is_dir()

    views = await audit_rows(database, "view_exhibit_page")
    assert [(v.actor.split(":")[0], v.object_id, v.detail and v.detail["page"]) for v in views] == [
        ("participant", str(f["pdf"]["id"]), 2),
        ("participant", str(f["pdf"]["id"]), 2),
        ("user", str(f["pdf"]["id"]), 1),
        ("participant", str(f["photo"]["id"]), 1),
    ]
    assert [v.detail and (v.detail["width"], v.detail["drawn_now"]) for v in views] == [
        (480, True),
        (480, False),
        (960, True),
        (1600, True),
    ]
    assert views[0].detail is not None and views[0].detail["via"] == "credentials"
    assert views[0].detail["sha256"] == sha and views[0].detail["exhibit_id"] == f["exhibit"]["id"]
    # not part of the record: pictures are derived, so nothing under exhibits/ but the files
    assert sorted(p.name for p in (settings.recordings_dir / "exhibits").iterdir()) == sorted(
        {f["pdf"]["sha256"], f["photo"]["sha256"], f["sound"]["sha256"]}
    )


async def test_requests_for_a_page_at_the_same_time_draw_it_once(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    t, f = await with_files(judge, new_caller)
    answers = await asyncio.gather(
        *(
            page(caller, f["pdf"]["id"], 3, "?width=1600")
            for caller in (t.plaintiff, t.agent, judge)
        )
    )
    assert [status for status, _, _ in answers] == [200] * 3
    assert len({data for _, data, _ in answers}) == 1
    views = await audit_rows(database, "view_exhibit_page")
    assert sorted(bool(v.detail and v.detail["drawn_now"]) for v in views) == [False, False, True]


async def test_pages_widths_and_kinds_that_are_not_there(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    t, f = await with_files(judge, new_caller)
    pdf, photo, sound = f["pdf"]["id"], f["photo"]["id"], f["sound"]["id"]
    for file_id, number in [(pdf, 4), (pdf, 2**31 - 1), (photo, 2)]:
        status, data, _ = await page(t.plaintiff, file_id, number)
        assert (status, error_code(data)) == (404, "no_such_page"), (file_id, number)
    for word in ("0", "-1", "abc", "1.5", "9" * 30, "%20"):
        status, data, _ = await page(t.plaintiff, pdf, word)
        assert (status, error_code(data)) == (404, "not_found"), word
    for width in ("500", "0", "-5", "959", "100000", "9" * 30):
        status, data, _ = await page(t.plaintiff, pdf, 1, f"?width={width}")
        assert (status, error_code(data)) == (400, "bad_width"), width
    for width in ("wide", "", "960.5", "1e3"):
        status, data, _ = await page(t.plaintiff, pdf, 1, f"?width={width}")
        assert status == 422 and error_code(data) == "invalid_request", width
    status, data, _ = await page(t.plaintiff, sound, 1)
    assert (status, error_code(data)) == (409, "no_pages")
    for missing in (999999, 0):
        assert (await page(t.plaintiff, missing, 1))[0] == 404
    assert await audit_rows(database, "view_exhibit_page") == [], "refusals are not views"


async def test_a_page_past_the_budget_is_refused_with_its_code(
    judge: Caller, new_caller: NewCaller
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    done = await upload(t.plaintiff, exhibit["id"], "bomb.pdf", fine_then_exponential())
    file_id = done["file"]["id"]
    assert done["file"]["pages"] == 2
    assert (await page(t.plaintiff, file_id, 1, "?width=480"))[0] == 200
    status, data, _ = await page(t.plaintiff, file_id, 2, "?width=480")
    assert (status, error_code(data)) == (422, "pdf_too_complex")


async def test_pages_are_seen_by_whoever_sees_the_file(
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    anon: Caller,
    new_caller: NewCaller,
    database: Database,
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    document = made_by_pdfium(1)
    file_id = (await upload(t.plaintiff, exhibit["id"], "a.pdf", document))["file"]["id"]
    other = await schedule_hearing(judge, "(2026)A民初2号")
    stranger = await holder(
        new_caller, (await invite(judge, other["id"], side="plaintiff"))["invitation"]["token"]
    )
    for caller, expected in [
        (t.plaintiff, 200),
        (t.agent, 200),
        (judge, 200),
        (clerk, 200),
        (t.defendant, 404),  # before the exchange it does not exist for them
        (stranger, 404),  # another hearing's party
        (other_judge, 404),  # another court
        (t.observer, 403),
        (t.witness, 403),  # not called
        (anon, 401),
    ]:
        assert (await page(caller, file_id, 1, "?width=480"))[0] == expected
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    assert (await page(t.defendant, file_id, 1, "?width=480"))[0] == 200
    await expire_invitation(database, t.defendant_id)
    status, data, _ = await page(t.defendant, file_id, 1, "?width=480")
    assert (status, error_code(data)) == (401, "invitation_expired")
    digest = hashlib.sha256(document).hexdigest()
    assert [
        v.detail and v.detail["sha256"] for v in await audit_rows(database, "view_exhibit_page")
    ] == [digest] * 5
