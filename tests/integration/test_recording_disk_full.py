"""A recordings disk that fills up during a hearing (a real, size-limited tmpfs): the bench is
alerted, everyone's room shows the recording failed, and at close what was recorded before the
failure is sealed as an interrupted record that `hearing-server verify` accepts."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import Recording
from hearing_server.records.reserve import RESERVE, RESERVE_BYTES
from hearing_server.records.service import SEAL_RETRY_SECONDS
from tests.headless import HeadlessParticipant
from tests.integration.courtroom import Courtroom, receiving, room_shows, start
from tests.integration.records import recording_of
from tests.live_server import LiveServer
from tests.small_disk import fill, needs_root, small_disk

MEDIA_ROOM = 400_000
"""Bytes left on the disk for media, beside the seal's reserve: a few seconds of recording."""

pytestmark = needs_root


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    """The recordings folder on a disk of its own, small enough to fill up."""
    with small_disk(settings.recordings_dir, RESERVE_BYTES + 8 * 1024 * 1024):
        yield settings


async def record_until_the_disk_is_full(courtroom: Courtroom) -> dict[str, HeadlessParticipant]:
    """Judge and party record until the recording fails; everyone's room shows it."""
    people = await start(courtroom, "party_a")
    judge, party = people["judge"], people["party_a"]
    await receiving(judge, courtroom.id("party_a"), frames=10)
    await room_shows(party, lambda room: room["recording_state"] == "recording")
    assert party.signal.room["recording"] is True

    alert = await judge.signal.wait_for("alert", within=90)
    assert alert["kind"] == "recording_failed" and "No space left" in alert["message"], alert
    for person in (judge, party):
        await room_shows(person, lambda room: room["recording_state"] == "failed")
        assert person.signal.room["recording"] is False
    return people


async def verified_as_interrupted(settings: Settings, tmp_path: Path, recording: Recording) -> None:
    """The manifest says the record is interrupted, and `hearing-server verify` accepts it."""
    assert recording.state == "failed" and recording.manifest_path is not None
    manifest_path = settings.recordings_dir / recording.manifest_path
    manifest = json.loads(manifest_path.read_text())
    events = [e["data"] for e in manifest["entries"] if e["type"] == "event"]
    [interrupted] = [e for e in events if e["event"] == "record_interrupted"]
    assert "No space left" in interrupted["reason"]
    recorded = [e["data"] for e in manifest["entries"] if e["type"] == "file"]
    assert recorded and sum(f["bytes"] for f in recorded) > MEDIA_ROOM / 2

    cli = LiveServer(
        tmp_path,
        database_url=settings.database_url,
        recordings_dir=str(settings.recordings_dir),
        signing_key_path=str(settings.signing_key_path),
    )
    result = await asyncio.to_thread(cli.run, "verify", str(manifest_path))
    assert result.returncode == 0, result.stdout + result.stderr
    intact = re.search(r"OK: (\d+) files intact", result.stdout)
    assert intact is not None and int(intact[1]) >= len(recorded)  # and the archive, once made
    assert "interrupted record: recording failed at" in result.stdout


async def test_a_full_disk_fails_the_recording_and_what_was_recorded_is_sealed(
    courtroom: Courtroom, database: Database, settings: Settings, tmp_path: Path
) -> None:
    fill(settings.recordings_dir, RESERVE_BYTES + MEDIA_ROOM)
    people = await record_until_the_disk_is_full(courtroom)
    judge, party = people["judge"], people["party_a"]
    folder = settings.recordings_dir / f"hearing-{courtroom.hearing_id}"
    assert (folder / RESERVE).exists()  # the space set aside for the seal is still there

    assert (await judge.signal.call("close")) == {"ok": True}
    closed = await party.signal.wait_for("closed")
    assert "verification_code" in closed, closed
    assert not (folder / RESERVE).exists()
    alerts = [a for a in judge.signal.received["alert"] if a["kind"] == "recording_failed"]
    assert len(alerts) == 1, alerts  # every track failed, one alert
    await verified_as_interrupted(
        settings, tmp_path, await recording_of(database, courtroom.hearing_id)
    )


async def test_a_seal_the_full_disk_refused_is_made_once_space_returns(
    courtroom: Courtroom, database: Database, settings: Settings, tmp_path: Path
) -> None:
    fill(settings.recordings_dir, MEDIA_ROOM)  # not even room to set space aside for the seal
    people = await record_until_the_disk_is_full(courtroom)
    assert (await people["judge"].signal.call("close")) == {"ok": True}
    closed = await people["party_a"].signal.wait_for("closed")
    assert "verification_code" not in closed  # nothing could be sealed
    assert (await recording_of(database, courtroom.hearing_id)).manifest_path is None

    (settings.recordings_dir / "filler").unlink()  # space returns
    async with asyncio.timeout(SEAL_RETRY_SECONDS * 3):
        while True:  # a database row: nothing to wait on
            recording = await recording_of(database, courtroom.hearing_id)
            if recording.manifest_path is not None:
                break
            await asyncio.sleep(0.5)
    await verified_as_interrupted(settings, tmp_path, recording)
