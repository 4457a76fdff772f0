"""A worker that (re)starts leaves alone the recordings its live siblings are writing.

Processes A and B share one recordings folder and database. While A records a hearing, B is
killed and started again (as `serve --workers` does with a worker that dies): B's start-up
recovery must not finalise A's open segments nor mark A's recording interrupted, and A's
recording goes on and seals normally, with no gap.
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording
from tests.headless import HeadlessParticipant
from tests.integration.archive_frames import archived, eventually, read_archive, sidecar_state
from tests.integration.deployment import (
    judge_and_party_in_session,
    judge_session,
    make_judge,
    schedule,
)
from tests.live_server import LiveServer

pytestmark = pytest.mark.postgres


async def test_a_restarting_worker_leaves_its_siblings_recording_alone(
    pair: tuple[LiveServer, LiveServer], shared_database_url: str, tmp_path: Path
) -> None:
    a, b = pair
    password = make_judge(a)
    people: list[HeadlessParticipant] = []
    database = Database(shared_database_url)
    folder = tmp_path / "recordings"
    async with judge_session(a, password) as judge:
        hearing_id, invitation = await schedule(judge, "(2026)c1民初12号")
        try:
            bench, _ = await judge_and_party_in_session(a, judge, hearing_id, invitation, people)
            assert bench.signal.url == a.url  # placed on A, the process asked (a tie)
            await asyncio.sleep(2)
            hearing_folder = folder / f"hearing-{hearing_id}"
            writing = {p for p in hearing_folder.glob("*.json") if sidecar_state(p) == "recording"}
            assert writing, "A is writing segments"

            # B dies and starts again; its start-up recovery runs before it answers /healthz
            assert b.process is not None
            b.process.send_signal(signal.SIGKILL)
            b.process.wait()
            await asyncio.to_thread(b.__enter__)  # the clients here go on publishing meanwhile
            restarted = time.monotonic()
            assert {sidecar_state(p) for p in writing} <= {"recording", "closed"}, (
                "B finalised segments A is writing"
            )

            await asyncio.sleep(3)  # A records on
            closing = time.monotonic()
            assert (await bench.signal.call("close")) == {"ok": True}
            closed = await bench.signal.wait_for("closed", within=20)
            assert closed["verification_code"]
        finally:
            for person in people:
                await person.close()
    try:
        await eventually(lambda: archived(database, hearing_id), 120)
        async with database.session() as db:
            [recording] = await db.scalars(
                select(Recording).where(Recording.hearing_id == hearing_id)
            )
            kinds = list(
                await db.scalars(
                    select(HearingEvent.kind).where(HearingEvent.hearing_id == hearing_id)
                )
            )
    finally:
        await database.close()

    assert recording.state == "sealed" and recording.archive_path is not None
    assert kinds.count("recording_sealed") == 1
    assert "recording_interrupted" not in kinds and "recording_recovered" not in kinds
    assert {sidecar_state(p) for p in writing} == {"closed"}  # closed by A, at close
    frames = read_archive(folder / recording.archive_path, tiles=2)
    assert not frames.card, "no gap in A's recording"
    for person in people:  # recorded through B's restart, up to the close
        camera = person.video
        assert camera is not None and camera.sent is not None
        sent = {n for n, at in camera.sent.items() if restarted <= at <= closing - 1}
        seen = set(frames.before.get(camera.tag, []))
        assert sent and len(sent - seen) <= 0.1 * len(sent), (len(sent), sorted(sent - seen))
