"""`python -m bench.import_cases`: how long a real server takes to import a batch mediation's
list of cases (docs/architecture.md#case-import).

```
python -m bench.import_cases --quick        # 5,000 cases of 2 parties, XLSX then CSV, SQLite
python -m bench.import_cases --postgres     # the same on a new PostgreSQL database
python -m bench.import_cases --cases 10000  # more
```

Starts `hearing-server serve` in a temporary directory (SQLite, or with `--postgres` a fresh
PostgreSQL database, bench/cluster.py), makes a judge and a clerk with the CLI and logs the
judge in. The list (N wage claims: a worker with a phone number and the employer, 2N rows) is
written as an XLSX and as a CSV before any timing; each is then imported with one
`POST /courts/{id}/case-imports` (other case numbers for the CSV). `import_s` is the XLSX's
request, from sending it to its answer (201, every case with its hearing and each party's
invitation link) read whole; `csv_import_s` the CSV's. The server's log must hold no traceback
and the case count must be what was sent. The last line is one JSON object: `cases`,
`import_s` (target <= 30), `csv_import_s`, `server_cpu_s`, the files' sizes, `ok`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
from openpyxl import Workbook

from bench.cluster import Cluster
from bench.logins import start_server
from bench.proc import cpu_seconds
from bench.seed import Staff, log_in_staff, staff_call
from tests.live_server import LiveServer

HEADER = ["案号", "案由", "姓名", "角色", "手机"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TARGET_S = 30.0


@dataclass
class Result:
    cases: int = 0
    parties: int = 0
    import_s: float = 0.0
    csv_import_s: float = 0.0
    server_cpu_s: float = 0.0
    xlsx_bytes: int = 0
    csv_bytes: int = 0
    answer_bytes: int = 0
    database: str = "sqlite"
    log_tracebacks: int = 0
    ok: bool = False


def rows(cases: int, prefix: str) -> list[list[object]]:
    """Two parties a case: the worker (with a phone, as a number) and the employer."""
    listed: list[list[object]] = []
    for n in range(1, cases + 1):
        number = f"({prefix})浙0402民调{n}号"
        listed.append([number, "劳动报酬纠纷", f"工人{n}", "申请人", 13800000000 + n])
        listed.append([number, "劳动报酬纠纷", "某建筑工程有限公司", "被申请人", None])
    return listed


def as_xlsx(listed: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件")
    sheet.append(HEADER)
    for row in listed:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(listed: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(["" if cell is None else cell for cell in row] for row in listed)
    return out.getvalue().encode()


async def _court_id(http: aiohttp.ClientSession, staff: Staff) -> int:
    me = await staff_call(http, staff, "GET", "/auth/me")
    return int(me["court_id"])


async def _import(
    http: aiohttp.ClientSession, staff: Staff, court_id: int, data: bytes, media_type: str
) -> tuple[float, dict[str, Any], int]:
    """The seconds the import took, its answer and the answer's bytes."""
    path = f"/courts/{court_id}/case-imports?scheduled_start=2026-12-07T09:00:00%2B08:00"
    started = time.perf_counter()
    answer = await staff_call(
        http, staff, "POST", path, data=data, headers={"Content-Type": media_type}
    )
    seconds = time.perf_counter() - started
    return seconds, answer, len(json.dumps(answer, ensure_ascii=False).encode())


async def measure(server: LiveServer, password: str, cases: int, result: Result) -> None:
    staff = await log_in_staff(server.url, password)
    xlsx, text = as_xlsx(rows(cases, "2026")), as_csv(rows(cases, "2027"))
    result.xlsx_bytes, result.csv_bytes = len(xlsx), len(text)
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(
        server.url, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout
    ) as http:
        court_id = await _court_id(http, staff)
        cpu = cpu_seconds(server.pid)
        seconds, answer, size = await _import(http, staff, court_id, xlsx, XLSX)
        result.import_s, result.answer_bytes = round(seconds, 2), size
        result.cases, result.parties = answer["cases"], answer["participants"]
        print(f"xlsx: {cases} cases in {seconds:.2f} s", file=sys.stderr)
        seconds, answer, _ = await _import(http, staff, court_id, text, "text/csv")
        result.csv_import_s = round(seconds, 2)
        print(f"csv: {answer['cases']} cases in {seconds:.2f} s", file=sys.stderr)
        result.server_cpu_s = round(cpu_seconds(server.pid) - cpu, 2)
        listed = await staff_call(http, staff, "GET", "/cases?limit=1")
        if listed["total"] != 2 * cases or answer["cases"] != cases:
            raise RuntimeError(f"{listed['total']} cases on record, {2 * cases} sent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 cases (the default count)")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database")
    args = parser.parse_args()
    result = Result(database="postgresql" if args.postgres else "sqlite")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        workdir = Path(tmp)
        if args.postgres:
            with Cluster(1, workdir) as cluster:
                server = cluster.servers[0]
                asyncio.run(measure(server, cluster.password, args.cases, result))
        else:
            server, password = start_server(workdir, redis=False)
            with server:
                asyncio.run(measure(server, password, args.cases, result))
        result.log_tracebacks = server.log.read_text(errors="replace").count("Traceback")
    result.ok = (
        result.cases == args.cases
        and result.import_s <= TARGET_S
        and result.csv_import_s <= TARGET_S
        and result.log_tracebacks == 0
    )
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
