"""The `hearing-server` command as an operator uses it, in real processes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.live_server import LiveServer


@pytest.fixture
def server(tmp_path: Path) -> LiveServer:
    """Settings for a server on a fresh SQLite file (not started yet)."""
    return LiveServer(tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'var' / 'h.db'}")


def links(output: str) -> list[str]:
    return re.findall(r"(http://\S+/join#\S+)", output)


def test_serve_refuses_an_unmigrated_database(server: LiveServer) -> None:
    result = server.run("serve")
    assert result.returncode == 2
    assert "run `hearing-server migrate`" in result.stderr


def test_bad_setting_is_explained_not_traced(server: LiveServer) -> None:
    server.env["HEARING_PORT"] = "eighty"
    result = server.run("migrate")
    assert result.returncode == 2
    assert "port" in result.stderr and "Traceback" not in result.stderr


def test_demo_twice_duplicates_nothing_and_its_links_work(server: LiveServer) -> None:
    first = server.run("demo")
    assert first.returncode == 0, first.stderr
    assert re.search(r"judge\s+login: judge / \S+", first.stdout)
    second = server.run("demo")
    assert second.returncode == 0, second.stderr
    assert "password printed at first run" in second.stdout
    assert len(links(first.stdout)) == len(links(second.stdout)) == 6
    with server:
        api = server.url + "/api/v1"
        fresh = links(second.stdout)[0].split("#")[1]
        stale = links(first.stdout)[0].split("#")[1]
        info = requests.get(
            f"{api}/invitation", headers={"Authorization": f"Invitation {fresh}"}, timeout=10
        )
        assert info.status_code == 200 and info.json()["case_number"] == "(2026)示0101民初1号"
        old = requests.get(
            f"{api}/invitation", headers={"Authorization": f"Invitation {stale}"}, timeout=10
        )
        assert old.status_code == 401
        password = re.search(r"clerk\s+login: clerk / (\S+)", first.stdout)
        assert password is not None
        clerk = requests.Session()
        login = clerk.post(
            f"{api}/auth/login", json={"username": "clerk", "password": password[1]}, timeout=10
        )
        assert login.status_code == 200
        cases = clerk.get(f"{api}/cases", timeout=10).json()
        assert cases["total"] == 2  # not four: the second run found the first run's cases
        hearing_id = cases["items"][0]["id"]
        people = clerk.get(f"{api}/hearings/{hearing_id}/participants", timeout=10).json()["items"]
        assert len(people) in (5, 6)  # judge, clerk and the demo cast; never doubled
        # the terminal's secret is issued again on each run: the new one works, the old one not
        terminals = [
            re.search(r"terminal login: id (\d+) / secret (\S+)", run.stdout)
            for run in (first, second)
        ]
        assert terminals[0] is not None and terminals[1] is not None
        assert terminals[0][1] == terminals[1][1]
        for match, status in ((terminals[1], 200), (terminals[0], 401)):
            login = requests.post(
                f"{api}/auth/terminal-login",
                json={"terminal_id": int(match[1]), "secret": match[2]},
                timeout=10,
            )
            assert login.status_code == status


def test_create_user_and_reset_and_terminal(server: LiveServer) -> None:
    assert server.run("migrate").returncode == 0
    created = server.run("create-user", "zhou", "--role", "clerk", "--court", "c1")
    assert created.returncode == 0 and created.stdout.startswith("created: zhou / ")
    again = server.run("create-user", "zhou", "--role", "clerk", "--court", "c1")
    assert again.returncode == 2 and "--reset" in again.stderr
    reset = server.run("create-user", "zhou", "--reset")
    new_password = reset.stdout.split(" / ")[1].strip()
    no_court = server.run("create-user", "x", "--role", "judge")
    assert no_court.returncode == 2 and "--court" in no_court.stderr
    terminal = server.run("create-terminal", "--centre", "看守所", "--name", "T1")
    match = re.search(r"terminal (\d+) .* secret (\S+)", terminal.stdout)
    assert match is not None
    with server:
        api = server.url + "/api/v1"
        ok = requests.post(
            f"{api}/auth/login", json={"username": "zhou", "password": new_password}, timeout=10
        )
        assert ok.status_code == 200 and ok.json()["role"] == "clerk"
        device = requests.post(
            f"{api}/auth/terminal-login",
            json={"terminal_id": int(match[1]), "secret": match[2]},
            timeout=10,
        )
        assert device.status_code == 200


def test_self_signed_certificate_serves_https(server: LiveServer, tmp_path: Path) -> None:
    made = server.run("make-cert", "--out", str(tmp_path / "tls"), "--host", "court.lan")
    assert made.returncode == 0, made.stderr
    assert server.run("migrate").returncode == 0
    cert = tmp_path / "tls" / "cert.pem"
    server.use_tls(cert, tmp_path / "tls" / "key.pem")
    with server:
        response = requests.get(server.url + "/healthz", verify=str(cert), timeout=10)
        assert response.json()["status"] == "ok"
