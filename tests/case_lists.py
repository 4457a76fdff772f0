"""Lists of cases to import (court/case_list.py), as a clerk's spreadsheet holds them: the 43
wage claims of issue 19's batch mediation, each a worker (申请人) against one employer
(被申请人), as CSV text or XLSX bytes, and the same list with three bad rows."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ["案号", "案由", "姓名", "角色", "邮箱", "手机", "语言", "时区"]
EMPLOYER = "某建筑工程有限公司"
CASES = 43


def wage_rows(cases: int = CASES, prefix: str = "(2026)浙0402民调") -> list[list[object]]:
    """Two rows a case, the worker's then the employer's; phones as numbers (a spreadsheet
    keeps them so)."""
    rows: list[list[object]] = []
    for n in range(1, cases + 1):
        number = f"{prefix}{n}号"
        abroad = n % 10 == 0  # a worker now abroad: English, their own zone
        rows.append(
            [
                number,
                "劳动报酬纠纷",
                f"工人{n}",
                "申请人",
                f"worker{n}@example.com" if abroad else "",
                13800138000 + n,
                "en" if abroad else "zh",
                "Europe/Berlin" if abroad else "",
            ]
        )
        rows.append([number, "劳动报酬纠纷", EMPLOYER, "被申请人", "", "", "", ""])
    return rows


def with_bad_rows(rows: list[list[object]]) -> list[list[object]]:
    """Three rows spoiled, one cell each: a phone with letters (line 5), a zone that does not
    exist (line 12), and a title that differs from its case's other row (line 31)."""
    bad = [list(row) for row in rows]
    bad[3][5] = "138-ABC"  # line 5: the employer's row of case 2
    bad[10][7] = "Mars/Olympus"  # line 12
    bad[29][1] = "追索劳动报酬"  # line 31: the employer's row of case 15
    return bad


BAD_CELLS = [(5, "phone", "phone"), (12, "time_zone", "time_zone"), (31, "title", "title_differs")]


def as_csv(rows: list[list[object]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def as_xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件")
    sheet.append(header)
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
