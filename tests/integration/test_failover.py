"""The process holding a hearing dies (kill -9): the other one takes the hearing over, and
its recording with it: one sealed record and one archive cover before and after, with the
gap marked."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording
from tests.headless import HeadlessParticipant
from tests.integration.archive_frames import (
    LOSS_BOUND,
    archived,
    assert_shown,
    eventually,
    read_archive,
    sidecar_state,
)
from tests.integration.courtroom import presence, receiving
from tests.integration.deployment import (
    judge_and_party_in_session,
    judge_session,
    make_judge,
    schedule,
)
from tests.integration.peers import wait_until
from tests.live_server import LiveServer

pytestmark = pytest.mark.postgres

MEDIA_SECONDS = 5.0
"""Recorded on the first process before it is killed."""
AFTER_SECONDS = 4.0
"""Recorded on the second process before the judge closes the hearing."""


async def test_participants_are_back_on_the_other_process_and_one_record_spans_the_gap(
    pair: tuple[LiveServer, LiveServer], shared_database_url: str, tmp_path: Path
) -> None:
    a, b = pair
    password = make_judge(a)
    people: list[HeadlessParticipant] = []
    database = Database(shared_database_url)
    folder = tmp_path / "recordings"
    async with judge_session(a, password) as judge:
        hearing_id, invitation = await schedule(judge, "(2026)c1民初11号")
        try:
            bench, party = await judge_and_party_in_session(
                a, judge, hearing_id, invitation, people
            )
            recorded_from = time.monotonic()
            await asyncio.sleep(MEDIA_SECONDS)  # recorded on A
            for person in people:  # as the browser client does: back through any front door
                person.rejoin_when_dropped([b.url, a.url])
            cameras_before = [person.video for person in people]

            assert a.process is not None
            a.process.send_signal(signal.SIGKILL)
            killed, killed_wall = time.monotonic(), time.time()
            a.process.wait()
            hearing_folder = folder / f"hearing-{hearing_id}"
            left_open = {
                p for p in hearing_folder.glob("*.json") if sidecar_state(p) == "recording"
            }
            assert left_open, "A was writing segments when it was killed"
            await wait_until(
                lambda: bench.rejoins == 1 and party.rejoins == 1, 10, "both to rejoin"
            )
            rejoined_wall = time.time()
            assert bench.signal.url == b.url and party.signal.url == b.url
            # the party was admitted before the crash: back in the hearing, not the waiting room
            assert party.signal.room["you"]["presence"] == "in_hearing"
            assert presence(bench, party.id) == "in_hearing"
            assert bench.signal.room["state"] == "in_session"
            # media flows again both ways, within 10 s of the kill
            await receiving(
                party, bench.id, frames=10, since=killed, limit=10 - (time.monotonic() - killed)
            )
            await receiving(bench, party.id, frames=10, since=killed, limit=10)
            flowing = time.monotonic()
            await asyncio.sleep(AFTER_SECONDS)  # recorded on B
            closing = time.monotonic()
            assert (await bench.signal.call("close")) == {"ok": True}
            closed = await bench.signal.wait_for("closed", within=20)
            assert closed["verification_code"]
            cameras_after = [person.video for person in people]
        finally:
            for person in people:
                await person.close()
    try:
        await eventually(lambda: archived(database, hearing_id), 120)
        async with database.session() as db:
            [recording] = await db.scalars(
                select(Recording).where(Recording.hearing_id == hearing_id)
            )
            events = list(
                await db.scalars(
                    select(HearingEvent)
                    .where(HearingEvent.hearing_id == hearing_id)
                    .order_by(HearingEvent.at, HearingEvent.id)
                )
            )
    finally:
        await database.close()

    # one record, sealed once, spanning both processes
    assert recording.state == "sealed" and recording.manifest_path and recording.archive_path
    kinds = [event.kind for event in events]
    assert kinds.count("recording_sealed") == 1
    assert {sidecar_state(p) for p in left_open} == {"recovered"}
    manifest = json.loads((folder / recording.manifest_path).read_text())
    files = {e["data"]["path"] for e in manifest["entries"] if e["type"] == "file"}
    before_kill = {p.with_suffix(".mkv").relative_to(folder).as_posix() for p in left_open}
    assert before_kill <= files
    # the gap: from the last media A kept (up to ~2 s before the kill) until B records again
    [interrupted] = [e for e in events if e.kind == "recording_interrupted"]
    assert interrupted.data is not None
    assert interrupted.data["segments_recovered"] == len(left_open)
    gap_start = interrupted.at.replace(tzinfo=UTC).timestamp()
    assert killed_wall - LOSS_BOUND - 1 < gap_start < killed_wall + 0.5
    resumed = [
        e.at.replace(tzinfo=UTC).timestamp()
        for e in events[events.index(interrupted) :]
        if e.kind == "recording_started"
    ]
    assert resumed and killed_wall < resumed[0] < rejoined_wall + 5, (killed_wall, resumed)

    frames = read_archive(folder / recording.archive_path, tiles=2)
    assert frames.card, "the interruption is marked in the archive"
    # the pictures sent, in the order they were recorded (a picture may show an older
    # counter: see `archive_frames`)
    for camera in cameras_before:  # what A recorded, up to ~2 s before the kill
        assert camera is not None and camera.sent is not None
        sent = {n for n, at in camera.sent.items() if recorded_from <= at <= killed - LOSS_BOUND}
        assert_shown(frames.before.get(camera.tag, []), sent, hearing_folder, camera.tag)
    for camera in cameras_after:  # what B recorded, once media flowed again
        assert camera is not None and camera.sent is not None
        assert camera not in cameras_before  # a new peer connection, a new camera tag
        sent = {n for n, at in camera.sent.items() if flowing <= at <= closing - 1}
        assert_shown(frames.after.get(camera.tag, []), sent, hearing_folder, camera.tag)
