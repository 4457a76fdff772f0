"""A creditors' list as the court receives it (a CSV, e.g. saved from a spreadsheet): one creditor a
row with their name, claim in yuan, group and contact (docs/architecture.md#votes). Pure.

The first row names the columns, in Chinese or English, in any order: 名称/name, 债权额/claim,
组别/group, 联系方式/contact (this one may be left out). A claim is yuan with at most two
decimals (thousands separators allowed: "1,234.50"); a group is its code or its label in either
language (有财产担保债权 or secured). Every bad cell is reported with its line (the header is
line 1) and column, so the clerk can correct the file; the caller makes nothing of a list with a
problem.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from court.votes import GROUP_LABELS, MAX_AMOUNT_FEN, ClaimGroup

MAX_ROWS = 2000
MAX_NAME = 200
MAX_CONTACT = 200

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "名称", "姓名", "债权人", "债权人名称"),
    "claim": ("claim", "amount", "债权额", "债权金额", "金额"),
    "group": ("group", "组别", "债权组别", "债权性质"),
    "contact": ("contact", "联系方式", "电话", "手机"),
}
"""Each column and the headings that name it (compared without case and spaces)."""
REQUIRED = ("name", "claim", "group")
HEADINGS = {"name": "名称", "claim": "债权额", "group": "组别", "contact": "联系方式"}
"""Each column's Chinese heading, as a problem names it."""

_YUAN = re.compile(r"^(\d{1,15})(?:\.(\d{1,2}))?$")
_GROUPS: dict[str, ClaimGroup] = {
    re.sub(r"\s+", "", key).lower(): group
    for group, (zh, en) in GROUP_LABELS.items()
    for key in (group.value, zh, en, zh.removesuffix("债权"))
}

PROBLEM_WORDS: dict[str, tuple[str, str]] = {
    "empty": ("文件为空或只有表头", "the file is empty or has only its header"),
    "missing_column": ("缺少“{heading}”列", "the column “{heading}” is missing"),
    "too_many_rows": (f"超过{MAX_ROWS}行", f"more than {MAX_ROWS} rows"),
    "columns": ("本行的列数与表头不符", "this row has not as many cells as the header"),
    "name": (f"名称须为1至{MAX_NAME}个字符", f"a name is 1 to {MAX_NAME} characters"),
    "duplicate": ("与第{other}行重复", "the same name as line {other}"),
    "claim": (
        "债权额须为元，最多两位小数，如 12345.67",
        "a claim is yuan with at most two decimals, e.g. 12345.67",
    ),
    "group": (
        "组别须为：有财产担保债权、职工债权、税款债权、普通债权",
        "a group is one of: secured, employees, taxes, ordinary",
    ),
    "contact": (
        f"联系方式不超过{MAX_CONTACT}个字符",
        f"a contact is at most {MAX_CONTACT} characters",
    ),
}
"""What each problem says, in Chinese and English ({heading}, {other} filled in)."""


@dataclass(frozen=True)
class CreditorRow:
    line: int
    name: str
    amount_fen: int
    group: ClaimGroup
    contact: str


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    """The column's name as in COLUMNS ("" for the whole row)."""
    code: str
    zh: str
    en: str


def _problem(line: int, column: str, code: str, **facts: object) -> RowProblem:
    zh, en = PROBLEM_WORDS[code]
    return RowProblem(line, column, code, zh.format(**facts), en.format(**facts))


def yuan_to_fen(text: str) -> int | None:
    """ "1,234.5" → 123450; None when it is no amount of yuan."""
    match = _YUAN.match(text.strip().replace(",", "").replace("，", ""))
    if match is None:
        return None
    whole, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    fen = int(whole) * 100 + int(cents)
    return fen if fen <= MAX_AMOUNT_FEN else None


def _heading(cell: str) -> str | None:
    key = re.sub(r"\s+", "", cell).lower()
    return next((column for column, names in COLUMNS.items() if key in names), None)


def parse_creditors(text: str) -> tuple[list[CreditorRow], list[RowProblem]]:
    """The creditors of the list, and every problem found in it (all of them, not the first)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        return [], [_problem(1, "", "empty")]
    header_line, header = rows[0]
    where = {_heading(cell): index for index, cell in enumerate(header)}
    missing = [column for column in REQUIRED if column not in where]
    if missing:
        return [], [
            _problem(header_line, column, "missing_column", heading=f"{HEADINGS[column]}/{column}")
            for column in missing
        ]
    body = rows[1:]
    if not body:
        return [], [_problem(header_line, "", "empty")]
    if len(body) > MAX_ROWS:
        return [], [_problem(body[MAX_ROWS][0], "", "too_many_rows")]
    creditors: list[CreditorRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, row in body:
        if len(row) != len(header):
            problems.append(_problem(line, "", "columns"))
            continue
        cells = {column: row[index].strip() for column, index in where.items() if column}
        found = _row(line, cells, seen)
        if isinstance(found, CreditorRow):
            creditors.append(found)
        else:
            problems.extend(found)
    return ([] if problems else creditors), problems


def _row(line: int, cells: dict[str, str], seen: dict[str, int]) -> CreditorRow | list[RowProblem]:
    problems: list[RowProblem] = []
    name = cells["name"]
    if not name or len(name) > MAX_NAME:
        problems.append(_problem(line, "name", "name"))
    elif name in seen:
        problems.append(_problem(line, "name", "duplicate", other=seen[name]))
    else:
        seen[name] = line
    amount = yuan_to_fen(cells["claim"])
    if amount is None:
        problems.append(_problem(line, "claim", "claim"))
    group = _GROUPS.get(re.sub(r"\s+", "", cells["group"]).lower())
    if group is None:
        problems.append(_problem(line, "group", "group"))
    contact = cells.get("contact", "")
    if len(contact) > MAX_CONTACT:
        problems.append(_problem(line, "contact", "contact"))
    if problems or amount is None or group is None:
        return problems
    return CreditorRow(line, name, amount, group, contact)
