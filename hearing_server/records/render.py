"""Rendering a sealed record's archive video (`recording.render`) in the background, and the
attempts at it: the archive's hash is appended to the manifest once rendered; a render that
fails is tried again at the next start, up to `MAX_RENDER_ATTEMPTS`, then given up."""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from court.kinds import PHASE_LABELS, HearingKind
from court.presence import Presence
from court.roles import ROLE_LABELS
from evidence import Limits
from hearing_server.db.database import Database
from hearing_server.db.models import (
    Case,
    ExhibitFile,
    Hearing,
    HearingEvent,
    Participant,
    Recording,
    Segment,
    Track,
    utcnow,
)
from hearing_server.db.staggered_rows import StaggeredStart
from hearing_server.records.features import (
    ExhibitSource,
    Featured,
    FeatureInputs,
    archive_features,
)
from hearing_server.records.files import storage_key
from hearing_server.records.manifest import ARCHIVE, seal_archive
from hearing_server.records.manifest_lock import manifest_held
from hearing_server.records.presentations import presentations, shares
from hearing_server.records.rows import add_event
from hearing_server.records.statement_archive import render_archive, videos
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
from recording.storage import Storage

log = logging.getLogger(__name__)

_PRESENCES = frozenset(Presence)
"""Event values that say where a participant is (the archive's tiles show it)."""

NOTHING = "none"
"""The render_state of a record with no video to render (a staggered hearing's of text only)."""
MAX_RENDER_ATTEMPTS = 3
"""Renders of one archive started (at close, then at each start-up) before it is given up."""


class Renderer:
    """Renders archives from the segments under ``root`` into ``storage``, appending each
    archive to its manifest signed with the key at ``key_path``. ``alert`` tells the bench of a
    hearing (without waiting) that its archive was given up. Exhibits presented are drawn
    within ``limits``."""

    def __init__(
        self,
        database: Database,
        storage: Storage,
        root: Path,
        key_path: Path,
        settings: RenderSettings,
        alert: Callable[[int, str], None],
        limits: Limits,
    ) -> None:
        self.database = database
        self.storage = storage
        self.root = root
        self.key_path = key_path
        self.settings = settings
        self.limits = limits
        self._alert = alert
        self._jobs: set[RenderJob] = set()
        self._cancels: set[threading.Event] = set()
        """Of the staggered hearings' renders running."""

    async def unrendered(self) -> list[int]:
        """Sealed recordings whose archive a stopped server did not finish (and has not given
        up). A staggered hearing's without a video has nothing to render (`NOTHING`)."""
        async with self.database.session() as db:
            return list(
                await db.scalars(
                    select(Recording.id).where(
                        Recording.manifest_path.is_not(None),
                        Recording.archive_path.is_(None),
                        or_(
                            Recording.render_state.is_(None),
                            Recording.render_state.not_in(("failed", NOTHING)),
                        ),
                    )
                )
            )

    def stop(self) -> None:
        """The server stops: cancel the renders (a render resumes from its finished chunks
        when run again)."""
        for job in self._jobs:
            job.cancel()
        for cancel in self._cancels:
            cancel.set()

    async def render(self, recording_id: int) -> None:
        """The archive MP4; a failure is written to the timeline, the record stays sealed.
        Cancelled by a server stop, it resumes at the next start (see `unrendered`); one that
        failed (or died with the process) is tried again at the next start, up to
        MAX_RENDER_ATTEMPTS in all, then given up: marked failed, logged, the bench alerted."""
        async with self.database.session() as db:
            recording = await db.get(Recording, recording_id)
            assert recording is not None
            hearing_id = recording.hearing_id
            if recording.render_attempts >= MAX_RENDER_ATTEMPTS:
                await self._give_up(db, recording, "the last attempt did not finish")
                return
            recording.render_attempts += 1
            recording.render_state = "rendering"
            attempt = recording.render_attempts
            manifest_key = recording.manifest_path
            await db.commit()
        pictures = self.root / f"hearing-{hearing_id}" / f"{ARCHIVE}.exhibits"
        try:
            if await self._staggered(hearing_id):
                output = await self._statements(hearing_id)
            else:
                plan = await self._plan(hearing_id, recording, pictures)
                job = RenderJob(plan)
                self._jobs.add(job)
                try:
                    output = await job.run_async()
                finally:
                    self._jobs.discard(job)
            key = storage_key(self.root, output)
            assert manifest_key is not None  # rendered only once sealed
            async with manifest_held(self.database, recording_id):
                digest = await asyncio.to_thread(
                    seal_archive,
                    self.storage,
                    self.key_path,
                    manifest_key,
                    key,
                    output,
                    utcnow(),
                )
        except RenderCancelled:
            shutil.rmtree(pictures, ignore_errors=True)
            log.info("render of hearing %s stopped; it resumes at the next start", hearing_id)
            async with self.database.session() as db:  # a stop is not a failed attempt
                recording = await db.get(Recording, recording_id)
                assert recording is not None
                recording.render_attempts = max(0, recording.render_attempts - 1)
                recording.render_state = "pending"
                await db.commit()
            return
        except Exception as error:
            shutil.rmtree(pictures, ignore_errors=True)
            log.exception("rendering the archive of hearing %s failed", hearing_id)
            async with self.database.session() as db:
                recording = await db.get(Recording, recording_id)
                assert recording is not None
                data = {"error": str(error), "attempt": attempt, "of": MAX_RENDER_ATTEMPTS}
                add_event(db, hearing_id, "render_failed", utcnow(), data)
                if attempt >= MAX_RENDER_ATTEMPTS:
                    await self._give_up(db, recording, str(error))
                else:
                    recording.render_state = "pending"
                    await db.commit()
            return
        shutil.rmtree(pictures, ignore_errors=True)
        async with self.database.session() as db:
            recording = await db.get(Recording, recording_id)
            assert recording is not None
            recording.render_state = "done"
            recording.archive_path = key
            recording.archive_sha256 = digest
            add_event(db, hearing_id, "archive_rendered", utcnow(), {"path": key, "sha256": digest})
            await db.commit()

    async def _give_up(self, db: AsyncSession, recording: Recording, error: str) -> None:
        recording.render_state = "failed"
        attempts = recording.render_attempts
        add_event(
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
        self._alert(recording.hearing_id, message)

    async def _staggered(self, hearing_id: int) -> bool:
        """A staggered hearing's archive is of its statements; one the court turned live has
        the live archive (its live part only)."""
        async with self.database.session() as db:
            kind = await db.scalar(select(Hearing.kind).where(Hearing.id == hearing_id))
            live = await db.scalar(
                select(StaggeredStart.live_at).where(StaggeredStart.hearing_id == hearing_id)
            )
        return kind is HearingKind.ASYNC_HEARING and live is None

    async def _statements(self, hearing_id: int) -> Path:
        """A staggered hearing's archive: its statements and recorded questions in order."""
        async with self.database.session() as db:
            title, made, heading = await videos(db, hearing_id)
        output = self.root / f"hearing-{hearing_id}" / ARCHIVE
        cancel = threading.Event()
        self._cancels.add(cancel)
        try:
            await asyncio.to_thread(
                render_archive,
                title,
                made,
                heading,
                self.storage,
                self.root,
                output,
                self.settings,
                cancel,
            )
        finally:
            self._cancels.discard(cancel)
        return output

    async def _plan(self, hearing_id: int, recording: Recording, pictures: Path) -> RenderPlan:
        """What to render; the exhibits' pages drawn into `pictures`."""
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
            shown = presentations(events, recording.ended_at)
            files = {
                row.id: ExhibitSource(row.sha256, row.media_type)
                for row in await db.scalars(
                    select(ExhibitFile).where(ExhibitFile.id.in_({p.file_id for p in shown}))
                )
            }
        segments: dict[int, list[SegmentRef]] = {}
        tracks: dict[int, Track] = {}
        for segment, track in rows:
            ref = SegmentRef.from_sidecar((self.root / segment.path).with_suffix(".json"))
            segments.setdefault(track.id, []).append(ref)
            tracks[track.id] = track
        language = self.settings.language
        plans = []
        screens: dict[int, tuple[SegmentRef, ...]] = {}
        for track_id, track in sorted(tracks.items()):
            if track.source == "screen":  # the main picture while shared, not a tile
                if track.kind == "video":
                    own = screens.get(track.participant_id or -1, ())
                    screens[track.participant_id or -1] = (*own, *segments[track_id])
                continue
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
        names = {person_id: person.name for person_id, person in people.items()}
        inputs = FeatureInputs(
            self.storage,
            pictures,
            files,
            screens,
            names,
            self.limits,
            self.settings.width,
            language,
        )
        bounds = (recording.started_at, recording.ended_at)
        featured = await asyncio.to_thread(
            archive_features, inputs, shown, shares(events, recording.ended_at), bounds
        )
        return RenderPlan(
            title=hearing_row.title or case.title,
            case_number=case.number,
            tracks=tuple(plans),
            timeline=session_timeline(
                recording.started_at,
                recording.ended_at,
                events,
                hearing_row.phase,
                language,
                featured,
            ),
            output=self.root / f"hearing-{hearing_id}" / ARCHIVE,
            settings=self.settings,
        )


def session_timeline(
    start: datetime,
    end: datetime,
    events: list[HearingEvent],
    phase: str | None,
    language: str = "zh",
    featured: Featured | None = None,
) -> Timeline:
    """Session bounds from the recording, recesses from its pauses, interruptions (the server
    stopped) until recording started again, chapters from the phases (``phase``, the
    hearing's last, is its only one when it never changed), worded in ``language``, each
    participant's presence (admitted, sent back, left...), and the exhibits and screens
    shown large and heard (`featured`)."""

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
        features=featured.features if featured else (),
        clips=featured.clips if featured else (),
    )
