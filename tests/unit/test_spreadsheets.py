"""An uploaded list made into rows (hearing_server/spreadsheets.py): XLSX cells as the text they
show, CSV in UTF-8 or GB18030, and hostile files refused with a status, quickly."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

from court.case_list import MAX_LINES, parse_case_rows
from hearing_server.spreadsheets import (
    MAX_UNPACKED_BYTES,
    SheetRefused,
    csv_text,
    xlsx_rows,
)
from tests.case_lists import CASES, as_xlsx, wage_rows


def _book(fill: Callable[[Any], None]) -> bytes:
    """An XLSX of one sheet that ``fill`` writes (openpyxl's sheet is untyped)."""
    book = Workbook()
    fill(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refusal(data: bytes) -> tuple[int, str]:
    with pytest.raises(SheetRefused) as caught:
        xlsx_rows(data)
    return caught.value.status, caught.value.code


def test_the_first_sheet_as_text_phone_numbers_whole() -> None:
    rows = xlsx_rows(as_xlsx(wage_rows()))
    assert rows[0] == (1, ["案号", "案由", "姓名", "角色", "邮箱", "手机", "语言", "时区"])
    assert rows[1][1][5] == "13800138001"  # a number cell, not 1.38e10
    listed = parse_case_rows(rows)
    assert listed.problems == [] and len(listed.cases) == CASES


def _with_cached_value(data: bytes, cached: str) -> bytes:
    """The workbook with each formula's saved value set to ``cached``, as a spreadsheet
    program saves it (openpyxl saves none)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            content = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"><f>", b' t="str"><f>', 1)
                content = content.replace(b"<v />", f"<v>{cached}</v>".encode(), 1)
            new.writestr(item, content)
    return out.getvalue()


def test_floats_dates_and_formulas() -> None:
    def fill(sheet: Any) -> None:
        sheet.append(["a", "b", "c", "d", "e"])
        row = [1.38001380e10, 2.5, date(2026, 12, 7), '=A2&"号"', "end"]
        sheet.append(row)

    data = _book(fill)
    # a formula gives the value saved with it; none saved: the cell reads empty
    assert xlsx_rows(data)[1] == (2, ["13800138000", "2.5", "2026-12-07T00:00:00", "", "end"])
    saved = _with_cached_value(data, "13800138000号")
    assert xlsx_rows(saved)[1][1][3] == "13800138000号"


def test_not_a_zip_nor_an_xlsx() -> None:
    assert _refusal(b"case_number,title\n1,2\n") == (422, "not_xlsx")
    assert _refusal(b"") == (422, "not_xlsx")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert _refusal(other.getvalue()) == (422, "unreadable_xlsx")
    truncated = as_xlsx(wage_rows())[:-200]
    assert _refusal(truncated)[0] == 422


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    assert len(bomb.getvalue()) < 200_000
    started = time.perf_counter()
    assert _refusal(bomb.getvalue()) == (413, "xlsx_too_large")
    assert time.perf_counter() - started < 0.5


def test_a_sheet_that_inflates_a_hundredfold_or_past_the_total_is_refused() -> None:
    zeros, stored = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 400_000)  # 2.4 MB, ~1000x
    assert _refusal(zeros.getvalue()) == (413, "xlsx_too_large")
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"x" * (MAX_UNPACKED_BYTES // 2))
        archive.writestr("xl/sharedStrings.xml", b"x" * (MAX_UNPACKED_BYTES // 2 + 1))
    assert _refusal(stored.getvalue()) == (413, "xlsx_too_large")


def test_a_member_larger_than_it_declares_is_not_inflated_past_it() -> None:
    """A bomb that lies about its size: the zip reader stops at the declared size (and the
    file then fails its check), so the declared sizes bound the work."""
    data = bytearray(as_xlsx(wage_rows(2)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        at = archive.start_dir
    while data[at : at + 4] == b"PK\x01\x02":  # the central directory's entries
        name_length, extra, comment = (
            int.from_bytes(data[at + n : at + n + 2], "little") for n in (28, 30, 32)
        )
        if data[at + 46 : at + 46 + name_length] == b"xl/worksheets/sheet1.xml":
            data[at + 24 : at + 28] = (10).to_bytes(4, "little")  # its uncompressed size
        at += 46 + name_length + extra + comment
    assert _refusal(bytes(data))[0] == 422


def test_a_row_a_million_rows_down_is_refused_not_read_through() -> None:
    def fill(sheet: Any) -> None:
        sheet.append(["案号", "案由", "姓名", "角色"])
        sheet.cell(row=1_000_000, column=1, value="A1")

    started = time.perf_counter()
    rows = xlsx_rows(_book(fill))
    assert rows[-1][0] == MAX_LINES + 1
    assert [p.code for p in parse_case_rows(rows).problems] == ["too_many_rows"]
    assert time.perf_counter() - started < 5


def test_a_very_wide_row_is_cut_to_the_columns_read() -> None:
    def fill(sheet: Any) -> None:
        sheet.append(["案号", "案由", "姓名", "角色"])
        sheet.cell(row=2, column=16000, value="far right")

    rows = xlsx_rows(_book(fill))
    assert rows == [(1, ["案号", "案由", "姓名", "角色"]), (2, [])]


def test_csv_in_utf8_or_gb18030() -> None:
    assert csv_text("\ufeff案号".encode()) == "案号"
    assert csv_text("案号,案由".encode("gb18030")) == "案号,案由"
    with pytest.raises(SheetRefused):
        csv_text(b"\xff\xff\xff\xff")
