"""Drawing an accepted exhibit file's pages in the background (docs/architecture.md#exhibits),
so that a page turned in court is a stored picture to read rather than one to draw while
everyone waits: a drawn page costs about a tenth of a second of a core, and the first showing
of every page would pay it on the courtroom's clock.

One file at a time per process (the drawing runs in one child process per file, under the
budget a page request has), after the file is committed; a file the budget refuses is left
to be drawn, or refused, page by page when asked.
"""

from __future__ import annotations

import asyncio
import logging

from evidence import Limits, Refused
from hearing_server.exhibit_pictures import PREPARED_WIDTHS, pictured, prepare_pages
from recording.storage import Storage
from signaling.background import BackgroundTasks

log = logging.getLogger(__name__)


class PagePreparation:
    def __init__(self, storage: Storage, limits: Limits, enabled: bool = True) -> None:
        """``enabled``: False leaves every page to be drawn when first asked for."""
        self.storage = storage
        self.limits = limits
        self.enabled = enabled
        self.tasks = BackgroundTasks(log, "drawing an exhibit's pages")
        self._one_at_a_time = asyncio.Lock()

    def prepare(self, sha256: str, media_type: str) -> None:
        """Draw the file's pages in the background (nothing for audio and video)."""
        if self.enabled and pictured(media_type):
            self.tasks.spawn(self._draw(sha256, media_type))

    async def _draw(self, sha256: str, media_type: str) -> None:
        async with self._one_at_a_time:
            try:
                drawn = await asyncio.to_thread(
                    prepare_pages, self.storage, sha256, media_type, PREPARED_WIDTHS, self.limits
                )
            except Refused as refused:
                log.info("pages of exhibit file %s… not drawn ahead: %s", sha256[:12], refused.code)
                return
            log.info("pages of exhibit file %s… drawn ahead: %d pictures", sha256[:12], drawn)

    async def wait(self) -> None:
        """Until the drawing started so far has ended (tests and benches)."""
        await self.tasks.wait()

    async def close(self) -> None:
        await self.tasks.close()
