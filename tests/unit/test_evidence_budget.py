"""A probe in a child process under a CPU, memory and wall-time budget (evidence/budget.py,
evidence/budget_child.py): whatever the probe does, the parent gets its answer, OverBudget or
ProbeFailed, within the wall time. The probes are written in the test."""

import time
from pathlib import Path

import pytest

from evidence.budget import Budget, OverBudget, ProbeFailed, run_probe

GENEROUS = Budget(cpu_seconds=30, memory_bytes=1 << 30, wall_seconds=60)


def script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "probe.py"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_answer_is_the_probes_object_and_its_arguments_are_strings(tmp_path: Path) -> None:
    probe = script(
        tmp_path,
        "def probe(*arguments):\n"
        "    print('a C library chattering on stdout')\n"
        "    return {'arguments': list(arguments)}\n",
    )
    assert run_probe(probe, ["a b", "2"], GENEROUS) == {"arguments": ["a b", "2"]}


@pytest.mark.parametrize(
    ("body", "budget"),
    [
        (
            "def probe():\n    while True:\n        pass\n",
            Budget(cpu_seconds=1, memory_bytes=1 << 30, wall_seconds=60),
        ),
        (
            "def probe():\n    return {'bytes': len(bytearray(1 << 31))}\n",
            Budget(cpu_seconds=30, memory_bytes=256 << 20, wall_seconds=60),
        ),
        (
            "import time\ndef probe():\n    time.sleep(60)\n",
            Budget(cpu_seconds=30, memory_bytes=1 << 30, wall_seconds=1),
        ),
        ("import os\ndef probe():\n    os.abort()\n", GENEROUS),
    ],
    ids=["cpu", "memory", "wall", "abort"],
)
def test_a_probe_past_its_budget(tmp_path: Path, body: str, budget: Budget) -> None:
    """The kernel stops the CPU and the memory (long before the wall time), the parent the
    sleeper; a C library that aborts when an allocation fails counts as out of memory."""
    start = time.monotonic()
    with pytest.raises(OverBudget):
        run_probe(script(tmp_path, body), [], budget)
    assert time.monotonic() - start < 30


@pytest.mark.parametrize(
    "body",
    [
        "def probe():\n    raise RuntimeError('a parser bug')\n",
        "import ctypes\ndef probe():\n    ctypes.string_at(0)\n",
        "def probe():\n    return ['not', 'an', 'object']\n",
        "import sys\ndef probe():\n    sys.stdout.write('{'); sys.stdout.flush(); sys.exit(0)\n",
    ],
    ids=["exception", "segfault", "not-an-object", "half-an-answer"],
)
def test_a_probe_that_fails_without_an_answer(tmp_path: Path, body: str) -> None:
    with pytest.raises(ProbeFailed):
        run_probe(script(tmp_path, body), [], GENEROUS)
