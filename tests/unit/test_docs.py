"""Every reference in the repository to its own documentation can be followed by someone who has
only the repository: a cited `docs/*.md` file exists and so does the section it names.

A citation is `docs/NAME.md#anchor` (more anchors may follow: `docs/NAME.md#a, #b`) or
`docs/NAME.md, Section name` (a section name starts with a capital letter; it runs to the next
punctuation). Anchors are made from headings as GitHub makes them. A design document kept
outside the repository must not be cited at all.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT_SUFFIXES = {
    ".py",
    ".pyi",
    ".ts",
    ".tsx",
    ".c",
    ".md",
    ".html",
    ".css",
    ".toml",
    ".sh",
    ".mako",
}
OUTSIDE_DOCUMENT = re.compile(r"\b" + "DE" + r"SIGN\b")
"""The design document the project was built toward lives outside the repository (written in
two pieces so that this file does not match itself)."""
CITATION = re.compile(
    r"docs/(?P<file>[\w-]+\.md)"
    r"(?:(?P<anchors>#[\w-]+(?:,\s*#[\w-]+)*)|,\s+(?P<section>[A-Z][^\n.,;:)`\"'*\]]*))?"
)
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
LOCAL_LINK = re.compile(r"\]\(#(?P<anchor>[\w-]+)\)")


def anchor(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", title).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def headings(document: Path) -> tuple[set[str], set[str]]:
    """A document's section titles (lower case) and anchors."""
    titles = [m["title"] for m in HEADING.finditer(document.read_text(encoding="utf-8"))]
    return {" ".join(t.lower().split()) for t in titles}, {anchor(t) for t in titles}


def repository_files() -> list[Path]:
    """The repository's text files: tracked or new, not ignored (no .venv, node_modules...)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the repository's files cannot be listed")
    paths = (ROOT / name for name in listed.split("\0") if name)
    return sorted(p for p in paths if p.suffix in TEXT_SUFFIXES and p.is_file())


def broken_references(path: Path, text: str) -> list[str]:
    """What in ``text`` (the contents of ``path``) cites documentation that is not there."""
    where = path.relative_to(ROOT)
    problems = [
        f"{where}:{text.count(chr(10), 0, m.start()) + 1}: cites a document outside the "
        f"repository ({m[0]})"
        for m in OUTSIDE_DOCUMENT.finditer(text)
    ]
    for m in CITATION.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        document = ROOT / "docs" / m["file"]
        if not document.is_file():
            problems.append(f"{where}:{line}: docs/{m['file']} does not exist")
            continue
        titles, anchors = headings(document)
        for cited in re.findall(r"#([\w-]+)", m["anchors"] or ""):
            if cited not in anchors:
                problems.append(f"{where}:{line}: docs/{m['file']} has no section #{cited}")
        section = " ".join((m["section"] or "").lower().split())
        if section and section not in titles:
            problems.append(f"{where}:{line}: docs/{m['file']} has no section {m['section']!r}")
    if path.parent == ROOT / "docs" and path.suffix == ".md":
        _, own = headings(path)
        problems += [
            f"{where}: links to #{m['anchor']}, which it has no section for"
            for m in LOCAL_LINK.finditer(text)
            if m["anchor"] not in own
        ]
    return problems


def test_every_documentation_reference_can_be_followed() -> None:
    problems: list[str] = []
    for path in repository_files():
        if path == Path(__file__).resolve():
            continue  # its examples of broken references are meant to be broken
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        problems += broken_references(path, text)
    assert problems == [], "\n".join(problems)


def test_the_architecture_is_in_the_repository() -> None:
    titles, anchors = headings(ROOT / "docs" / "architecture.md")
    assert {"state-machines", "roles-and-permissions", "several-processes"} <= anchors
    assert "recording and archive" in titles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see docs/architecture.md#state-machines.", []),
        ("(docs/architecture.md#state-machines, #data-model)", []),
        ("docs/architecture.md, State machines: hearing", []),
        ("docs/deployment.md, which shows systemd", []),
        ("docs/architecture.md#no-such-part", ["has no section #no-such-part"]),
        ("docs/architecture.md#data-model, #nowhere", ["has no section #nowhere"]),
        ("docs/architecture.md, Nowhere at all", ["has no section 'Nowhere at all'"]),
        ("docs/missing.md", ["docs/missing.md does not exist"]),
        ("as " + "DE" + "SIGN §4 says", ["cites a document outside the repository"]),
    ],
)
def test_what_counts_as_broken(text: str, expected: list[str]) -> None:
    """The checker finds each kind of broken reference, and only those."""
    found = broken_references(ROOT / "README.md", text)
    assert len(found) == len(expected), found
    for problem, part in zip(found, expected, strict=True):
        assert part in problem
