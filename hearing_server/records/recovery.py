"""Taking up what a stopped or killed process left of a hearing's recording: segment files
left open are finished and given rows, segments closed without a row get one, and the gap is
written as ``recording_interrupted``; after a recorder failure, the segments its writers left
open are recovered the same way before the seal."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Participant, Recording, Segment, Track, utcnow
from hearing_server.records import files
from hearing_server.records.files import hearing_of, left_open, storage_key
from hearing_server.records.rows import UNFINISHED, add_event, segment_row, utc
from recording.segment import SegmentInfo, recover
from signaling.cluster.placement import Placement, PlacementUnavailable

log = logging.getLogger(__name__)


class Recovery:
    """Recovers the recordings under ``root`` (the recordings folder) and their rows."""

    def __init__(self, database: Database, root: Path) -> None:
        self.database = database
        self.root = root

    async def take_up(self, placement: Placement | None = None) -> None:
        """At start-up: take up what a stopped or killed server left of each hearing no live
        process holds (see `recover_hearing`).

        With ``placement`` (several processes sharing the recordings folder and database), a
        hearing another live process holds is left alone: its segments are open because that
        process is writing them. If the registry cannot tell, nothing is recovered now; each
        such hearing is taken up when a process places it again (`RecordingService.placed`)."""
        for hearing_id in await self._left_over():
            if placement is not None:
                try:
                    holder = await placement.holder(hearing_id)
                except PlacementUnavailable:
                    log.warning(
                        "hearing %s: the placement registry is unreachable; its recording is "
                        "taken up when it is placed again",
                        hearing_id,
                    )
                    continue
                if holder is not None:
                    continue  # a live process records it
            await self.recover_hearing(hearing_id)

    async def _left_over(self) -> list[int]:
        """Hearings with segment files left open or a recording left unfinished."""
        hearing_ids = {
            hearing_of(sidecar) for sidecar in await asyncio.to_thread(left_open, self.root)
        }
        async with self.database.session() as db:
            hearing_ids.update(
                await db.scalars(
                    select(Recording.hearing_id).where(
                        Recording.state.in_(UNFINISHED), Recording.manifest_path.is_(None)
                    )
                )
            )
        return sorted(hearing_ids)

    async def recover_hearing(self, hearing_id: int) -> None:
        """Finish the segments of the hearing a killed server left open, and give them their
        rows; write on its recording, if it was going on when the server stopped, that it
        was interrupted. Only for a hearing no other live process records.

        A segment the server had closed but whose row it had not yet written (its writer
        reports a closed segment a moment before the row's commit) gets its row here too:
        without it the segment would be left out of the seal and the archive."""
        sidecars = await asyncio.to_thread(files.sidecars, self.root, hearing_id)
        for sidecar in await self._unlisted(hearing_id, sidecars.get("closed", [])):
            info = await asyncio.to_thread(recover, sidecar)  # closed: read from the sidecar
            await self._store_recovered(hearing_id, info, event=False)
            log.warning("registered %s: closed, but its row was never written", info.path)
        left_open = sidecars.get("recording", [])
        for sidecar in left_open:
            info = await asyncio.to_thread(recover, sidecar)
            await self._store_recovered(hearing_id, info)
            log.warning("recovered %s (%d frames)", info.path, info.frames)
        await self._mark_interrupted(hearing_id, len(left_open))

    async def _unlisted(self, hearing_id: int, closed: list[Path]) -> list[Path]:
        """Of the hearing's ``closed`` sidecars, those of segments without a row."""
        if not closed:
            return []
        async with self.database.session() as db:
            listed = set(
                await db.scalars(
                    select(Segment.path)
                    .join(Track, Segment.track_id == Track.id)
                    .join(Recording, Track.recording_id == Recording.id)
                    .where(Recording.hearing_id == hearing_id)
                )
            )
        return [s for s in closed if storage_key(self.root, s.with_suffix(".mkv")) not in listed]

    async def _mark_interrupted(self, hearing_id: int, segments: int) -> None:
        """A recording of the hearing still going on when this process takes it up was
        interrupted: the server that recorded it stopped or died. The gap runs from the end of
        the last media kept (or the last recording event) until recording starts again, and
        shows in the archive as a card."""
        detected = utcnow()
        async with self.database.session() as db:
            recordings = list(
                await db.scalars(
                    select(Recording).where(
                        Recording.hearing_id == hearing_id,
                        Recording.state.in_(UNFINISHED),
                        Recording.manifest_path.is_(None),
                    )
                )
            )
            for recording in recordings:
                latest = (
                    await db.execute(
                        select(HearingEvent.kind, HearingEvent.at)
                        .where(
                            HearingEvent.hearing_id == hearing_id,
                            HearingEvent.kind.in_(
                                (
                                    "recording_started",
                                    "recording_paused",
                                    "recording_resumed",
                                    "recording_interrupted",
                                )
                            ),
                        )
                        .order_by(HearingEvent.at.desc(), HearingEvent.id.desc())
                        .limit(1)
                    )
                ).first()
                if latest is not None and latest.kind == "recording_interrupted":
                    continue  # stopped again before anyone published: the same gap
                last_media = await db.scalar(
                    select(func.max(Segment.ended_at))
                    .join(Track, Segment.track_id == Track.id)
                    .where(Track.recording_id == recording.id)
                )
                known = [t for t in (last_media, latest and latest.at, recording.started_at) if t]
                at = max(known, default=detected)
                cause = (
                    f"the server died while recording ({segments} open segment files recovered)"
                    if segments
                    else "the server stopped while recording"
                )
                data = {
                    "recording_id": recording.id,
                    "detected_at": detected.isoformat(),
                    "segments_recovered": segments,
                    "cause": cause,
                }
                add_event(db, hearing_id, "recording_interrupted", at, data)
                log.warning("recording of hearing %s was interrupted: %s", hearing_id, cause)
            await db.commit()

    async def _store_recovered(
        self, hearing_id: int, info: SegmentInfo, *, event: bool = True
    ) -> None:
        """The row of a segment found after a stop (unless it has one), and with ``event``
        the timeline's note that it was recovered."""
        key = storage_key(self.root, info.path)
        async with self.database.session() as db:
            track_id = await db.scalar(
                select(Segment.track_id)
                .join(Track, Segment.track_id == Track.id)
                .join(Recording, Track.recording_id == Recording.id)
                .where(Recording.hearing_id == hearing_id, Segment.path.like(f"%/{info.track}-%"))
                .limit(1)
            )
            if track_id is None:
                track_id = await self._recovered_track(db, hearing_id, info)
            if await db.scalar(select(Segment.id).where(Segment.path == key)) is None:
                db.add(segment_row(track_id, info, key))
            if event:
                add_event(
                    db,
                    hearing_id,
                    "recording_recovered",
                    utcnow(),
                    {"path": key, "frames": info.frames, "sha256": info.sha256},
                )
            await db.commit()

    async def _recovered_track(self, db: AsyncSession, hearing_id: int, info: SegmentInfo) -> int:
        """The row of a track whose first segment was still open when the server died."""
        recording = await db.scalar(
            select(Recording)
            .where(Recording.hearing_id == hearing_id)
            .order_by(Recording.id.desc())
            .limit(1)
        )
        if recording is None:  # killed before its row was written
            recording = Recording(
                hearing_id=hearing_id, state="recording", started_at=utc(info.start)
            )
            db.add(recording)
            await db.flush()
        match = re.match(r"p(\d+)-", info.track)
        participant = await db.get(Participant, int(match.group(1))) if match else None
        track = Track(
            recording_id=recording.id,
            participant_id=participant.id if participant else None,
            kind=info.kind,
            codec=f"{info.kind}/{info.codec}",
            anchor_at=utc(info.anchor.wall_clock),
        )
        db.add(track)
        await db.flush()
        return track.id

    async def recover_cut_short(self, hearing_id: int) -> None:
        """After a failure, the segments the failing writers left open: what of them can be
        read is kept and listed in the seal (a segment with nothing readable is left out)."""
        for sidecar in await asyncio.to_thread(left_open, self.root, hearing_id):
            try:
                info = await asyncio.to_thread(recover, sidecar)
            except (OSError, ValueError, KeyError) as error:
                log.error("segment %s cut short could not be recovered: %s", sidecar, error)
                continue
            if info.frames:
                await self._store_recovered(hearing_id, info)
