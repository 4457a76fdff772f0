"""A process's CPU time and resident memory, read from /proc (Linux)."""

import os

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU time of all the process's threads so far; with `children`, plus that
    of its child processes that ended and were waited for."""
    with open(f"/proc/{pid}/stat") as stat:
        # the command name (field 2) may hold spaces: count fields after its closing paren
        fields = stat.read().rsplit(")", 1)[1].split()
    used = fields[11:15] if children else fields[11:13]  # utime, stime, cutime, cstime
    return sum(map(int, used)) / _TICKS


def rss_mb(pid: int) -> float:
    """Resident set size in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for process {pid}")


def machine_busy_seconds() -> float:
    """CPU time all cores of the machine spent busy (not idle or waiting for I/O) so far."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields[:8]) - idle - iowait) / _TICKS
