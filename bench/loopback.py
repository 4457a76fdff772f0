"""Patches every bench process applies to aiortc so that a whole run stays on one machine.

aioice leaves loopback addresses out when gathering candidates, and a run on one machine has
nothing else to use (nor should it send anywhere else). The RTP timestamp origin of each
aiortc sender is made 0 so that a timestamp can be followed through a server that keeps it
(aiortc's MediaRelay decodes and re-encodes, but carries each frame's timestamp through);
SSRCs and everything else stay random.
"""

import os
import secrets
import sys

import aioice.ice
import aiortc.rtcrtpsender

ADDRESSES_VARIABLE = "BENCH_HOST_ADDRESSES"
"""Comma-separated addresses gathered besides 127.0.0.1 (a server that a participant inside a
network namespace must reach: bench/limited.py)."""


def _loopback_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    extra = os.environ.get(ADDRESSES_VARIABLE, "")
    return ["127.0.0.1", *filter(None, extra.split(","))]


def _random32_with_zero_timestamp_origin() -> int:
    # aiortc draws the timestamp origin with random32() in RTCRtpSender._run_rtp
    if sys._getframe(1).f_code.co_name == "_run_rtp":
        return 0
    return secrets.randbits(32)


def use_loopback() -> None:
    """Gather only 127.0.0.1 candidates (and those of BENCH_HOST_ADDRESSES)."""
    aioice.ice.get_host_addresses = _loopback_addresses


def zero_timestamp_origins() -> None:
    """Make aiortc senders start their RTP timestamps at 0 (RTP timestamp = frame pts)."""
    setattr(aiortc.rtcrtpsender, "random32", _random32_with_zero_timestamp_origin)  # noqa: B010
