"""A list of cases read (court/case_list.py): cases gathered by number, every bad cell found with
its line and column in both languages, nothing of a list with a problem."""

from __future__ import annotations

from court.case_list import (
    MAX_LINES,
    MAX_REPORTED,
    MAX_ROWS,
    existing_cases,
    parse_case_csv,
    parse_case_rows,
    reported,
)
from court.exhibits import ExhibitSide
from court.roles import Role
from tests.case_lists import BAD_CELLS, CASES, EMPLOYER, as_csv, wage_rows, with_bad_rows


def _cells(text: str) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.code) for p in parse_case_csv(text).problems]


def test_the_43_wage_claims_make_43_cases_of_two_parties() -> None:
    listed = parse_case_csv(as_csv(wage_rows()))
    assert listed.problems == []
    assert len(listed.cases) == CASES
    first = listed.cases[0]
    assert (first.number, first.title, first.line) == ("(2026)浙0402民调1号", "劳动报酬纠纷", 2)
    worker, employer = first.parties
    assert (worker.line, worker.name, worker.role, worker.side) == (
        2,
        "工人1",
        Role.PARTY,
        ExhibitSide.PLAINTIFF,
    )
    assert (worker.phone, worker.language, worker.email, worker.time_zone) == (
        "13800138001",
        "zh",
        None,
        None,
    )
    assert (employer.name, employer.side, employer.phone) == (EMPLOYER, ExhibitSide.DEFENDANT, None)
    abroad = listed.cases[9].parties[0]
    assert (abroad.email, abroad.language, abroad.time_zone) == (
        "worker10@example.com",
        "en",
        "Europe/Berlin",
    )


def test_three_bad_rows_are_reported_by_line_and_column_and_nothing_else() -> None:
    listed = parse_case_csv(as_csv(with_bad_rows(wage_rows())))
    assert listed.cases == []
    assert [(p.line, p.column, p.code) for p in listed.problems] == BAD_CELLS
    differs = listed.problems[2]
    assert "第30行" in differs.zh and "line 30" in differs.en
    assert "+8613800138000" in listed.problems[0].zh


def test_english_headings_in_any_order_and_unknown_columns_ignored() -> None:
    text = (
        "Role,Notes,Case Number,Name,Title,Side,Phone,Time zone,E-mail,Language\n"
        "agent,called twice,C-1,Lawyer Li,Wages,plaintiff,+86 138 0013 8000,Asia/Shanghai,"
        "li@example.com,English\n"
        "party,,C-1,Zhang San,Wages,原告,,,,中文\n"
    )
    listed = parse_case_csv(text)
    assert listed.problems == []
    (case,) = listed.cases
    agent, party = case.parties
    assert (agent.role, agent.side, agent.phone, agent.language) == (
        Role.AGENT,
        ExhibitSide.PLAINTIFF,
        "+8613800138000",
        "en",
    )
    assert (party.role, party.side, party.language) == (Role.PARTY, ExhibitSide.PLAINTIFF, "zh")


def test_chinese_headings_and_a_bom_as_excel_saves_them() -> None:
    text = "\ufeff案号,案由,姓名,角色,一方\n(2026)A1号,借款合同纠纷,张三,当事人,被告\n"
    (case,) = parse_case_csv(text).cases
    assert case.parties[0].side is ExhibitSide.DEFENDANT


def test_rows_of_one_case_must_agree_and_name_each_person_once() -> None:
    text = (
        "案号,案由,姓名,角色\n"
        "A1,劳动争议,张三,申请人\n"
        "A1,劳动争议,张三,申请人\n"
        "A1,合同纠纷,李四,被申请人\n"
        "A2,劳动争议,王律师,代理人\n"
    )
    assert _cells(text) == [
        (3, "name", "duplicate"),
        (4, "title", "title_differs"),
        (5, "role", "no_party"),
    ]


def test_bad_mail_phone_zone_language_role_and_side() -> None:
    text = (
        "案号,案由,姓名,角色,一方,邮箱,手机,语言,时区\n"
        "A1,劳动争议,张三,申请人,被告,not-mail,12ab,fr,Asia/Nowhere\n"
        "A1,劳动争议,李四,法官,旁听,a@b,+86 13,zh,../etc/passwd\n"
        "A1,劳动争议,王五,申请人,,ok@example.com,13800138000,EN,UTC\n"
    )
    assert _cells(text) == [
        (2, "side", "side_differs"),
        (2, "email", "email"),
        (2, "phone", "phone"),
        (2, "language", "language"),
        (2, "time_zone", "time_zone"),
        (3, "role", "role"),
        (3, "side", "side"),
        (3, "email", "email"),
        (3, "phone", "phone"),
        (3, "time_zone", "time_zone"),
    ]


def test_empty_cells_names_too_long_and_control_characters() -> None:
    text = (
        "案号,案由,姓名,角色\n,劳动争议,张三,申请人\nA1,,张\x07三,申请人\nA2,争议,"
        + "名" * 201
        + ",申请人\n"
    )
    assert _cells(text) == [
        (2, "case_number", "case_number"),
        (3, "title", "title"),
        (3, "name", "name"),
        (4, "name", "name"),
    ]


def test_missing_and_doubled_columns_and_empty_files() -> None:
    assert _cells("案号,姓名,手机\nA1,张三,1\n") == [
        (1, "title", "missing_column"),
        (1, "role", "missing_column"),
    ]
    assert _cells("案号,案由,姓名,角色,手机,电话\n") == [(1, "phone", "duplicate_column")]
    assert _cells("") == [(1, "", "empty")]
    assert _cells("\n\n案号,案由,姓名,角色\n,,,\n") == [(3, "", "empty")]
    assert _cells('案号,案由,姓名,角色\nA1,x,"张三,申请人\n') == [(2, "", "unreadable")]
    assert _cells("案号,案由,姓名,角色\nA1,争议,张三,申请人,多余\n") == [(2, "", "columns")]


def test_short_rows_are_padded_blank_rows_skipped_lines_kept() -> None:
    listed = parse_case_csv("案号,案由,姓名,角色,手机\n\nA1,争议,张三,申请人\n")
    assert listed.problems == []
    assert listed.cases[0].parties[0].line == 3


def test_too_many_rows_and_a_row_far_down_a_sheet() -> None:
    rows = [["案号", "案由", "姓名", "角色"]]
    rows += [[f"A{n}", "争议", "张三", "申请人"] for n in range(MAX_ROWS + 1)]
    problems = parse_case_rows(enumerate(rows, start=1)).problems
    assert [(p.line, p.code) for p in problems] == [(MAX_ROWS + 2, "too_many_rows")]
    far = [(1, rows[0]), (2, rows[1]), (MAX_LINES + 1, rows[2])]
    assert [p.code for p in parse_case_rows(far).problems] == ["too_many_rows"]
    assert (
        len(
            parse_case_csv(
                as_csv(
                    [[f"A{n}", "争议", "张三", "申请人"] for n in range(MAX_ROWS)],
                    ["案号", "案由", "姓名", "角色"],
                )
            ).cases
        )
        == MAX_ROWS
    )


def test_reported_problems_are_sorted_and_capped() -> None:
    text = "案号,案由,姓名,角色\n" + "".join(f"A{n},争议,张三,法官\n" for n in range(500))
    problems = parse_case_csv(text).problems
    assert len(problems) == 500
    shown = reported(problems)
    assert len(shown) == MAX_REPORTED and shown[0].line == 2 and shown[-1].line == 201


def test_numbers_the_court_already_has_are_bad_on_every_row_of_their_case() -> None:
    cases = parse_case_csv(as_csv(wage_rows(3))).cases
    problems = existing_cases(cases, {"(2026)浙0402民调2号"})
    assert [(p.line, p.column, p.code) for p in problems] == [
        (4, "case_number", "exists"),
        (5, "case_number", "exists"),
    ]
    assert "已存在" in problems[0].zh
