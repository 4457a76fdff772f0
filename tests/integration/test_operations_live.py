"""Metrics and draining while a hearing runs, with real media."""

from __future__ import annotations

import re

import pytest
import socketio
from aiohttp.test_utils import TestServer

from hearing_server.keys import LIVE_HEARINGS
from tests.callers import Caller, schedule_hearing
from tests.integration.courtroom import Courtroom, receiving, start
from tests.signal_client import SignalClient


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match is not None, name
    return float(match[1])


async def test_metrics_count_a_running_hearing(courtroom: Courtroom, anon: Caller) -> None:
    people = await start(courtroom, "party_a", "party_b")
    await receiving(people["party_a"], courtroom.id("party_b"), frames=15)
    text = await (await anon.client.get("/metrics")).text()
    assert metric(text, 'courtroom_live_hearings{state="in_session"}') == 1
    # judge and two parties are in the hearing (the clerk is not connected)
    assert metric(text, 'courtroom_participants{presence="in_hearing"}') == 3
    # three publishers, each sent to the two others and to the recorder
    assert metric(text, 'courtroom_forwarded_streams{kind="video"}') == 9
    assert metric(text, 'courtroom_forwarded_streams{kind="audio"}') == 9
    assert metric(text, "courtroom_media_packets_received_total") > 100
    # three people each receive two cameras (and two voices): well above 100 kbit/s in all
    assert metric(text, "courtroom_forwarded_bitrate_bps") > 100_000


async def test_draining_refuses_new_hearings_and_keeps_the_running_one(
    courtroom: Courtroom, server: TestServer, judge: Caller
) -> None:
    people = await start(courtroom, "party_a")
    server.app[LIVE_HEARINGS].accepting = False
    other = await schedule_hearing(
        judge, "(2026)A民初2号", title="另案", scheduled_start="2026-11-27T09:00:00+08:00"
    )
    late = SignalClient(courtroom.url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await late.connect(other["id"], cookie=courtroom.seats["judge"].cookie)
    assert [r["code"] for r in late.refusals] == ["draining"]
    # the hearing that was already running here goes on: media still flows, and it can rejoin
    got = people["party_a"].reception(courtroom.id("judge"))
    before = len(got.video)
    await receiving(people["party_a"], courtroom.id("judge"), frames=before + 15)
    assert server.app[LIVE_HEARINGS].busy
