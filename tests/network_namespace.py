"""A network namespace joined to ours by a veth pair, whose link toward it can be shaped.

A weak participant runs inside it (tests/integration/test_weak_subscriber.py, and bench/'s
limited-subscriber scenario). It lives here, not in bench/, for the reason tests/live_server.py
does: the tests run in CI, so CI keeps it working; it imports only the standard library, so
bench/ takes nothing heavy from the tests. Needs root and iproute2 (`ip`, `tc`).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000


class NamespaceUnavailable(Exception):
    """This machine cannot make the namespace (no iproute2, not root, ...)."""


@dataclass(frozen=True)
class Namespace:
    name: str
    outside: str
    """The veth end in our own namespace, where the link toward the namespace is shaped."""
    outside_address: str
    inside_address: str

    def shape(
        self, rate: str, delay_ms: int = 0, loss_pct: float = 0.0, queue_ms: int = 400
    ) -> bool:
        """Limit what is sent toward the namespace to `rate` (tc's syntax, e.g. "300kbit"),
        with `tbf` holding up to `queue_ms` of it in its queue before it drops; with a delay
        or loss, under `netem` when the kernel has it. Returns whether the delay and loss were
        applied (False: the kernel has no netem, only the rate is)."""
        tbf = ("tbf", "rate", rate, "burst", "16kbit", "latency", f"{queue_ms}ms")
        if delay_ms or loss_pct:
            netem = ("netem", "delay", f"{delay_ms}ms", "loss", f"{loss_pct}%")
            try:
                _run("tc", "qdisc", "replace", "dev", self.outside, "root", "handle", "1:", *netem)
            except subprocess.CalledProcessError:
                pass  # no netem in this kernel: the rate alone
            else:
                _run(
                    "tc", "qdisc", "add", "dev", self.outside, "parent", "1:", "handle", "2:", *tbf
                )
                return True
        _run("tc", "qdisc", "replace", "dev", self.outside, "root", *tbf)
        return not (delay_ms or loss_pct)

    def lift(self) -> None:
        _run("tc", "qdisc", "del", "dev", self.outside, "root")


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@contextmanager
def network_namespace() -> Iterator[Namespace]:
    """A namespace joined to ours by a veth pair, in a private /30 of its own (removed on
    exit). Raises NamespaceUnavailable when it cannot be made."""
    if shutil.which("ip") is None or shutil.which("tc") is None:
        raise NamespaceUnavailable("needs iproute2 (ip, tc)")
    tag = os.getpid() % 50_000
    name, outside, inside = f"hweak{tag}", f"hwo{tag}", f"hwi{tag}"
    base = f"10.254.{tag % 250}.{(tag // 250) % 64 * 4}"
    prefix, last = base.rsplit(".", 1)
    near, far = f"{prefix}.{int(last) + 1}", f"{prefix}.{int(last) + 2}"
    try:
        _run("ip", "netns", "add", name)
    except (subprocess.CalledProcessError, OSError) as exc:
        raise NamespaceUnavailable(f"cannot create a network namespace: {exc}") from exc
    try:
        _run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
        _run("ip", "link", "set", inside, "netns", name)
        _run("ip", "addr", "add", f"{near}/30", "dev", outside)
        _run("ip", "link", "set", outside, "up")
        inside_ns = ("ip", "netns", "exec", name, "ip")
        _run(*inside_ns, "addr", "add", f"{far}/30", "dev", inside)
        _run(*inside_ns, "link", "set", inside, "up")
        _run(*inside_ns, "link", "set", "lo", "up")
        _run(*inside_ns, "route", "add", "default", "via", near)
        yield Namespace(name, outside, near, far)
    finally:
        subprocess.run(["ip", "link", "del", outside], capture_output=True)
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def enter(name: str) -> None:
    """Move the calling thread (and the threads and sockets it makes from now on) into the
    namespace `name`: for a child process, before it opens any socket."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open(f"/var/run/netns/{name}") as handle:
        if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {name}")
