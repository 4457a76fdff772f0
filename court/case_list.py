"""A list of cases as the court receives it (a CSV or the first sheet of an XLSX, e.g. the
43 wage claims against one employer of a batch mediation): one party a row, the rows of one
case number making one case (docs/architecture.md#case-import). Pure.

The first row names the columns, in Chinese or English, in any order: 案号/case_number,
案由/title, 姓名/name, 角色/role, and optionally 一方/side, 邮箱/email, 手机/phone, 语言/language,
时区/time_zone; other columns are ignored. A role is a party's position (原告/plaintiff,
被告/defendant, 申请人/applicant, 被申请人/respondent, 第三人/third party, 当事人/party) or an
agent (代理人/agent); the position gives the side unless the side column names it. Every bad cell
is reported with its line (the header is line 1) and column, in both languages, so the clerk
can correct the file; the caller makes nothing of a list with a problem.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from court.contacts import Language, is_email, is_time_zone, plain_phone
from court.exhibits import ExhibitSide
from court.roles import Role

MAX_ROWS = 20_000
"""Party rows of one list: 5,000 cases of four people each."""
MAX_LINES = 2 * MAX_ROWS
"""Lines (rows of a sheet, blank ones too) read at most: a sheet that declares a row a million
rows down is refused there instead of read through."""
MAX_COLUMNS = 40
"""Columns read of each row; a list's columns are the first ones."""
MAX_REPORTED = 200
"""Problems listed in an answer; the answer says how many there were in all."""
MAX_NUMBER, MAX_TITLE, MAX_NAME = 100, 500, 200

COLUMNS: dict[str, tuple[str, ...]] = {
    "case_number": ("case_number", "case_no", "case", "number", "案号"),
    "title": ("title", "cause", "cause_of_action", "案由", "案件名称"),
    "name": ("name", "party", "姓名", "名称", "当事人", "当事人姓名"),
    "role": ("role", "角色", "诉讼地位", "身份"),
    "side": ("side", "一方", "所属方"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮箱", "电子邮件"),
    "phone": ("phone", "mobile", "手机", "手机号", "手机号码", "电话", "联系电话"),
    "language": ("language", "lang", "语言"),
    "time_zone": ("time_zone", "timezone", "zone", "时区"),
}
"""Each column and the headings that name it (compared without case, spaces, _ and -)."""
REQUIRED = ("case_number", "title", "name", "role")
HEADINGS = {
    "case_number": "案号",
    "title": "案由",
    "name": "姓名",
    "role": "角色",
    "side": "一方",
    "email": "邮箱",
    "phone": "手机",
    "language": "语言",
    "time_zone": "时区",
}
"""Each column's Chinese heading, as a problem names it."""
_ORDER = {column: index for index, column in enumerate(("", *COLUMNS))}

_P, _D, _T = ExhibitSide.PLAINTIFF, ExhibitSide.DEFENDANT, ExhibitSide.THIRD_PARTY
_SIDE_WORDS: dict[ExhibitSide, tuple[str, ...]] = {
    _P: ("plaintiff", "applicant", "claimant", "原告", "申请人", "原告方", "申请方"),
    _D: ("defendant", "respondent", "被告", "被申请人", "被告方", "被申请方"),
    _T: ("third_party", "第三人"),
}
_ROLE_WORDS: dict[tuple[Role, ExhibitSide | None], tuple[str, ...]] = {
    (Role.PARTY, None): ("party", "当事人"),
    (Role.AGENT, None): ("agent", "代理人", "诉讼代理人", "委托代理人", "agent_ad_litem"),
    **{(Role.PARTY, side): words for side, words in _SIDE_WORDS.items()},
}
_LANGUAGE_WORDS: dict[Language, tuple[str, ...]] = {
    "zh": ("zh", "zh-cn", "zh-hans", "chinese", "中文", "汉语", "普通话"),
    "en": ("en", "english", "英文", "英语"),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

PROBLEM_WORDS: dict[str, tuple[str, str]] = {
    "empty": ("文件为空或只有表头", "the file is empty or has only its header"),
    "unreadable": (
        "无法读取本行（引号不配对？）",
        "this line cannot be read (an unmatched quote?)",
    ),
    "missing_column": ("缺少“{heading}”列", "the column “{heading}” is missing"),
    "duplicate_column": ("“{heading}”列出现了两次", "the column “{heading}” appears twice"),
    "too_many_rows": (f"超过{MAX_ROWS}行", f"more than {MAX_ROWS} rows"),
    "columns": ("本行的列数多于表头", "this row has more cells than the header"),
    "case_number": (
        f"案号须为1至{MAX_NUMBER}个字符，不含控制字符",
        f"a case number is 1 to {MAX_NUMBER} characters, without control characters",
    ),
    "exists": ("案号“{number}”已存在", "case {number} already exists"),
    "title": (
        f"案由须为1至{MAX_TITLE}个字符，不含控制字符",
        f"a title (cause of action) is 1 to {MAX_TITLE} characters, without control characters",
    ),
    "title_differs": (
        "与第{other}行案号相同而案由不同",
        "the same case number as line {other} with another title",
    ),
    "name": (
        f"姓名须为1至{MAX_NAME}个字符，不含控制字符",
        f"a name is 1 to {MAX_NAME} characters, without control characters",
    ),
    "duplicate": (
        "与第{other}行是同一案件中的同一人",
        "the same person as line {other}, same case",
    ),
    "role": (
        "角色须为：原告、被告、申请人、被申请人、第三人、当事人或代理人",
        "a role is one of: plaintiff, defendant, applicant, respondent, third party, party, agent",
    ),
    "side": ("一方须为：原告、被告或第三人", "a side is plaintiff, defendant or third party"),
    "side_differs": ("与角色所示的一方不符", "not the side the role says"),
    "no_party": ("本案只有代理人，没有当事人", "this case has an agent but no party"),
    "email": ("邮箱格式不正确，如 name@example.com", "not a mail address such as name@example.com"),
    "phone": (
        "手机号须为5至20位数字，可带+号，如 +8613800138000",
        "a phone number is 5 to 20 digits with an optional +, e.g. +8613800138000",
    ),
    "language": ("语言须为中文（zh）或英文（en）", "a language is zh (Chinese) or en (English)"),
    "time_zone": (
        "时区须为IANA名称，如 Asia/Shanghai、Europe/Berlin",
        "a time zone is an IANA name such as Asia/Shanghai or Europe/Berlin",
    ),
}
"""What each problem says, in Chinese and English ({heading}, {other}, {number} filled in)."""


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


_HEADING_OF = {_key(name): column for column, names in COLUMNS.items() for name in names}
_SIDES = {_key(word): side for side, words in _SIDE_WORDS.items() for word in words}
_ROLES = {_key(word): meaning for meaning, words in _ROLE_WORDS.items() for word in words}
_LANGUAGES = {_key(word): code for code, words in _LANGUAGE_WORDS.items() for word in words}


@dataclass(frozen=True)
class PartyRow:
    line: int
    name: str
    role: Role
    side: ExhibitSide | None
    email: str | None
    phone: str | None
    language: Language | None
    time_zone: str | None


@dataclass(frozen=True)
class CaseRows:
    """One case of the list: its number, title and the parties of its rows, in file order."""

    number: str
    title: str
    parties: tuple[PartyRow, ...]

    @property
    def line(self) -> int:
        return self.parties[0].line


@dataclass(frozen=True, order=True)
class RowProblem:
    line: int
    order: int
    """The column's place, for sorting (0: the whole row)."""
    column: str
    """The column's name as in COLUMNS ("" for the whole row)."""
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class _Row:
    """A row as read: what cases are gathered by, and its party if the row is good."""

    line: int
    number: str
    title: str
    name: str
    party: PartyRow | None


@dataclass(frozen=True)
class CaseList:
    cases: list[CaseRows]
    """Empty when there are problems."""
    problems: list[RowProblem]


def problem(line: int, column: str, code: str, **facts: object) -> RowProblem:
    zh, en = PROBLEM_WORDS[code]
    return RowProblem(line, _ORDER[column], column, code, zh.format(**facts), en.format(**facts))


def reported(problems: Iterable[RowProblem], limit: int = MAX_REPORTED) -> list[RowProblem]:
    """The first ``limit`` problems, by line and column."""
    return sorted(problems)[:limit]


def existing_cases(cases: Iterable[CaseRows], existing: set[str]) -> list[RowProblem]:
    """A problem on every row of a case whose number the court's records already hold."""
    return [
        problem(party.line, "case_number", "exists", number=case.number)
        for case in cases
        if case.number in existing
        for party in case.parties
    ]


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of CSV text with their line (where each ends); csv.Error on a broken one."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), strict=True)
    for row in reader:
        yield reader.line_num, row


def parse_case_csv(text: str) -> CaseList:
    rows = csv_rows(text)
    read: list[tuple[int, list[str]]] = []
    try:
        for line, row in rows:
            read.append((line, row))
            if line > MAX_LINES:
                break
    except csv.Error:
        line = read[-1][0] + 1 if read else 1
        return CaseList([], [problem(line, "", "unreadable")])
    return parse_case_rows(read)


def parse_case_rows(rows: Iterable[tuple[int, Sequence[str]]]) -> CaseList:
    """The cases of the list's rows (``(line, cells)``, blank rows included or not), and every
    problem found in them (all of them, not the first)."""
    filled = _filled(rows)
    header = next(filled, None)
    if header is None:
        return CaseList([], [problem(1, "", "empty")])
    header_line, headings = header
    where, problems = _columns(header_line, headings)
    if problems:
        return CaseList([], problems)
    rows_read: list[_Row] = []
    for line, row in filled:
        if line > MAX_LINES or len(rows_read) == MAX_ROWS:
            return CaseList([], [problem(line, "", "too_many_rows")])
        if any(cell.strip() for cell in row[len(headings) :]):
            problems.append(problem(line, "", "columns"))
            continue
        cells = {column: _cell(row, index) for column, index in where.items()}
        party = _party(line, cells, problems)
        rows_read.append(_Row(line, cells["case_number"], cells["title"], cells["name"], party))
    if not rows_read and not problems:
        return CaseList([], [problem(header_line, "", "empty")])
    cases = _cases(rows_read, problems)
    return CaseList([] if problems else cases, problems)


def _filled(rows: Iterable[tuple[int, Sequence[str]]]) -> Iterator[tuple[int, Sequence[str]]]:
    """The rows with something in them (and the first past MAX_LINES, to be refused)."""
    for line, row in rows:
        if line > MAX_LINES or any(cell.strip() for cell in row):
            yield line, row
            if line > MAX_LINES:
                return


def _cell(row: Sequence[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _columns(line: int, headings: Sequence[str]) -> tuple[dict[str, int], list[RowProblem]]:
    where: dict[str, int] = {}
    problems: list[RowProblem] = []
    for index, heading in enumerate(headings[:MAX_COLUMNS]):
        column = _HEADING_OF.get(_key(heading))
        if column is None:
            continue
        if column in where:
            problems.append(problem(line, column, "duplicate_column", heading=_named(column)))
        where[column] = index
    problems += [
        problem(line, column, "missing_column", heading=_named(column))
        for column in REQUIRED
        if column not in where
    ]
    return where, problems


def _named(column: str) -> str:
    return f"{HEADINGS[column]}/{column}"


def _text(value: str, limit: int) -> bool:
    return 0 < len(value) <= limit and not _CONTROL.search(value)


def _party(line: int, cells: dict[str, str], problems: list[RowProblem]) -> PartyRow | None:
    """The row's party, or None with its problems added to ``problems``."""
    found: list[RowProblem] = []
    if not _text(cells["case_number"], MAX_NUMBER):
        found.append(problem(line, "case_number", "case_number"))
    if not _text(cells["title"], MAX_TITLE):
        found.append(problem(line, "title", "title"))
    name = cells["name"]
    if not _text(name, MAX_NAME):
        found.append(problem(line, "name", "name"))
    meaning = _ROLES.get(_key(cells["role"]))
    if meaning is None:
        found.append(problem(line, "role", "role"))
    side = _side(line, cells.get("side", ""), meaning, found)
    email = cells.get("email", "") or None
    if email is not None and not is_email(email):
        found.append(problem(line, "email", "email"))
    phone = None
    if cells.get("phone"):
        phone = plain_phone(cells["phone"])
        if phone is None:
            found.append(problem(line, "phone", "phone"))
    language = None
    if cells.get("language"):
        language = _LANGUAGES.get(_key(cells["language"]))
        if language is None:
            found.append(problem(line, "language", "language"))
    zone = cells.get("time_zone", "") or None
    if zone is not None and not is_time_zone(zone):
        found.append(problem(line, "time_zone", "time_zone"))
    problems += found
    if found or meaning is None:
        return None
    return PartyRow(line, name, meaning[0], side, email, phone, language, zone)


def _side(
    line: int,
    text: str,
    meaning: tuple[Role, ExhibitSide | None] | None,
    found: list[RowProblem],
) -> ExhibitSide | None:
    implied = meaning[1] if meaning is not None else None
    if not text:
        return implied
    side = _SIDES.get(_key(text))
    if side is None:
        found.append(problem(line, "side", "side"))
    elif implied is not None and side is not implied:
        found.append(problem(line, "side", "side_differs"))
    return side


def _cases(rows: list[_Row], problems: list[RowProblem]) -> list[CaseRows]:
    """The rows gathered by case number: a case's title must be the same on each of its rows,
    and a person appear once in it; a case needs a party. Rows with other problems are
    compared too, so that every problem is found at once."""
    first: dict[str, _Row] = {}
    seen: dict[tuple[str, str], int] = {}
    members: dict[str, list[PartyRow]] = {}
    for row in rows:
        if not _text(row.number, MAX_NUMBER):
            continue
        case = first.setdefault(row.number, row)
        if row.title != case.title and _text(row.title, MAX_TITLE):
            problems.append(problem(row.line, "title", "title_differs", other=case.line))
        other = seen.setdefault((row.number, row.name), row.line)
        if other != row.line:
            problems.append(problem(row.line, "name", "duplicate", other=other))
        if row.party is not None:
            members.setdefault(row.number, []).append(row.party)
    for number, case in first.items():
        parties = members.get(number, [])
        if parties and all(party.role is not Role.PARTY for party in parties):
            problems.append(problem(case.line, "role", "no_party"))
    return [
        CaseRows(number, first[number].title, tuple(parties)) for number, parties in members.items()
    ]
