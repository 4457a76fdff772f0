"""Background tasks: held until they end, a failure logged once with its traceback, what still
runs cancelled on close."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref

import pytest

from signaling.background import BackgroundTasks

log = logging.getLogger("tests.background")


async def test_a_failing_task_is_logged_once_with_its_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks = BackgroundTasks(log, "hearing 7 task")
    error = RuntimeError("the store went away")

    async def fail() -> None:
        raise error

    with caplog.at_level(logging.ERROR, logger="tests.background"):
        tasks.spawn(fail())
        await tasks.wait()
        await tasks.close()
    assert [r.getMessage() for r in caplog.records] == ["hearing 7 task failed"]
    assert caplog.records[0].exc_info is not None and caplog.records[0].exc_info[1] is error


async def test_close_cancels_what_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks(log, "test task")
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with caplog.at_level(logging.ERROR, logger="tests.background"):
        tasks.spawn(forever())
        await started.wait()
        await tasks.close()
    assert cancelled.is_set()
    assert caplog.records == []  # cancelled is not failed


async def test_a_task_spawned_after_close_runs() -> None:
    tasks = BackgroundTasks(log, "test task")
    await tasks.close()
    done = asyncio.Event()

    async def work() -> None:
        done.set()

    tasks.spawn(work())
    await asyncio.wait_for(done.wait(), 1)


async def test_wait_lets_tasks_finish() -> None:
    tasks = BackgroundTasks(log, "test task")
    finished: list[int] = []

    async def work(n: int) -> None:
        await asyncio.sleep(0.01 * n)
        finished.append(n)

    for n in (2, 1):
        tasks.spawn(work(n))
    await tasks.wait()
    assert sorted(finished) == [1, 2]


async def test_a_finished_task_is_not_kept() -> None:
    tasks = BackgroundTasks(log, "test task")
    held: list[weakref.ref[asyncio.Task[None]]] = []

    async def work() -> None:
        task = asyncio.current_task()
        assert task is not None
        held.append(weakref.ref(task))

    tasks.spawn(work())
    await tasks.wait()
    await asyncio.sleep(0)
    gc.collect()
    assert held[0]() is None


async def test_a_task_that_closes_its_owner_goes_on_to_its_end() -> None:
    """A hearing's hang-up disconnects the last person, which shuts the hearing down."""
    tasks = BackgroundTasks(log, "test task")
    steps: list[str] = []

    async def hang_up() -> None:
        await tasks.close()
        steps.append("closed")
        await asyncio.sleep(0)
        await tasks.wait()
        steps.append("done")

    tasks.spawn(hang_up())
    for _ in range(10):
        await asyncio.sleep(0)
    assert steps == ["closed", "done"]
