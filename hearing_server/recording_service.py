"""A hearing's record (docs/architecture.md#state-machines, #recording-and-archive):
recorders on the tracks the live hearing says are on record, database rows for what they
write, and at close the sealed manifest and the archive.

`RecordingService` is signaling's `MediaObserver`. Recorders start, pause and resume at once,
inside `recordable` (no media is lost waiting for the database); every database write of a
hearing then goes through one queue worked in order, so rows follow events in the order they
happened and close can wait until everything is written before it seals.

Recording states: idle → recording ⇄ paused (recess) → finalizing → sealed, or failed as soon as
any track fails (judge and clerk are alerted; what was recorded is still sealed at close).
Storage keys (rows, manifest) are POSIX paths relative to ``recordings_dir``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from court.kinds import PHASE_LABELS
from court.presence import Presence
from court.roles import ROLE_LABELS
from court.states import HearingState
from hearing_server.db.database import Database
from hearing_server.db.models import (
    Case,
    Hearing,
    HearingEvent,
    Participant,
    Recording,
    Segment,
    Track,
    utcnow,
)
from hearing_server.records import files as recording_files
from hearing_server.records.archive import recording_storage
from hearing_server.records.files import hearing_of, left_open
from hearing_server.records.manifest import (
    ARCHIVE,
    archive_key,
    build_manifest,
    seal_archive,
    write_seal,
)
from hearing_server.records.reserve import release_space, reserve_space
from recording.anchor import Anchor, SenderClock
from recording.recorder import TrackRecorder
from recording.render import (
    INTERRUPTED,
    Interval,
    PhaseChange,
    PresenceChange,
    RenderCancelled,
    RenderJob,
    RenderPlan,
    RenderSettings,
    SegmentRef,
    Timeline,
    TrackPlan,
    say,
)
from recording.segment import SegmentInfo, recover
from signaling.observer import RecordableTrack
from signaling.cluster.placement import Placement, PlacementUnavailable

log = logging.getLogger(__name__)

Alert = Callable[[int, str], Awaitable[None]]
"""Tell the bench (judge and clerk) of hearing ``id`` that its recording failed: ``message``."""
Job = Callable[[], Awaitable[None]]

_PRESENCES = frozenset(Presence)
"""Event values that say where a participant is (the archive's tiles show it)."""

UNFINISHED = ("recording", "paused", "failed")
"""Recording states a restarted server carries on with (the hearing is still in session)."""
MAX_RENDER_ATTEMPTS = 3
"""Renders of one archive started (at close, then at each start-up) before it is given up."""
MANIFEST = "manifest.json"
SEAL_RETRY_SECONDS = 10
"""How often a seal that failed at close is tried again."""


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class _Tracked:
    track: RecordableTrack
    recorder: TrackRecorder
    participant_id: int
    row_id: int | None = None


class _Hearing:
    """What the service keeps of one live hearing while it records."""

    def __init__(self, hearing_id: int, directory: Path) -> None:
        self.id = hearing_id
        self.directory = directory
        self.recording_id: int | None = None
        self.tracks: dict[str, _Tracked] = {}
        self.clocks: dict[int, SenderClock] = {}
        """Each publisher's clock as its sender reports show it, shared by their tracks."""
        self.refused: set[str] = set()
        """Tracks the recorder cannot keep (their failure is reported once)."""
        self.paused = False
        self.failed = False
        self.stopping: asyncio.Task[None] | None = None
        """Set once a recorder failed: every track's recorder is being closed, for good."""
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self.worker = asyncio.ensure_future(self._work())

    def enqueue(self, job: Job) -> None:
        self.queue.put_nowait(job)

    async def _work(self) -> None:
        while True:
            job = await self.queue.get()
            try:
                await job()
            except Exception:  # one lost row must not stop the rows after it
                log.exception("recording of hearing %s: a database write failed", self.id)
            finally:
                self.queue.task_done()


class RecordingService:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        alert: Alert,
        render_settings: RenderSettings | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.root = settings.recordings_dir
        self.storage = recording_storage(settings)
        self.render_settings = render_settings or RenderSettings(
            timezone=settings.court_timezone, language=settings.court_language
        )
        self._alert = alert
        self._hearings: dict[int, _Hearing] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._renders: set[RenderJob] = set()
        self._seal_retries: set[asyncio.Task[None]] = set()

    # MediaObserver

    def recordable(
        self,
        hearing_id: int,
        state: HearingState,
        tracks: Mapping[int, Sequence[RecordableTrack]],
    ) -> None:
        hearing = self._hearings.get(hearing_id)
        if hearing is None:
            if not tracks:
                return
            hearing = self._start(hearing_id)
        if hearing.stopping is not None:
            return  # failed: what was recorded is sealed at close
        on_record = {t.id: (pid, t) for pid, own in tracks.items() for t in own}
        for track_id, (participant_id, track) in on_record.items():
            tracked = hearing.tracks.get(track_id)
            if tracked is None and track_id not in hearing.refused:
                self._add_track(hearing, participant_id, track)
            elif tracked is not None:
                tracked.recorder.resume()
        for track_id, tracked in hearing.tracks.items():
            if track_id not in on_record:
                tracked.recorder.pause()
        if state in (HearingState.IN_SESSION, HearingState.RECESS):
            paused = state is HearingState.RECESS
            if paused != hearing.paused:
                hearing.paused = paused
                at = utcnow()
                hearing.enqueue(lambda: self._set_paused(hearing, paused, at))

    async def closed(self, hearing_id: int) -> str | None:
        """Finish the recorders, seal the record and start the render in the background;
        returns the verification code to show the participants (None: nothing recorded)."""
        hearing = self._hearings.pop(hearing_id, None)
        if hearing is None:
            hearing = await self._left_unfinished(hearing_id)
            if hearing is None:
                return None
        await self._stop(hearing)
        try:
            code = await self._finish(hearing)
        except Exception:
            log.exception(
                "sealing the recording of hearing %s failed; tried again every %d s",
                hearing_id,
                SEAL_RETRY_SECONDS,
            )
            await self._write_failure(hearing, "the record could not be sealed", utcnow())
            retry = asyncio.ensure_future(self._seal_later(hearing))
            self._seal_retries.add(retry)
            retry.add_done_callback(self._seal_retries.discard)
            return None
        assert hearing.recording_id is not None  # sealed
        self._spawn(self._render(hearing.recording_id))
        return code

    async def _finish(self, hearing: _Hearing) -> str:
        """Seal the stopped recording (after a failure, with what its writers left open):
        the space set aside for it is given back first."""
        await asyncio.to_thread(release_space, hearing.directory)
        if hearing.failed:
            await self._recover_cut_short(hearing)
        return await self._seal(hearing)

    async def _seal_later(self, hearing: _Hearing) -> None:
        """A seal that failed at close (the disk full, say) is tried again until it works:
        once space returns, what was recorded is sealed and rendered."""
        while True:
            await asyncio.sleep(SEAL_RETRY_SECONDS)
            try:
                code = await self._finish(hearing)
            except Exception as error:
                log.warning(
                    "sealing the recording of hearing %s failed again: %s", hearing.id, error
                )
                continue
            log.info("sealed the recording of hearing %s (verification code %s)", hearing.id, code)
            assert hearing.recording_id is not None
            self._spawn(self._render(hearing.recording_id))
            return

    async def shutdown(self) -> None:
        """The server stops: close the open segments (the hearings stay unfinished) and stop
        renders (a render resumes from its finished chunks when run again)."""
        for hearing in list(self._hearings.values()):
            await self._stop(hearing)
        self._hearings.clear()
        for job in self._renders:
            job.cancel()
        for retry in self._seal_retries:
            retry.cancel()
        for task in list(self._tasks):
            await asyncio.gather(task, return_exceptions=True)

    async def _left_unfinished(self, hearing_id: int) -> _Hearing | None:
        """A recording this process never took up (made before a restart, and nobody has
        published since): it is sealed as it stands."""
        async with self.database.session() as db:
            recording = await db.scalar(
                select(Recording)
                .where(
                    Recording.hearing_id == hearing_id,
                    Recording.state.in_(UNFINISHED),
                    Recording.manifest_path.is_(None),
                )
                .order_by(Recording.id.desc())
                .limit(1)
            )
        if recording is None:
            return None
        hearing = _Hearing(hearing_id, self.root / f"hearing-{hearing_id}")
        hearing.recording_id = recording.id
        hearing.failed = recording.state == "failed"
        return hearing

    # Recording

    def _start(self, hearing_id: int) -> _Hearing:
        hearing = _Hearing(hearing_id, self.root / f"hearing-{hearing_id}")
        hearing.directory.mkdir(parents=True, exist_ok=True)
        self._hearings[hearing_id] = hearing
        at = utcnow()
        hearing.enqueue(lambda: asyncio.to_thread(reserve_space, hearing.directory))
        hearing.enqueue(lambda: self._open_recording(hearing, at))
        return hearing

    def _add_track(self, hearing: _Hearing, participant_id: int, track: RecordableTrack) -> None:
        name = f"p{participant_id}-{track.kind}-{re.sub(r'[^0-9A-Za-z]', '', track.id)[:8]}"
        try:
            recorder = TrackRecorder(
                hearing.directory,
                name,
                track.codec.mimeType,
                track.codec.clockRate,
                on_segment=lambda info: hearing.enqueue(lambda: self._add_segment(tracked, info)),
                on_error=lambda error: self._fail(hearing, f"{name}: {error}", stop=True),
                on_anchor=lambda anchor: hearing.enqueue(lambda: self._anchor(tracked, anchor)),
                request_keyframe=track.request_keyframe,
                sender_clock=hearing.clocks.setdefault(participant_id, SenderClock()),
            )
        except ValueError as error:  # a codec the recorder cannot keep
            hearing.refused.add(track.id)
            self._fail(hearing, f"{name}: {error}")
            return
        tracked = _Tracked(track, recorder, participant_id)
        hearing.tracks[track.id] = tracked
        track.attach(recorder)
        track.on_sender_report(recorder.sender_report)
        track.on_ended(lambda: hearing.enqueue(recorder.close))
        hearing.enqueue(lambda: self._add_track_row(hearing, tracked))

    def _fail(self, hearing: _Hearing, message: str, *, stop: bool = False) -> None:
        """Write and report a failure; with ``stop`` (a recorder failed: the disk filled up,
        say) the hearing's recording stops for good, and what it recorded is sealed at close
        as an interrupted record. The bench is alerted once for a stop: the other tracks'
        failures that follow (the same full disk) go to the timeline only."""
        at = utcnow()
        hearing.enqueue(lambda: self._write_failure(hearing, message, at))
        if stop and hearing.stopping is not None:
            return
        self._spawn(self._alert(hearing.id, f"Recording failed: {message}"))
        if stop:
            hearing.stopping = asyncio.ensure_future(self._close_recorders(hearing))

    async def _close_recorders(self, hearing: _Hearing) -> None:
        for tracked in list(hearing.tracks.values()):
            tracked.track.detach(tracked.recorder)
            await tracked.recorder.close()

    async def _stop(self, hearing: _Hearing) -> None:
        if hearing.stopping is not None:
            await asyncio.gather(hearing.stopping, return_exceptions=True)
        await self._close_recorders(hearing)
        await hearing.queue.join()  # the last segments' rows included
        hearing.worker.cancel()

    async def _recover_cut_short(self, hearing: _Hearing) -> None:
        """After a failure, the segments the failing writers left open: what of them can be
        read is kept and listed in the seal (a segment with nothing readable is left out)."""
        for sidecar in await asyncio.to_thread(left_open, self.root, hearing.id):
            try:
                info = await asyncio.to_thread(recover, sidecar)
            except (OSError, ValueError, KeyError) as error:
                log.error("segment %s cut short could not be recovered: %s", sidecar, error)
                continue
            if info.frames:
                await self._store_recovered(hearing.id, info)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("recording task failed", exc_info=task.exception())

    # Rows (run in the hearing's queue, in order)

    async def _open_recording(self, hearing: _Hearing, at: datetime) -> None:
        """A new recording, or the unfinished one of a hearing a restarted server resumes."""
        async with self.database.session() as db:
            recording = await db.scalar(
                select(Recording)
                .where(Recording.hearing_id == hearing.id, Recording.state.in_(UNFINISHED))
                .order_by(Recording.id.desc())
                .limit(1)
            )
            if recording is None:
                recording = Recording(hearing_id=hearing.id, state="recording", started_at=at)
                db.add(recording)
            hearing.failed = recording.state == "failed"
            _event(db, hearing.id, "recording_started", at)
            await db.commit()
            hearing.recording_id = recording.id

    async def _add_track_row(self, hearing: _Hearing, tracked: _Tracked) -> None:
        assert hearing.recording_id is not None
        async with self.database.session() as db:
            row = Track(
                recording_id=hearing.recording_id,
                participant_id=tracked.participant_id,
                kind=tracked.track.kind,
                codec=tracked.track.codec.mimeType,
            )
            db.add(row)
            await db.commit()
            tracked.row_id = row.id

    async def _anchor(self, tracked: _Tracked, anchor: Anchor) -> None:
        async with self.database.session() as db:
            row = await db.get(Track, tracked.row_id)
            if row is not None and row.anchor_at is None:
                row.anchor_at = _at(anchor.wall_clock)
                await db.commit()

    async def _add_segment(self, tracked: _Tracked, info: SegmentInfo) -> None:
        assert tracked.row_id is not None
        async with self.database.session() as db:
            db.add(_segment_row(tracked.row_id, info, self._key(info.path)))
            await db.commit()

    async def _set_paused(self, hearing: _Hearing, paused: bool, at: datetime) -> None:
        async with self.database.session() as db:
            recording = await db.get(Recording, hearing.recording_id)
            if recording is not None and recording.state != "failed":
                recording.state = "paused" if paused else "recording"
            _event(db, hearing.id, "recording_paused" if paused else "recording_resumed", at)
            await db.commit()

    async def _write_failure(self, hearing: _Hearing, message: str, at: datetime) -> None:
        hearing.failed = True
        async with self.database.session() as db:
            recording = await db.get(Recording, hearing.recording_id)
            if recording is not None:
                recording.state = "failed"
            _event(db, hearing.id, "recording_failed", at, {"error": message})
            await db.commit()

    def _key(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # Close: seal, then render

    async def _seal(self, hearing: _Hearing) -> str:
        ended = utcnow()
        async with self.database.session() as db:
            recording = await db.get(Recording, hearing.recording_id)
            assert recording is not None
            recording.state = "finalizing"
            recording.ended_at = ended
            await db.commit()
            case = await db.scalar(
                select(Case)
                .join(Hearing, Hearing.case_id == Case.id)
                .where(Hearing.id == hearing.id)
            )
            events = list(
                await db.scalars(
                    select(HearingEvent)
                    .where(HearingEvent.hearing_id == hearing.id)
                    .order_by(HearingEvent.at, HearingEvent.id)
                )
            )
            segments = [
                (segment, track)
                for segment, track in await db.execute(
                    select(Segment, Track)
                    .join(Track, Segment.track_id == Track.id)
                    .where(Track.recording_id == recording.id)
                    .order_by(Segment.started_at, Segment.id)
                )
            ]
            name = f"{case.number if case else '-'}/hearing-{hearing.id}"
            manifest_key = f"hearing-{hearing.id}/{MANIFEST}"
            builder = build_manifest(name, events, segments, archive_key(manifest_key), ended)
            files = [s.path for s, _ in segments]
            code = await asyncio.to_thread(
                write_seal,
                self.storage,
                self.root,
                self.settings.signing_key_path,
                builder,
                files,
                manifest_key,
                ended,
            )
            recording.state = "failed" if hearing.failed else "sealed"
            recording.manifest_path = manifest_key
            _event(db, hearing.id, "recording_sealed", utcnow(), {"verification_code": code})
            await db.commit()
        return code

    async def _render(self, recording_id: int) -> None:
        """The archive MP4; a failure is written to the timeline, the record stays sealed.
        Cancelled by a server stop, it resumes at the next start (see `recover`); one that
        failed (or died with the process) is tried again at the next start, up to
        MAX_RENDER_ATTEMPTS in all, then given up: marked failed, logged, the bench alerted."""
        async with self.database.session() as db:
            recording = await db.get(Recording, recording_id)
            assert recording is not None
            hearing_id = recording.hearing_id
            if recording.render_attempts >= MAX_RENDER_ATTEMPTS:
                await self._give_up_render(db, recording, "the last attempt did not finish")
                return
            recording.render_attempts += 1
            recording.render_state = "rendering"
            attempt = recording.render_attempts
            manifest_key = recording.manifest_path
            await db.commit()
        try:
            plan = await self._render_plan(hearing_id, recording)
            job = RenderJob(plan)
            self._renders.add(job)
            try:
                output = await job.run_async()
            finally:
                self._renders.discard(job)
            key = self._key(output)
            assert manifest_key is not None  # rendered only once sealed
            digest = await asyncio.to_thread(
                seal_archive,
                self.storage,
                self.settings.signing_key_path,
                manifest_key,
                key,
                output,
                utcnow(),
            )
        except RenderCancelled:
            log.info("render of hearing %s stopped; it resumes at the next start", hearing_id)
            async with self.database.session() as db:  # a stop is not a failed attempt
                recording = await db.get(Recording, recording_id)
                assert recording is not None
                recording.render_attempts = max(0, recording.render_attempts - 1)
                recording.render_state = "pending"
                await db.commit()
            return
        except Exception as error:
            log.exception("rendering the archive of hearing %s failed", hearing_id)
            async with self.database.session() as db:
                recording = await db.get(Recording, recording_id)
                assert recording is not None
                data = {"error": str(error), "attempt": attempt, "of": MAX_RENDER_ATTEMPTS}
                _event(db, hearing_id, "render_failed", utcnow(), data)
                if attempt >= MAX_RENDER_ATTEMPTS:
                    await self._give_up_render(db, recording, str(error))
                else:
                    recording.render_state = "pending"
                    await db.commit()
            return
        async with self.database.session() as db:
            recording = await db.get(Recording, recording_id)
            assert recording is not None
            recording.render_state = "done"
            recording.archive_path = key
            recording.archive_sha256 = digest
            _event(db, hearing_id, "archive_rendered", utcnow(), {"path": key, "sha256": digest})
            await db.commit()

    async def _give_up_render(self, db: AsyncSession, recording: Recording, error: str) -> None:
        recording.render_state = "failed"
        attempts = recording.render_attempts
        _event(
            db,
            recording.hearing_id,
            "render_abandoned",
            utcnow(),
            {"attempts": attempts, "error": error},
        )
        await db.commit()
        log.error(
            "gave up rendering the archive of hearing %s after %d attempts: %s",
            recording.hearing_id,
            attempts,
            error,
        )
        message = (
            f"The archive video could not be made after {attempts} attempts ({error}); "
            "the sealed recording files are kept."
        )
        self._spawn(self._alert(recording.hearing_id, message))

    async def _render_plan(self, hearing_id: int, recording: Recording) -> RenderPlan:
        async with self.database.session() as db:
            hearing_row = await db.get(Hearing, hearing_id)
            assert hearing_row is not None
            assert recording.started_at is not None and recording.ended_at is not None
            case = await db.get(Case, hearing_row.case_id)
            assert case is not None
            people = {
                p.id: p
                for p in await db.scalars(
                    select(Participant).where(Participant.hearing_id == hearing_id)
                )
            }
            rows = list(
                await db.execute(
                    select(Segment, Track)
                    .join(Track, Segment.track_id == Track.id)
                    .where(Track.recording_id == recording.id)
                )
            )
            events = list(
                await db.scalars(
                    select(HearingEvent)
                    .where(HearingEvent.hearing_id == hearing_id)
                    .order_by(HearingEvent.at, HearingEvent.id)
                )
            )
        segments: dict[int, list[SegmentRef]] = {}
        tracks: dict[int, Track] = {}
        for segment, track in rows:
            ref = SegmentRef.from_sidecar((self.root / segment.path).with_suffix(".json"))
            segments.setdefault(track.id, []).append(ref)
            tracks[track.id] = track
        language = self.render_settings.language
        plans = []
        for track_id, track in sorted(tracks.items()):
            person = people.get(track.participant_id) if track.participant_id else None
            plans.append(
                TrackPlan(
                    participant_id=str(track.participant_id),
                    name=person.name if person else "",
                    role=say(ROLE_LABELS[person.role], language) if person else "",
                    kind=track.kind,
                    segments=tuple(sorted(segments[track_id], key=lambda s: s.start)),
                )
            )
        return RenderPlan(
            title=hearing_row.title or case.title,
            case_number=case.number,
            tracks=tuple(plans),
            timeline=_timeline(
                recording.started_at, recording.ended_at, events, hearing_row.phase, language
            ),
            output=self.root / f"hearing-{hearing_id}" / ARCHIVE,
            settings=self.render_settings,
        )

    # Start-up and takeover

    async def recover(self, placement: Placement | None = None) -> None:
        """At start-up: take up what a stopped or killed server left of each hearing no live
        process holds (see `_recover_hearing`), and render the archives a stopped server did
        not finish.

        With ``placement`` (several processes sharing the recordings folder and database), a
        hearing another live process holds is left alone: its segments are open because that
        process is writing them. If the registry cannot tell, nothing is recovered now; each
        such hearing is taken up when a process places it again (`placed`)."""
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
            await self._recover_hearing(hearing_id)
        async with self.database.session() as db:
            unrendered = list(
                await db.scalars(
                    select(Recording.id).where(
                        Recording.manifest_path.is_not(None),
                        Recording.archive_path.is_(None),
                        or_(Recording.render_state.is_(None), Recording.render_state != "failed"),
                    )
                )
            )
        for recording_id in unrendered:
            self._spawn(self._render(recording_id))

    async def placed(self, hearing_id: int) -> None:
        """The hearing is now held here (signaling's `MediaObserver`), before its media starts:
        a process that held it before and died (or stopped) left its recording open, so
        recover that now. The recording then continues here in new segments of the same
        Recording row, and at close one manifest and one archive cover before and after.

        Called at every placement, not only when a dead holder is replaced: that also covers
        a holder that stopped and released the hearing, and costs one query when nothing was
        left over (recovery is idempotent)."""
        if hearing_id in self._hearings:
            return
        try:
            await self._recover_hearing(hearing_id)
        except Exception:  # the hearing goes on; what was left is recovered at the next start
            log.exception("taking up the recording of hearing %s failed", hearing_id)

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

    async def _recover_hearing(self, hearing_id: int) -> None:
        """Finish the segments of the hearing a killed server left open, and give them their
        rows; write on its recording, if it was going on when the server stopped, that it
        was interrupted. Only for a hearing no other live process records.

        A segment the server had closed but whose row it had not yet written (its writer
        reports a closed segment a moment before the row's commit) gets its row here too:
        without it the segment would be left out of the seal and the archive."""
        sidecars = await asyncio.to_thread(recording_files.sidecars, self.root, hearing_id)
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
        return [s for s in closed if self._key(s.with_suffix(".mkv")) not in listed]

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
                _event(db, hearing_id, "recording_interrupted", at, data)
                log.warning("recording of hearing %s was interrupted: %s", hearing_id, cause)
            await db.commit()

    async def _store_recovered(
        self, hearing_id: int, info: SegmentInfo, *, event: bool = True
    ) -> None:
        """The row of a segment found after a stop (unless it has one), and with ``event``
        the timeline's note that it was recovered."""
        key = self._key(info.path)
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
                db.add(_segment_row(track_id, info, key))
            if event:
                _event(
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
                hearing_id=hearing_id, state="recording", started_at=_at(info.start)
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
            anchor_at=_at(info.anchor.wall_clock),
        )
        db.add(track)
        await db.flush()
        return track.id


def _event(
    db: AsyncSession, hearing_id: int, kind: str, at: datetime, data: dict[str, Any] | None = None
) -> None:
    db.add(HearingEvent(hearing_id=hearing_id, at=at, kind=kind, actor="recording", data=data))


def _segment_row(track_id: int, info: SegmentInfo, key: str) -> Segment:
    return Segment(
        track_id=track_id,
        seq=info.index,
        path=key,
        sha256=info.sha256,
        size_bytes=info.size,
        started_at=_at(info.start),
        ended_at=_at(info.end),
    )


def _timeline(
    start: datetime,
    end: datetime,
    events: list[HearingEvent],
    phase: str | None,
    language: str = "zh",
) -> Timeline:
    """Session bounds from the recording, recesses from its pauses, interruptions (the server
    stopped) until recording started again, chapters from the phases (``phase``, the
    hearing's last, is its only one when it never changed), worded in ``language``, and
    each participant's presence (admitted, sent back, left...)."""

    def title(name: str) -> str:
        return say(PHASE_LABELS[name], language) if name in PHASE_LABELS else name

    recesses: list[Interval] = []
    paused_at: float | None = None
    interrupted_at: float | None = None
    phases: list[PhaseChange] = []
    presence: list[PresenceChange] = []
    for event in events:
        at = event.at.timestamp()
        data = event.data or {}
        if event.to_value in _PRESENCES:
            # one person's change, or a consultation's, which moves everyone in it
            who = data.get("participant_ids", [data.get("participant_id")])
            presence.extend(PresenceChange(at, str(p), event.to_value) for p in who if p)
        if event.kind == "recording_paused":
            paused_at = at if paused_at is None else paused_at  # a restart pauses again
        elif event.kind == "recording_resumed" and paused_at is not None:
            recesses.append(Interval(paused_at, at))
            paused_at = None
        elif event.kind == "recording_interrupted" and interrupted_at is None:
            interrupted_at = at
        elif event.kind == "recording_started" and interrupted_at is not None:
            recesses.append(Interval(interrupted_at, at, INTERRUPTED))
            interrupted_at = None
        elif event.kind == "phase" and event.to_value:
            if not phases and event.from_value:
                phases.append(PhaseChange(start.timestamp(), title(event.from_value)))
            phases.append(PhaseChange(max(at, start.timestamp()), title(event.to_value)))
    if not phases and phase is not None:
        phases.append(PhaseChange(start.timestamp(), title(phase)))
    if paused_at is not None:  # closed during a recess
        recesses.append(Interval(paused_at, end.timestamp()))
    if interrupted_at is not None:  # closed without recording again
        recesses.append(Interval(interrupted_at, end.timestamp(), INTERRUPTED))
    return Timeline(
        start.timestamp(),
        end.timestamp(),
        tuple(recesses),
        tuple(phases),
        presence=tuple(presence),
    )
