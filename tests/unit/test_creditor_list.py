"""A creditors' list (court/creditor_list.py): the good rows read, every bad cell reported with its
line and column, and nothing returned of a list with a problem."""

from court.creditor_list import MAX_ROWS, PROBLEM_WORDS, parse_creditors, yuan_to_fen
from court.votes import ClaimGroup


def test_a_list_in_chinese_with_its_header_in_any_order() -> None:
    text = (
        "\ufeff组别,名称,债权额,联系方式\n"
        '有财产担保债权,甲银行,"1,200,000.50",010-1234\n'
        "\n"
        "普通,乙公司,3000,\n"
        "Employee claims,王五,8000.5,13800000000\n"
    )
    creditors, problems = parse_creditors(text)
    assert problems == []
    assert [(c.line, c.name, c.amount_fen, c.group, c.contact) for c in creditors] == [
        (2, "甲银行", 120_000_050, ClaimGroup.SECURED, "010-1234"),
        (4, "乙公司", 300_000, ClaimGroup.ORDINARY, ""),
        (5, "王五", 800_050, ClaimGroup.EMPLOYEES, "13800000000"),
    ]


def test_every_bad_cell_is_reported_and_nothing_is_returned() -> None:
    text = "name,claim,group\n甲银行,100,secured\n,12.345,friends\n甲银行,-5,taxes\n丙公司,100\n"
    creditors, problems = parse_creditors(text)
    assert creditors == []
    assert [(p.line, p.column, p.code) for p in problems] == [
        (3, "name", "name"),
        (3, "claim", "claim"),
        (3, "group", "group"),
        (4, "name", "duplicate"),
        (4, "claim", "claim"),
        (5, "", "columns"),
    ]
    assert "第2行" in problems[3].zh and "line 2" in problems[3].en


def test_a_missing_column_an_empty_list_and_too_many_rows() -> None:
    _, problems = parse_creditors("名称,联系方式\n甲,1\n")
    assert [(p.line, p.column, p.code) for p in problems] == [
        (1, "claim", "missing_column"),
        (1, "group", "missing_column"),
    ]
    assert "债权额" in problems[0].zh
    assert [p.code for p in parse_creditors("")[1]] == ["empty"]
    assert [p.code for p in parse_creditors("name,claim,group\n")[1]] == ["empty"]
    many = "name,claim,group\n" + "".join(f"c{i},1,ordinary\n" for i in range(MAX_ROWS + 1))
    assert [(p.line, p.code) for p in parse_creditors(many)[1]] == [(MAX_ROWS + 2, "too_many_rows")]


def test_amounts_of_yuan() -> None:
    assert yuan_to_fen("0") == 0
    assert yuan_to_fen("12.3") == 1230
    assert yuan_to_fen(" 1,000.05 ") == 100_005
    for bad in ("", "1.234", "-1", "1e5", "abc", "1.", "9" * 16):
        assert yuan_to_fen(bad) is None, bad
    assert all(zh and en for zh, en in PROBLEM_WORDS.values())
