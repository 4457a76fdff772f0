"""The dropped-packet log: a few short lines a minute, whatever arrives."""

from __future__ import annotations

import logging

import pytest

from signaling.bad_packets import MAX_REASON, BadPacketLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "signaling.bad_packets"]


def test_a_flood_writes_a_burst_then_counts(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    clock = Clock()
    log = BadPacketLog(burst=3, period=60, clock=clock)
    for _ in range(10_000):
        log.dropped_packet("not JSON")
        clock.now += 0.001  # 10 s of packets
    assert len(lines(caplog)) == 3
    assert log.dropped == 10_000
    clock.now += 60
    log.dropped_packet("not JSON")
    written = lines(caplog)
    assert len(written) == 4
    assert "9997 more dropped since the last line" in written[-1], written[-1]


def test_a_line_is_short_whatever_the_reason(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    BadPacketLog().dropped_packet("x" * 100_000)
    (line,) = lines(caplog)
    assert len(line) < MAX_REASON + 60
