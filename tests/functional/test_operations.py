"""/readyz and /metrics as a load balancer and Prometheus see them."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from config import Settings
from hearing_server.app import create_app
from hearing_server.db.database import Database
from hearing_server.keys import LIVE_HEARINGS
from tests.callers import Caller


async def test_readyz_turns_503_while_draining_but_health_stays_ok(
    anon: Caller, server: TestServer
) -> None:
    ready = await anon.client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["status"] == "ready"
    server.app[LIVE_HEARINGS].accepting = False
    draining = await anon.client.get("/readyz")
    assert draining.status == 503
    assert (await draining.json())["error"]["code"] == "draining"
    assert (await anon.client.get("/healthz")).status == 200


async def test_metrics_in_prometheus_text(anon: Caller) -> None:
    response = await anon.client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await response.text()
    for line in (
        'courtroom_participants{presence="in_hearing"} 0.0',
        'courtroom_forwarded_streams{kind="video"} 0.0',
        "courtroom_recording_bytes 0.0",
        "courtroom_draining 0.0",
        "courtroom_forwarded_bitrate_bps 0.0",
    ):
        assert line in text, line
    assert "process_cpu_seconds_total" in text
    assert "process_resident_memory_bytes" in text


async def test_metrics_token_is_required_when_set(settings: Settings, database: Database) -> None:
    guarded = settings.model_copy(update={"metrics_token": SecretStr("scrape-me")})
    client = TestClient(TestServer(create_app(guarded)))
    await client.start_server()
    try:
        assert (await client.get("/metrics")).status == 403
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 403
        right = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert right.status == 200
    finally:
        await client.close()
