"""The REST API's resource modules (hearing_server/api/*_api.py) stand side by side: none
imports another, so what two of them share (output models, query pieces, who may retrieve a
recording) lives in a module of its own."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "hearing_server" / "api"


def imported_modules(path: Path) -> set[str]:
    """The dotted names a file imports, counting ``from package import module`` as
    ``package.module`` (the name may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def resource_modules() -> list[Path]:
    return sorted(API.glob("*_api.py"))


@pytest.mark.parametrize("path", resource_modules(), ids=lambda p: p.name)
def test_a_resource_module_imports_no_other(path: Path) -> None:
    others = {f"hearing_server.api.{p.stem}" for p in resource_modules()} - {
        f"hearing_server.api.{path.stem}"
    }
    assert not imported_modules(path) & others


def test_the_check_sees_both_import_forms(tmp_path: Path) -> None:
    bad = tmp_path / "bad_api.py"
    bad.write_text(
        "from hearing_server.api.cases_api import day_bounds\n"
        "from hearing_server.api import participants_api\n"
    )
    assert {
        "hearing_server.api.cases_api",
        "hearing_server.api.participants_api",
    } <= imported_modules(bad)
