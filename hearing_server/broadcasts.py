"""The public broadcasts of the hearings this process holds (docs/architecture.md#public-broadcast).

`BroadcastService` is signaling's `MediaObserver` in front of the recording service: it hands
every call on to it, and follows the hearings the court marks public (`court.broadcast`). The
first time such a hearing is in session, a broadcast process starts (`broadcast_process`):
it reads the hearing's recording folder as it grows, a delay behind, and writes HLS files
under the broadcast folder, which the server serves on the hearing's public page. The service
tells it each state change, the people recorded (named as in the recording's files) and the
court's cuts and resumes, which the presiding judge makes through the API on any process: they
are read from the hearing's timeline every second (within the shortest delay, 2 s; one made
on this process is passed on at once). The start and the end of the broadcast go on the
timeline beside the cuts (`broadcast` events), so the sealed record says what was broadcast.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import select

from config import Settings
from court.broadcast import broadcastable
from court.kinds import HearingKind
from court.roles import ROLE_LABELS, Role
from court.states import HearingState
from hearing_server.broadcast_features import PRESENTING, BroadcastFeatures
from hearing_server.broadcast_process import BroadcastJob, run
from hearing_server.db.database import Database
from hearing_server.db.models import Case, Court, Hearing, HearingEvent, Participant, utcnow
from hearing_server.records.service import track_file_name
from recording.broadcast.hls import HlsSettings
from recording.broadcast.playlist import PLAYLIST
from recording.broadcast.publish import BucketTarget
from recording.render.plan import say
from signaling.background import BackgroundTasks
from signaling.observer import MediaObserver, RecordableTrack

log = logging.getLogger(__name__)

EVENT = "broadcast"
"""The timeline entry of a broadcast's start, cut, resume and end (its `to_value`)."""
POLL_SECONDS = 1.0


def broadcast_dir(settings: Settings) -> Path:
    return settings.broadcast.directory or settings.recordings_dir.parent / "broadcasts"


def hearing_output(settings: Settings, hearing_id: int) -> Path:
    """Where a hearing's HLS files are written and served from."""
    return broadcast_dir(settings) / f"hearing-{hearing_id}"


def bucket_target(settings: Settings, hearing_id: int) -> BucketTarget | None:
    """Where a hearing's HLS files are published too, if the court has a bucket for them."""
    options = settings.broadcast
    if options.s3_bucket is None:
        return None
    prefix = f"{options.s3_prefix}/{hearing_id}"
    return BucketTarget(options.s3_bucket, prefix, settings.s3_endpoint_url, settings.s3_region)


def playlist_address(settings: Settings, hearing_id: int) -> str:
    """Where the public's player fetches a hearing's playlist: the bucket's public address,
    or the server's own path."""
    base = settings.broadcast.public_base_url
    if settings.broadcast.s3_bucket is not None and base is not None:
        return f"{base}/{hearing_id}/{PLAYLIST}"
    return f"/public/hearings/{hearing_id}/live/{PLAYLIST}"


@dataclass
class _Broadcast:
    """One followed hearing: broadcast or not, and its process once started."""

    public: bool
    job: BroadcastJob | None = None
    process: BaseProcess | None = None
    pipe: Connection | None = None
    state: HearingState | None = None
    people: set[int] = field(default_factory=set)
    screens: set[str] = field(default_factory=set)
    """The file names of the screens shared (the process tells them from cameras)."""
    last_event: int = 0
    """The newest cut or resume passed on."""
    last_presenting: int = 0
    """The newest presenting entry drawn."""
    ended: bool = False


class BroadcastService:
    def __init__(self, recordings: MediaObserver, database: Database, settings: Settings) -> None:
        self._recordings = recordings
        self._database = database
        self._settings = settings
        self._hearings: dict[int, _Broadcast] = {}
        self._loading: dict[int, asyncio.Task[None]] = {}
        self._changes: dict[int, list[tuple[float, HearingState, set[int], set[str]]]] = {}
        """Per hearing being looked up: what happened meanwhile, to pass on in order."""
        self._background = BackgroundTasks(log, "broadcast task")
        self._features = BroadcastFeatures(database, settings, broadcast_dir(settings) / "exhibits")
        self._poller: asyncio.Task[None] | None = None
        self._context = multiprocessing.get_context("spawn")

    # MediaObserver

    async def placed(self, hearing_id: int) -> None:
        await self._recordings.placed(hearing_id)

    def recordable(
        self,
        hearing_id: int,
        state: HearingState,
        tracks: Mapping[int, Sequence[RecordableTrack]],
        screens: frozenset[str] = frozenset(),
    ) -> None:
        self._recordings.recordable(hearing_id, state, tracks, screens)
        if not self._settings.broadcast.enabled:
            return
        shared = {
            track_file_name(participant_id, track.kind, track.id)
            for participant_id, own in tracks.items()
            for track in own
            if track.id in screens
        }
        change = (time.time(), state, set(tracks), shared)
        broadcast = self._hearings.get(hearing_id)
        if broadcast is None:
            if state is not HearingState.IN_SESSION and hearing_id not in self._loading:
                return  # looked up once in session (whether public is settled by then)
            self._changes.setdefault(hearing_id, []).append(change)
            if hearing_id not in self._loading:
                self._loading[hearing_id] = asyncio.ensure_future(self._look_up(hearing_id))
            return
        self._apply(hearing_id, broadcast, *change)

    async def closed(self, hearing_id: int) -> str | None:
        code = await self._recordings.closed(hearing_id)
        broadcast = self._hearings.get(hearing_id)
        if broadcast is not None and broadcast.pipe is not None:
            self._send(broadcast, ("state", time.time(), HearingState.CLOSED.value))
            broadcast.state = HearingState.CLOSED
            self._background.spawn(self._end_when_done(hearing_id, broadcast))
        return code

    def court_said(self, hearing_id: int, event: HearingEvent) -> None:
        """A cut or resume just written on this process (`event`, flushed): passed on at once,
        not at the next read of the timeline, which is for those made on other processes. A
        cut withholds what the broadcast draws from then on, so the sooner the better."""
        broadcast = self._hearings.get(hearing_id)
        if broadcast is None or broadcast.pipe is None or broadcast.ended:
            return
        broadcast.last_event = max(broadcast.last_event, event.id)
        at = event.at.timestamp()
        self._send(broadcast, ("cut" if event.to_value == "cut" else "resume", at))

    # Start and stop

    def start(self) -> None:
        self._poller = asyncio.ensure_future(self._poll())

    async def shutdown(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
        for task in self._loading.values():
            task.cancel()
        for broadcast in self._hearings.values():
            if broadcast.pipe is not None and not broadcast.ended:
                self._send(broadcast, ("stop",))
        for broadcast in self._hearings.values():
            if broadcast.process is not None:
                await asyncio.to_thread(broadcast.process.join, 10)
                if broadcast.process.is_alive():
                    broadcast.process.kill()
        await self._background.close()

    # Following a hearing

    async def _look_up(self, hearing_id: int) -> None:
        try:
            job = await self._job(hearing_id)
        except Exception:
            log.exception("looking up hearing %s for its broadcast failed", hearing_id)
            job = None
        broadcast = _Broadcast(public=job is not None, job=job)
        self._hearings[hearing_id] = broadcast
        self._loading.pop(hearing_id, None)
        for change in self._changes.pop(hearing_id, []):
            self._apply(hearing_id, broadcast, *change)

    def _apply(
        self,
        hearing_id: int,
        broadcast: _Broadcast,
        at: float,
        state: HearingState,
        people: set[int],
        screens: set[str],
    ) -> None:
        if not broadcast.public or broadcast.ended:
            return
        if broadcast.process is None:
            if state is not HearingState.IN_SESSION:
                return
            self._start_process(hearing_id, broadcast)
        if state is not broadcast.state:
            broadcast.state = state
            self._send(broadcast, ("state", at, state.value))
        if not people <= broadcast.people:
            broadcast.people |= people
            self._background.spawn(self._name_people(hearing_id, broadcast))
        if not screens <= broadcast.screens:
            broadcast.screens |= screens
            self._send(broadcast, ("screens", sorted(broadcast.screens)))

    def _start_process(self, hearing_id: int, broadcast: _Broadcast) -> None:
        job = broadcast.job
        assert job is not None
        # a broadcast begun before a restart keeps its files: the new one numbers its segments
        # on after them (recording/broadcast/hls.py), never reusing a name a cache holds
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=run, args=(job, theirs), name=f"broadcast-{hearing_id}", daemon=True
        )
        process.start()
        theirs.close()
        broadcast.process, broadcast.pipe = process, ours
        self._background.spawn(self._write_event(hearing_id, "started"))
        log.info("broadcasting hearing %s (pid %s)", hearing_id, process.pid)

    def _send(self, broadcast: _Broadcast, message: tuple[Any, ...]) -> None:
        if broadcast.pipe is None:
            return
        try:
            broadcast.pipe.send(message)
        except (BrokenPipeError, OSError):  # the process ended (failed): nothing to tell
            broadcast.ended = True

    async def _end_when_done(self, hearing_id: int, broadcast: _Broadcast) -> None:
        """The hearing closed: the process ends by itself once the public has seen the end."""
        process = broadcast.process
        if process is not None:
            await asyncio.to_thread(process.join)
        broadcast.ended = True
        await self._write_event(hearing_id, "ended")

    async def _poll(self) -> None:
        """Pass the court's cuts and resumes on (from any process, through the timeline)."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            running = {
                hearing_id: b
                for hearing_id, b in self._hearings.items()
                if b.pipe is not None and not b.ended
            }
            if not running:
                continue
            try:
                async with self._database.session() as db:
                    events = list(
                        await db.scalars(
                            select(HearingEvent)
                            .where(
                                HearingEvent.hearing_id.in_(running),
                                HearingEvent.kind.in_((EVENT, *PRESENTING)),
                            )
                            .order_by(HearingEvent.at, HearingEvent.id)
                        )
                    )
            except Exception:
                log.exception("reading the broadcasts' timelines failed")
                continue
            presenting: dict[int, list[HearingEvent]] = {}
            for event in events:
                broadcast = running[event.hearing_id]
                if event.kind != EVENT:
                    presenting.setdefault(event.hearing_id, []).append(event)
                elif event.to_value in ("cut", "resumed") and event.id > broadcast.last_event:
                    broadcast.last_event = event.id
                    at = event.at.timestamp()
                    self._send(broadcast, ("cut" if event.to_value == "cut" else "resume", at))
            for hearing_id, shown in presenting.items():
                broadcast = running[hearing_id]
                newest = max(event.id for event in shown)
                if newest > broadcast.last_presenting:
                    broadcast.last_presenting = newest
                    self._background.spawn(self._show(hearing_id, broadcast, shown))

    async def _show(
        self, hearing_id: int, broadcast: _Broadcast, shown: list[HearingEvent]
    ) -> None:
        """Draw the exhibits presented so far and hand them to the process."""
        features = await self._features.features(hearing_id, shown)
        self._send(broadcast, ("features", features))

    async def _job(self, hearing_id: int) -> BroadcastJob | None:
        """What the hearing's broadcast is made with; None: it is not broadcast."""
        async with self._database.session() as db:
            found = (
                await db.execute(
                    select(Hearing, Case, Court)
                    .join(Case, Case.id == Hearing.case_id)
                    .join(Court, Court.id == Case.court_id)
                    .where(Hearing.id == hearing_id)
                )
            ).first()
        if found is None:
            return None
        hearing, case, court = found
        if not broadcastable(HearingKind(hearing.kind), hearing.public):
            return None
        settings = self._settings
        options = settings.broadcast
        return BroadcastJob(
            hearing_id=hearing_id,
            recording=settings.recordings_dir / f"hearing-{hearing_id}",
            output=hearing_output(settings, hearing_id),
            title=f"{court.name}  {case.number}  {case.cause or ''}".strip(),
            footer=f"{court.name}  {case.number}",
            timezone=settings.court_timezone,
            language=settings.court_language,
            delay=options.delay_seconds,
            hls=HlsSettings(
                width=options.width,
                height=options.height,
                fps=options.fps,
                segment_seconds=options.segment_seconds,
                preset=options.preset,
            ),
            bucket=bucket_target(settings, hearing_id),
        )

    async def _name_people(self, hearing_id: int, broadcast: _Broadcast) -> None:
        """Tell the process who the people recorded are (as their files are named)."""
        async with self._database.session() as db:
            participants = list(
                await db.scalars(select(Participant).where(Participant.hearing_id == hearing_id))
            )
        language = self._settings.court_language
        names = {
            f"p{p.id}": (p.name, say(ROLE_LABELS[Role(p.role)], language))
            for p in participants
            if p.role is not Role.OBSERVER
        }
        self._send(broadcast, ("people", names))

    async def _write_event(self, hearing_id: int, what: str) -> None:
        try:
            async with self._database.session() as db:
                db.add(
                    HearingEvent(
                        hearing_id=hearing_id,
                        at=utcnow(),
                        kind=EVENT,
                        actor="server",
                        to_value=what,
                    )
                )
                await db.commit()
        except Exception:
            log.exception("writing the broadcast's %s of hearing %s failed", what, hearing_id)
