"""A list uploaded as a file, made into rows of text (court/case_list.py reads them): a CSV in
UTF-8 (or GB18030, as a Chinese spreadsheet program saves it), or the first sheet of an XLSX.

An XLSX is a zip of XML, so a hostile one can be a zip bomb, a sheet that declares a row a
million rows down, or simply not a zip: before openpyxl sees it, the zip's members and their
declared sizes are checked (Python's zip reader never inflates a member past its declared
size, so that bound holds for the parse too); rows are read a line at a time up to
court.case_list.MAX_LINES and cells up to MAX_COLUMNS. XML entities are not expanded
(openpyxl parses with defusedxml). Numbers become the text they show (13800138000, not
1.38e10); a formula gives the value the spreadsheet program saved with it (none: empty).
Each refusal is a :class:`SheetRefused` with the status and code the API answers.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook

from court.case_list import MAX_COLUMNS, MAX_LINES

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_BYTES = 8 << 20
"""A list's bytes as uploaded: 20,000 rows of a CSV take about 3 MB, of an XLSX less."""
MAX_UNPACKED_BYTES = 24 << 20
"""What an XLSX's members may add up to once inflated: 20,000 rows of a list take 6-10 MB of
XML. openpyxl parses about 3 MB a second, so this bounds the work a hostile sheet costs too."""
MAX_RATIO = 100
"""How many times its packed size a member of over a megabyte may inflate to: a sheet
inflates ~14x, a zip bomb's hundreds or thousands."""
MAX_MEMBERS = 1000


class SheetRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def csv_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without its BOM), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetRefused(422, "not_text", "the file is not text in UTF-8 or GB18030")


def xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as ``(line, cells)``, the line being the sheet's row number."""
    _check_zip(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it skips
            return list(_sheet_rows(data))
    except SheetRefused:
        raise
    except Exception as exc:  # a hostile file can fail openpyxl in any of its many ways
        raise SheetRefused(
            422, "unreadable_xlsx", f"the spreadsheet cannot be read ({type(exc).__name__})"
        ) from exc


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise SheetRefused(
            422, "not_xlsx", "the file is not an XLSX spreadsheet (save it as .xlsx or CSV)"
        ) from exc
    if len(members) > MAX_MEMBERS:
        raise SheetRefused(413, "xlsx_too_large", f"the XLSX holds over {MAX_MEMBERS} parts")
    if any(member.file_size > max(1 << 20, MAX_RATIO * member.compress_size) for member in members):
        raise SheetRefused(
            413, "xlsx_too_large", "the XLSX inflates far past its size: it is no plain list"
        )
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise SheetRefused(
            413,
            "xlsx_too_large",
            f"the XLSX unpacks to over {MAX_UNPACKED_BYTES >> 20} MB: keep only the list in it",
        )


def _sheet_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        if not book.worksheets:
            raise SheetRefused(422, "unreadable_xlsx", "the spreadsheet has no sheet")
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        for line, row in enumerate(rows, start=1):
            cells = [_text(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()  # the sheet's width, not the row's
            yield line, cells
            if line > MAX_LINES:
                return  # the list's parser refuses it at this line
    finally:
        book.close()


def _text(value: Any) -> str:
    """A cell as the text it shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
