"""The render as a background job: progress, cancellation, and resumption after a crash.

The archive is rendered in chunks of `chunk_seconds` into a work folder beside the output
(`NAME.mp4.parts/`), several at once (one per core: decoding, scaling and encoding release
the GIL). A finished chunk is a complete file; a run that stops (cancelled, crashed, killed)
leaves the finished ones, and the next run of the same plan renders only what is missing. The
folder holds the plan's fingerprint: a changed plan starts over. The chunks are then joined
into `NAME.mp4.tmp`, renamed to the output at the very end, and the work folder is removed, so
the output path never holds a partial archive.
"""

import asyncio
import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

from .assemble import ChunkMismatchError, assemble
from .chunk import Chunk, ChunkRenderer, RenderCancelled
from .inputs import RenderInputs
from .layout import featured_layout, grid_layout
from .plan import RenderPlan, participants
from .stage import Stage
from .text import find_font
from .timeline import OutputTimeline

logger = logging.getLogger(__name__)

RENDERER_VERSION = "2"
"""Part of the fingerprint: chunks from an older renderer are not reused."""
RENDER_SHARE = 0.95
"""Share of the progress given to rendering chunks; joining them takes the rest."""


class RenderJob:
    def __init__(
        self,
        plan: RenderPlan,
        *,
        on_progress: Callable[[float], None] | None = None,
        workers: int | None = None,
        encoder_threads: int = 2,
    ) -> None:
        """`on_progress(fraction)` is called from the job's threads, a few times a second at
        most per worker; `workers` defaults to the number of cores (at most 4)."""
        plan.validate()
        self.plan = plan
        self.work_dir = plan.output.with_name(plan.output.name + ".parts")
        self._on_progress = on_progress
        self._workers = workers or min(4, os.cpu_count() or 1)
        self._encoder_threads = encoder_threads
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._frames = self._frames_done = 0
        self._chunk_count = self._chunks_joined = 0
        self.progress = 0.0

    def cancel(self) -> None:
        """Stop soon (from any thread); `run()` then raises RenderCancelled. Finished chunks
        stay, so running the job again resumes."""
        self._cancel.set()

    async def run_async(self) -> Path:
        return await asyncio.to_thread(self.run)

    def run(self) -> Path:
        """Render the archive (blocking); returns the output path."""
        settings = self.plan.settings
        timeline = OutputTimeline(self.plan.timeline, settings.recess_card_seconds, settings.fps)
        people = participants(self.plan.tracks)
        layout = grid_layout(len(people), settings.width, settings.height)
        inputs = RenderInputs(
            self.plan,
            people,
            layout,
            timeline,
            find_font(settings.font),
            featured_layout(len(people), settings.width, settings.height),
            Stage(self.plan.timeline.features),
        )
        renderer = ChunkRenderer(inputs, self._encoder_threads)
        chunks = self._chunks(timeline)
        self._frames, self._chunk_count = timeline.frames, len(chunks)
        self._frames_done = sum(c.last - c.first for c in chunks if c.path.exists())
        self._chunks_joined = 0
        self._report()
        self._render(renderer, [c for c in chunks if not c.path.exists()])
        temporary = self.plan.output.with_name(self.plan.output.name + ".tmp")
        try:
            assemble(self.plan, timeline, [c.path for c in chunks], temporary, self._joined)
        except ChunkMismatchError:
            shutil.rmtree(self.work_dir)  # encoder settings changed under us: start over
            raise
        os.replace(temporary, self.plan.output)
        shutil.rmtree(self.work_dir)
        return self.plan.output

    def _chunks(self, timeline: OutputTimeline) -> list[Chunk]:
        fingerprint = hashlib.sha256(f"{RENDERER_VERSION}{self.plan!r}".encode()).hexdigest()
        stamp = self.work_dir / "plan.sha256"
        if self.work_dir.exists() and (not stamp.exists() or stamp.read_text() != fingerprint):
            shutil.rmtree(self.work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint)
        size = round(self.plan.settings.chunk_seconds * self.plan.settings.fps)
        return [
            Chunk(
                n, first, min(first + size, timeline.frames), self.work_dir / f"chunk-{n:05d}.mkv"
            )
            for n, first in enumerate(range(0, max(timeline.frames, 1), size))
        ]

    def _render(self, renderer: ChunkRenderer, chunks: list[Chunk]) -> None:
        if not chunks:
            return
        with ThreadPoolExecutor(self._workers, thread_name_prefix="render") as pool:
            futures = [
                pool.submit(renderer.render, c, self._rendered, self._cancel) for c in chunks
            ]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                self._cancel.set()  # the others stop at their next frame
                wait(futures)
                raise failed[0].exception()  # type: ignore[misc]
        if self._cancel.is_set():
            raise RenderCancelled

    def _rendered(self, frames: int) -> None:
        with self._lock:
            self._frames_done += frames
            self._report()

    def _joined(self) -> None:
        with self._lock:
            self._chunks_joined += 1
            self._report()

    def _report(self) -> None:
        rendered = self._frames_done / max(self._frames, 1)
        joined = self._chunks_joined / max(self._chunk_count, 1)
        self.progress = RENDER_SHARE * rendered + (1 - RENDER_SHARE) * joined
        if self._on_progress is not None:
            self._on_progress(self.progress)
