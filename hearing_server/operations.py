"""What operators and load balancers read: readiness and Prometheus metrics.

`/healthz` (in app.py) says the process works; `/readyz` says it wants new hearings, and turns
503 while the server drains so a front proxy stops placing people here.
"""

from __future__ import annotations

import asyncio
import hmac
from collections import Counter
from collections.abc import Iterable, Iterator

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from court.presence import Presence
from hearing_server.api.errors import error_response
from hearing_server.client_address import client_address
from hearing_server.db.models import Recording, Segment
from hearing_server.keys import DATABASE, LIVE_HEARINGS, SETTINGS
from signaling.cluster.live_hearings import LiveHearings

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


async def readyz(request: web.Request) -> web.Response:
    if not request.app[LIVE_HEARINGS].accepting:
        return error_response(503, "draining", "this server is draining: it starts no new hearings")
    try:
        await request.app[DATABASE].ping()
    except Exception as exc:  # any driver error means the same thing here: not ready
        return error_response(
            503, "database_unavailable", f"the database does not answer: {type(exc).__name__}"
        )
    return web.json_response({"status": "ready"})


class _Fixed(Collector):
    """Metric families computed before the scrape (some need the database, which is async)."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = list(metrics)

    def collect(self) -> Iterator[Metric]:
        return iter(self.metrics)


def live_metrics(hearings: LiveHearings) -> list[Metric]:
    """Hearings, people and media streams of this process, read from the live objects."""
    by_state = GaugeMetricFamily(
        "courtroom_live_hearings", "Hearings loaded in this process, by state", labels=["state"]
    )
    people = GaugeMetricFamily(
        "courtroom_participants", "Participants of live hearings, by presence", labels=["presence"]
    )
    streams = GaugeMetricFamily(
        "courtroom_forwarded_streams",
        "Streams being forwarded now: each published track once per subscriber (people and the recorder)",
        labels=["kind"],
    )
    expected = CounterMetricFamily(
        "courtroom_media_packets_expected",
        "RTP packets publishers sent us, judged from sequence numbers (live tracks only)",
    )
    received = CounterMetricFamily(
        "courtroom_media_packets_received", "RTP packets that arrived from publishers"
    )
    states: Counter[str] = Counter()
    presences: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    total_expected = total_received = 0
    for live in hearings.hearings.values():
        states[live.room.state.value] += 1
        for member in live.room.members.values():
            presences[member.presence.value] += 1
        for tracks in live.router.tracks.values():
            for track in tracks:
                kinds[track.kind] += track.subscriber_count
                got = track.reception()
                total_expected += got[0]
                total_received += got[1]
    for state, count in sorted(states.items()):
        by_state.add_metric([state], count)
    for presence in Presence:
        people.add_metric([presence.value], presences[presence.value])
    for kind in ("audio", "video"):
        streams.add_metric([kind], kinds[kind])
    expected.add_metric([], total_expected)
    received.add_metric([], total_received)
    draining = GaugeMetricFamily(
        "courtroom_draining", "1 while this process drains (starts no new hearings)"
    )
    draining.add_metric([], 0 if hearings.accepting else 1)
    return [by_state, people, streams, expected, received, draining]


async def stored_metrics(request: web.Request) -> list[Metric]:
    """Recording volume and recordings by state (the render queue), from the shared database."""
    async with request.app[DATABASE].session() as db:
        recorded = await db.scalar(select(func.coalesce(func.sum(Segment.size_bytes), 0)))
        states = dict(
            (
                await db.execute(select(Recording.state, func.count()).group_by(Recording.state))
            ).all()
        )
    recording_bytes = GaugeMetricFamily(
        "courtroom_recording_bytes", "Bytes of sealed recording segments in the archive"
    )
    recording_bytes.add_metric([], int(recorded or 0))
    recordings = GaugeMetricFamily(
        "courtroom_recordings",
        "Recordings by state (those sealed and not yet rendered are the render queue)",
        labels=["state"],
    )
    for state, count in sorted(states.items()):
        recordings.add_metric([str(state)], count)
    return [recording_bytes, recordings]


def _may_scrape(request: web.Request) -> bool:
    token = request.app[SETTINGS].metrics_token
    if token is None:
        return client_address(request) in ("127.0.0.1", "::1")
    presented = request.headers.get("Authorization", "")
    return hmac.compare_digest(presented.encode(), f"Bearer {token.get_secret_value()}".encode())


BITRATE_SAMPLE_SECONDS = 1.0


async def forwarded_bitrate(hearings: LiveHearings) -> Metric:
    """Media bit/s sent to participants now, sampled over one second of the scrape."""

    async def sent() -> int:
        sessions = [s for live in hearings.hearings.values() for s in live.router.sessions.values()]
        return sum([await session.sent_bytes() for session in sessions])

    before = await sent()
    await asyncio.sleep(BITRATE_SAMPLE_SECONDS)
    after = await sent()
    bitrate = GaugeMetricFamily(
        "courtroom_forwarded_bitrate_bps",
        "Media bit/s the server sends to participants (sampled over one second of the scrape)",
    )
    bitrate.add_metric([], max(0, after - before) * 8 / BITRATE_SAMPLE_SECONDS)
    return bitrate


async def metrics(request: web.Request) -> web.Response:
    if not _may_scrape(request):
        return error_response(
            403,
            "forbidden",
            "present the metrics_token as a Bearer token (or scrape from loopback)",
        )
    registry = CollectorRegistry(auto_describe=False)
    ProcessCollector(registry=registry)  # CPU seconds, resident memory, open files: the load
    registry.register(
        _Fixed(
            live_metrics(request.app[LIVE_HEARINGS])
            + [await forwarded_bitrate(request.app[LIVE_HEARINGS])]
            + await stored_metrics(request)
        )
    )
    return web.Response(body=generate_latest(registry), headers={"Content-Type": PROMETHEUS_TEXT})
