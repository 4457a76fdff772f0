"""Work started in the background that nobody awaits: kept until it ends, its failure logged.

asyncio keeps only a weak reference to a task, so a task nobody holds may be collected before
it ends; and an exception of a task nobody awaits is reported late, if ever ("Task exception
was never retrieved"). :class:`BackgroundTasks` holds each task it starts until the task ends,
logs a failure once, with its traceback, and cancels whatever still runs when its owner stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any


class BackgroundTasks:
    def __init__(self, log: logging.Logger, name: str) -> None:
        """``name`` says whose task failed: the log line is ``"<name> failed"``."""
        self.log = log
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Awaitable[object]) -> None:
        """Run ``work`` in the background; its task is held until it ends."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.log.error("%s failed", self.name, exc_info=task.exception())

    async def wait(self) -> None:
        """Wait until every task running now has ended, without cancelling any."""
        await asyncio.gather(*self._others(), return_exceptions=True)

    async def close(self) -> None:
        """Cancel every task running now and wait until they have ended.

        Tasks may still be spawned afterwards (and closed again): a closing hearing, say,
        hangs up on everyone a moment after it has stopped its media.
        """
        tasks = self._others()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _others(self) -> list[asyncio.Task[Any]]:
        """The tasks held, but the one asking: a task whose work ends its owner (a hearing's
        hang-up, whose last disconnection shuts the hearing down) goes on to its own end."""
        current = asyncio.current_task()
        return [task for task in self._tasks if task is not current]
