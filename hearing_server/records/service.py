"""A hearing's record (docs/architecture.md#state-machines, #recording-and-archive):
recorders on the tracks the live hearing says are on record, database rows for what they
write, and at close the sealed manifest and the archive.

`RecordingService` is signaling's `MediaObserver`, and composes the record's parts: it runs the
recorders' life cycle itself and leaves the rows (`rows.py`), the seal (`seal.py`), the archive
render (`render.py`) and taking up what a dead process left (`recovery.py`) to them.
Recorders start, pause and resume at once, inside `recordable` (no media is lost waiting for
the database); every database write of a hearing then goes through one queue worked in order
(`live.py`), so rows follow events in the order they happened and close can wait until
everything is written before it seals.

Recording states: idle → recording ⇄ paused (recess) → finalizing → sealed, or failed as soon as
any track fails (judge and clerk are alerted; what was recorded is still sealed at close).
Storage keys (rows, manifest) are POSIX paths relative to ``recordings_dir``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence

from config import Settings
from court.states import HearingState
from hearing_server.db.database import Database
from hearing_server.db.models import utcnow
from hearing_server.exhibit_store import exhibit_limits
from hearing_server.records.archive import recording_storage
from hearing_server.records.live import LiveRecording, Tracked
from hearing_server.records.recovery import Recovery
from hearing_server.records.render import Renderer
from hearing_server.records.reserve import release_space, reserve_space
from hearing_server.records.rows import RecordingRows
from hearing_server.records.seal import Sealer
from recording.anchor import SenderClock
from recording.recorder import TrackRecorder
from recording.render import RenderSettings
from signaling.background import BackgroundTasks
from signaling.cluster.placement import Placement
from signaling.observer import RecordableTrack

log = logging.getLogger(__name__)

Alert = Callable[[int, str], Awaitable[None]]
"""Tell the bench (judge and clerk) of hearing ``id`` that its recording failed: ``message``."""

SEAL_RETRY_SECONDS = 10
"""How often a seal that failed at close is tried again."""


def track_file_name(participant_id: int, kind: str, track_id: str) -> str:
    """The name a track's segment files start with (the public broadcast finds a shared
    screen's files by it)."""
    return f"p{participant_id}-{kind}-{re.sub(r'[^0-9A-Za-z]', '', track_id)[:8]}"


class RecordingService:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        alert: Alert,
        render_settings: RenderSettings | None = None,
    ) -> None:
        self.root = settings.recordings_dir
        storage = recording_storage(settings)
        key_path = settings.signing_key_path
        self._alert = alert
        self._rows = RecordingRows(database, self.root)
        self._sealer = Sealer(database, storage, self.root, key_path)
        render_settings = render_settings or RenderSettings(
            timezone=settings.court_timezone, language=settings.court_language
        )
        self._renderer = Renderer(
            database,
            storage,
            self.root,
            key_path,
            render_settings,
            alert=lambda hearing_id, message: self._background.spawn(
                self._alert(hearing_id, message)
            ),
            limits=exhibit_limits(settings),
        )
        self._recovery = Recovery(database, self.root)
        self._hearings: dict[int, LiveRecording] = {}
        self._background = BackgroundTasks(log, "recording task")
        self._seal_retries = BackgroundTasks(log, "retrying a seal")

    # MediaObserver

    def recordable(
        self,
        hearing_id: int,
        state: HearingState,
        tracks: Mapping[int, Sequence[RecordableTrack]],
        screens: frozenset[str] = frozenset(),
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
                source = "screen" if track_id in screens else "camera"
                self._add_track(hearing, participant_id, track, source)
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
                hearing.enqueue(lambda: self._rows.set_paused(hearing, paused, at))

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
            await self._rows.write_failure(hearing, "the record could not be sealed", utcnow())
            self._seal_retries.spawn(self._seal_later(hearing))
            return None
        assert hearing.recording_id is not None  # sealed
        self._background.spawn(self._renderer.render(hearing.recording_id))
        return code

    def render_later(self, recording_id: int) -> None:
        """Render the archive of a record sealed elsewhere (a staggered hearing's, at its
        close) in the background."""
        self._background.spawn(self._renderer.render(recording_id))

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
            await self._recovery.recover_hearing(hearing_id)
        except Exception:  # the hearing goes on; what was left is recovered at the next start
            log.exception("taking up the recording of hearing %s failed", hearing_id)

    # Start-up and stop

    async def recover(self, placement: Placement | None = None) -> None:
        """At start-up: take up what a stopped or killed server left of each hearing no live
        process holds (`Recovery.take_up`, which says what ``placement`` changes), and render
        the archives a stopped server did not finish."""
        await self._recovery.take_up(placement)
        for recording_id in await self._renderer.unrendered():
            self._background.spawn(self._renderer.render(recording_id))

    async def shutdown(self) -> None:
        """The server stops: close the open segments (the hearings stay unfinished) and stop
        renders (a render resumes from its finished chunks when run again)."""
        for hearing in list(self._hearings.values()):
            await self._stop(hearing)
        self._hearings.clear()
        self._renderer.stop()
        await self._seal_retries.close()
        await self._background.wait()

    # Close: seal, then render

    async def _finish(self, hearing: LiveRecording) -> str:
        """Seal the stopped recording (after a failure, with what its writers left open):
        the space set aside for it is given back first."""
        await asyncio.to_thread(release_space, hearing.directory)
        if hearing.failed:
            await self._recovery.recover_cut_short(hearing.id)
        return await self._sealer.seal(hearing)

    async def _seal_later(self, hearing: LiveRecording) -> None:
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
            self._background.spawn(self._renderer.render(hearing.recording_id))
            return

    async def _left_unfinished(self, hearing_id: int) -> LiveRecording | None:
        """A recording this process never took up (made before a restart, and nobody has
        published since): it is sealed as it stands."""
        recording = await self._rows.left_unfinished(hearing_id)
        if recording is None:
            return None
        hearing = LiveRecording(hearing_id, self.root / f"hearing-{hearing_id}")
        hearing.recording_id = recording.id
        hearing.failed = recording.state == "failed"
        return hearing

    # Recording

    def _start(self, hearing_id: int) -> LiveRecording:
        hearing = LiveRecording(hearing_id, self.root / f"hearing-{hearing_id}")
        hearing.directory.mkdir(parents=True, exist_ok=True)
        self._hearings[hearing_id] = hearing
        at = utcnow()
        hearing.enqueue(lambda: asyncio.to_thread(reserve_space, hearing.directory))
        hearing.enqueue(lambda: self._rows.open_recording(hearing, at))
        return hearing

    def _add_track(
        self, hearing: LiveRecording, participant_id: int, track: RecordableTrack, source: str
    ) -> None:
        name = track_file_name(participant_id, track.kind, track.id)
        rows = self._rows
        try:
            recorder = TrackRecorder(
                hearing.directory,
                name,
                track.codec.mimeType,
                track.codec.clockRate,
                on_segment=lambda info: hearing.enqueue(lambda: rows.add_segment(tracked, info)),
                on_error=lambda error: self._fail(hearing, f"{name}: {error}", stop=True),
                on_anchor=lambda anchor: hearing.enqueue(lambda: rows.anchor(tracked, anchor)),
                request_keyframe=track.request_keyframe,
                sender_clock=hearing.clocks.setdefault(participant_id, SenderClock()),
            )
        except ValueError as error:  # a codec the recorder cannot keep
            hearing.refused.add(track.id)
            self._fail(hearing, f"{name}: {error}")
            return
        tracked = Tracked(track, recorder, participant_id, source)
        hearing.tracks[track.id] = tracked
        track.attach(recorder)
        track.on_sender_report(recorder.sender_report)
        track.on_ended(lambda: hearing.enqueue(recorder.close))
        hearing.enqueue(lambda: rows.add_track(hearing, tracked))

    def _fail(self, hearing: LiveRecording, message: str, *, stop: bool = False) -> None:
        """Write and report a failure; with ``stop`` (a recorder failed: the disk filled up,
        say) the hearing's recording stops for good, and what it recorded is sealed at close
        as an interrupted record. The bench is alerted once for a stop: the other tracks'
        failures that follow (the same full disk) go to the timeline only."""
        at = utcnow()
        hearing.enqueue(lambda: self._rows.write_failure(hearing, message, at))
        if stop and hearing.stopping is not None:
            return
        self._background.spawn(self._alert(hearing.id, f"Recording failed: {message}"))
        if stop:
            hearing.stopping = asyncio.ensure_future(self._close_recorders(hearing))

    async def _close_recorders(self, hearing: LiveRecording) -> None:
        for tracked in list(hearing.tracks.values()):
            tracked.track.detach(tracked.recorder)
            await tracked.recorder.close()

    async def _stop(self, hearing: LiveRecording) -> None:
        if hearing.stopping is not None:
            await asyncio.gather(hearing.stopping, return_exceptions=True)
        await self._close_recorders(hearing)
        await hearing.queue.join()  # the last segments' rows included
        hearing.worker.cancel()
