"""Schema-driven fuzzing of the whole REST API against a real server process.

The document fuzzed is the one the server serves, generated from the same models
that validate requests; schemathesis sends valid and invalid requests for every
operation and fails on any 5xx, on a response that breaks the document, or on a request the
document calls valid being refused as invalid by the validator it is made from (400/422 with
the validator's details). A 422 the handler gives for a rule over the records (a civil trial
has no prosecutor) or over an uploaded list's rows is not that: no document says such rules,
and each is tested where it is made.

On each database (a server on SQLite, one on PostgreSQL), each generated request is sent as a
judge and as a party: generating a request cost more than sending it, so it is generated once
for both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from hearing_server.app import build_api
from hearing_server.db.database import Database
from tests.callers import PASSWORD, seed_world
from tests.conftest import postgres_database
from tests.live_server import LiveServer

schema = schemathesis.openapi.from_dict(build_api().openapi())


@schemathesis.check
def document_and_validator_agree(
    ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """A request the document calls valid must not get 400/422, except a handler's 422 for a
    rule over the records (hearing_server/api/errors.py: only the validator's carry details),
    or its 422 ``bad_rows`` for an uploaded list's cells (no document states a file's rows)."""
    error = response.json().get("error", {}) if response.status_code == 422 else {}
    if response.status_code == 422 and ("details" not in error or error["code"] == "bad_rows"):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    document_and_validator_agree,
    response_schema_conformance,
]


class Target:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers


async def _prepare(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.migrate()
        await seed_world(db)
    finally:
        await db.close()


def fuzzed_server(workdir: Path, database_url: str) -> LiveServer:
    """The server fuzzed: logins never throttled, and an unknown account's check cheap
    (fuzz_server.py)."""
    return LiveServer(
        workdir,
        module="tests.functional.fuzz_server",
        database_url=database_url,
        login_attempts="100000",
        login_address_attempts="100000",
    )


ROLES = ("judge", "party")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / 'fuzz.db'}"
        asyncio.run(_prepare(url))
        with fuzzed_server(workdir, url) as server:
            yield server
        return
    pg = postgres_database()
    url = asyncio.run(pg.__aenter__())
    try:
        asyncio.run(_prepare(url))
        with fuzzed_server(workdir, url) as server:
            yield server
    finally:
        asyncio.run(pg.__aexit__())


def caller(server: LiveServer, role: str) -> Target:
    """A caller with records to act on: a judge's cookie session, or a party's invitation."""
    api = server.url + "/api/v1"
    judge = requests.Session()
    login = judge.post(
        f"{api}/auth/login", json={"username": "judge", "password": PASSWORD}, timeout=10
    )
    login.raise_for_status()
    csrf = login.json()["csrf_token"]
    judge.headers["X-CSRF-Token"] = csrf
    case = judge.post(
        f"{api}/cases",
        json={"number": f"F-{role}", "title": "fuzz", "kind": "civil_trial"},
    )
    hearing = judge.post(
        f"{api}/cases/{case.json()['id']}/hearings",
        json={"scheduled_start": datetime.now(UTC).isoformat()},
    )
    party = judge.post(
        f"{api}/hearings/{hearing.json()['id']}/participants", json={"role": "party", "name": "甲"}
    )
    if role == "judge":
        return Target(
            server.url,
            {"Cookie": f"hs_session={judge.cookies['hs_session']}", "X-CSRF-Token": csrf},
        )
    return Target(
        server.url, {"Authorization": f"Invitation {party.json()['invitation']['token']}"}
    )


@pytest.fixture(scope="module")
def targets(live: LiveServer) -> dict[str, Target]:
    """Each role on the database's server."""
    return {role: caller(live, role) for role in ROLES}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_5xx_or_breaks_its_document(
    case: schemathesis.Case[Any], targets: dict[str, Target]
) -> None:
    """Each generated request is sent as each role."""
    for name, target in targets.items():
        try:
            case.call_and_validate(
                base_url=target.url, headers=target.headers, checks=CHECKS, timeout=30
            )
        except Exception as exc:
            exc.add_note(f"sent as {name}")
            raise


def test_the_served_document_is_the_fuzzed_one(live: LiveServer) -> None:
    served = requests.get(live.url + "/api/openapi.json", timeout=10).json()
    assert served == build_api().openapi()


def test_server_log_has_no_unhandled_errors(live: LiveServer) -> None:
    """Run last in the module: the fuzzing above must not have logged a traceback."""
    assert "Traceback" not in Path(live.log).read_text()
