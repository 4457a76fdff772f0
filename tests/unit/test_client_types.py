"""The browser's generated types (web_client/src/generated/) match what the court's tables and
the server's models give today: a change to either fails here until
`python -m hearing_server.client_types` is run and its output committed."""

from pathlib import Path

import pytest

from court.permissions import RULES, Action, Rule
from court.roles import Role
from court.states import HearingState
from hearing_server import client_types


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    if not (client_types.WEB / "node_modules" / "json-schema-to-typescript").is_dir():
        pytest.fail("web_client/node_modules lacks json-schema-to-typescript: run `make setup`")
    return client_types.generate()


def test_the_committed_files_are_current(generated: dict[str, str]) -> None:
    stale = client_types.stale(generated, client_types.GENERATED)
    assert not stale, (
        f"stale in web_client/src/generated/: {', '.join(stale)}; "
        "run `python -m hearing_server.client_types` and commit the result"
    )


def test_every_file_says_it_is_generated(generated: dict[str, str]) -> None:
    assert set(generated) == {"court.ts", "protocol.ts", "api.ts"}
    for text in generated.values():
        assert text.startswith(client_types.HEADER)


def test_a_changed_table_makes_court_ts_stale(
    generated: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        RULES, Action.CLOSE, Rule(frozenset({Role.JUDGE, Role.CLERK}), frozenset(HearingState))
    )
    changed = client_types.court_ts()
    assert changed != generated["court.ts"]
    assert 'close: {"roles": ["judge", "clerk"]' in changed


def test_check_names_the_stale_file(
    generated: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, text in generated.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(client_types, "GENERATED", tmp_path)
    monkeypatch.setattr(client_types, "generate", lambda: generated)
    assert client_types.main(["--check"]) == 0
    (tmp_path / "protocol.ts").write_text(generated["protocol.ts"] + "// edited\n")
    assert client_types.main(["--check"]) == 1
    assert "protocol.ts" in capsys.readouterr().err
