"""Runs one probe of evidence in this process under a CPU and memory budget; `evidence.budget`
runs this file as a script, the server never imports it.

Before the probe is even loaded (and with it PDFium, Pillow or FFmpeg), the process limits its
own CPU time and address space (`resource.setrlimit`), so the kernel stops it when it goes past
them. A probe is a script of the standard library and its one parser with a function
`probe(*arguments)` that returns a JSON object; this prints it, or {"over_budget": "memory"}
when the probe's allocations failed at the limit (a C library may abort instead: the parent
counts SIGABRT as over budget too).

Usage: python -I budget_child.py CPU_SECONDS MEMORY_BYTES PROBE [ARGUMENTS...]
"""

import json
import resource
import runpy
import sys


def main(argv: list[str]) -> int:
    cpu_seconds, memory_bytes, probe, *arguments = argv
    budget(int(cpu_seconds), int(memory_bytes))
    try:
        answer = runpy.run_path(probe)["probe"](*arguments)
    except MemoryError:
        answer = {"over_budget": "memory"}
    print(json.dumps(answer))
    return 0


def budget(cpu_seconds: int, memory_bytes: int) -> None:
    """Past `cpu_seconds` the kernel sends SIGXCPU (and SIGKILL a second later); past
    `memory_bytes` allocations fail. No core file for either."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
