"""A remote arraignment with three sites: the court, a detained defendant at the detention
centre's terminal, and defence counsel on a phone elsewhere. Defendant and counsel step out
into a private consultation: nobody else receives any of it, the judge included, and the
recorder keeps none of it. Checked by media content (the pictures' source tags and counters,
the microphones' pitches), not by what the server says it forwards.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import av
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import Recording, Segment, Track
from recording.render.layout import Rect
from tests.callers import Caller
from tests.headless import Frame, HeadlessParticipant
from tests.integration.archive_frames import eventually, read_marks, segment_pictures
from tests.integration.courtroom import Courtroom, Seat, receiving, room_shows, start
from tests.integration.media_sources import dominant_hz
from tests.integration.peers import wait_until
from tests.integration.records import event_times, recording_state_is

CONSULTATION_SECONDS = 4.0
PRIVATE_HZ = 1900.0
"""The pitch the two speak at while in consultation: heard by anyone else, at any time, it is a
leak. (A test process running the server and every participant on a loaded machine delivers
media seconds late, so what was private is told by content: pitch, and the pictures' send
times, never arrival times.)"""
AFTER_HZ = (2300.0, 2600.0)
"""The pitches they speak at afterwards, each their own: proof that what follows reached."""
LIMIT = 30.0


def _sent_at(frame: Frame) -> float | None:
    return None if frame.latency is None else frame.at - frame.latency


def _pictures_sent(
    viewer: HeadlessParticipant, tag: int, since: float, until: float = float("inf")
) -> int:
    """How many pictures marked ``tag`` and taken between the two times reached ``viewer``."""
    return sum(
        1
        for frame in viewer.seen
        if frame.tag == tag and (sent := _sent_at(frame)) is not None and since < sent < until
    )


def _heard(person: HeadlessParticipant, hz: float) -> int:
    """How many decoded audio frames at pitch ``hz`` (within a 20-ms frame's bin) reached
    ``person``."""
    return sum(1 for _, pitch in person.heard if abs(pitch - hz) <= 50)


def _speak(person: HeadlessParticipant, hz: float) -> None:
    assert person.tone is not None
    person.tone.hz = hz


def _tag(person: HeadlessParticipant) -> int:
    assert person.video is not None
    return person.video.tag


async def test_defendant_and_counsel_consult_unheard_unseen_and_unrecorded(
    courtroom: Courtroom, judge: Caller, database: Database, settings: Settings
) -> None:
    seat = await judge.call(
        "POST",
        f"/hearings/{courtroom.hearing_id}/participants",
        {"role": "counsel", "name": "吴律师", "represents_id": courtroom.id("detainee")},
        expect=201,
    )
    courtroom.seats["counsel"] = Seat(seat["participant"]["id"], seat["invitation"]["token"])
    people = await start(courtroom, "party_a", "detainee", "counsel", "observer")
    detainee, counsel = people["detainee"], people["counsel"]
    private = (detainee, counsel)
    outside = [people[name] for name in ("judge", "party_a", "observer")]
    for viewer in outside:
        for person in private:
            await receiving(viewer, person.id, frames=5, limit=LIMIT)

    assert await detainee.signal.call("consult", {"participant_id": counsel.id}) == {"ok": True}
    began = time.monotonic()
    for person in private:
        _speak(person, PRIVATE_HZ)
    await room_shows(counsel, lambda room: room["you"]["presence"] == "in_consultation")
    # the two of them see and hear each other...
    await wait_until(
        lambda: all(
            _heard(listener, PRIVATE_HZ) > 0 and _pictures_sent(listener, _tag(other), began) > 0
            for listener, other in ((detainee, counsel), (counsel, detainee))
        ),
        LIMIT,
        "the two in consultation to see and hear each other",
    )
    await asyncio.sleep(max(0.0, began + CONSULTATION_SECONDS - time.monotonic()))
    for person, hz in zip(private, AFTER_HZ, strict=True):
        _speak(person, hz)
    ended = time.monotonic()
    assert await detainee.signal.call("end_consultation") == {"ok": True}
    # ... and then everyone sees and hears them again: media is in order per stream, so once
    # what followed has reached a viewer, anything of the consultation would have too
    await wait_until(
        lambda: all(
            _pictures_sent(viewer, _tag(person), ended) > 0 and _heard(viewer, hz) > 0
            for viewer in outside
            for person, hz in zip(private, AFTER_HZ, strict=True)
        ),
        LIMIT,
        "everyone to see and hear the two again",
    )
    for viewer in outside:
        for person in private:
            assert _pictures_sent(viewer, _tag(person), began, ended) == 0, viewer.id
        assert _heard(viewer, PRIVATE_HZ) == 0, viewer.id

    assert await people["judge"].signal.call("close") == {"ok": True}
    await people["judge"].signal.wait_for("closed")
    await _nothing_of_it_recorded(courtroom, database, settings, private, began, ended)


async def _nothing_of_it_recorded(
    courtroom: Courtroom,
    database: Database,
    settings: Settings,
    private: tuple[HeadlessParticipant, ...],
    began: float,
    ended: float,
) -> None:
    """Nothing of the consultation is in the record: no picture taken during it, no frame of
    its pitch (the timeline has it, with its times)."""
    [started_at] = await event_times(database, courtroom.hearing_id, "consultation_started")
    [ended_at] = await event_times(database, courtroom.hearing_id, "consultation_ended")
    assert timedelta(seconds=CONSULTATION_SECONDS) <= ended_at - started_at
    async with database.session() as db:
        recording = await db.scalar(
            select(Recording).where(Recording.hearing_id == courtroom.hearing_id)
        )
        assert recording is not None
        rows = (
            await db.execute(
                select(Track.participant_id, Track.kind, Segment)
                .join(Segment, Segment.track_id == Track.id)
                .where(Track.recording_id == recording.id)
            )
        ).all()
    ids = {person.id for person in private}
    theirs = [(pid, kind, segment) for pid, kind, segment in rows if pid in ids]
    assert {(pid, kind) for pid, kind, _ in theirs} == {
        (pid, kind) for pid in ids for kind in ("audio", "video")
    }
    pictures = leaked = tones = 0
    for _, kind, segment in theirs:
        path = settings.recordings_dir / segment.path
        if kind == "audio":
            pitches = _recorded_pitches(path)
            tones += len(pitches)
            leaked += sum(1 for hz in pitches if abs(hz - PRIVATE_HZ) <= 50)
            continue
        for luma in segment_pictures(path):
            marks = read_marks(luma, Rect(0, 0, luma.shape[1], luma.shape[0]))
            if marks is None:
                continue
            pictures += 1
            sent = courtroom.send_times.sent_at(marks[1], marks[0])
            if sent is not None and began < sent < ended:
                leaked += 1
    assert pictures > 0 and tones > 0
    assert leaked == 0
    await eventually(lambda: recording_state_is(database, courtroom.hearing_id, "sealed"), 10)


def _recorded_pitches(segment: Path) -> list[float]:
    """The pitch of each audio frame a recorded segment holds."""
    with av.open(str(segment)) as container:
        return [dominant_hz(frame) for frame in container.decode(audio=0)]
