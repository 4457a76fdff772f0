"""Matching received video frames to sent ones, for the latency a server adds.

Publishers and subscribers run in the load generator's processes, and every time is read
from the machine's monotonic clock, which all processes share. A publisher logs each frame it
sends (clip index, RTP timestamp, time); a subscriber logs when the first packet of each
frame arrives. A frame is recognised:

* through the hearing server by its first bytes, which the server forwards untouched (it
  rewrites only RTP headers and the VP8 picture id): the clip index they identify, sent most
  recently before the arrival by that publisher, is the frame (the clip repeats every 3 s);
* through the MediaRelay baseline, which re-encodes, by RTP timestamp: each frame keeps the
  timestamp its publisher gave it (both sides start their timestamps at 0).

Send → arrival on loopback includes the two clients' own stacks (aiortc's send path, SRTP,
socket, receive path) as well as the server's, so it is an upper bound of what the server adds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable

from bench.clip import SendLog
from bench.participant import Incoming


def latencies(
    received: Iterable[Incoming], sent: dict[int, SendLog], by_timestamp: bool
) -> list[float]:
    """Seconds from send to arrival of every received video frame that could be matched."""
    by_index: dict[int, dict[int, list[float]]] = {}
    by_ts: dict[int, dict[int, float]] = {}
    for publisher, log in sent.items():
        indexed: dict[int, list[float]] = defaultdict(list)
        for index, at in zip(log.index, log.sent_at, strict=True):
            indexed[index].append(at)
        by_index[publisher] = indexed
        by_ts[publisher] = dict(zip(log.timestamp, log.sent_at, strict=True))
    found = []
    for stream in received:
        if stream.kind != "video" or stream.publisher_id not in sent:
            continue
        if by_timestamp:
            sends = by_ts[stream.publisher_id]
            for ts, at in zip(stream.timestamp, stream.arrived_at, strict=True):
                if ts in sends:
                    found.append(at - sends[ts])
        else:
            indexed = by_index[stream.publisher_id]
            for index, at in zip(stream.index, stream.arrived_at, strict=True):
                times = indexed.get(index, [])
                latest = bisect_right(times, at) - 1
                if latest >= 0:
                    found.append(at - times[latest])
    return found


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank); NaN if empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
