"""Free pages inside the C heap go back to the system (hearing_server/memory.py)."""

import asyncio
import contextlib
import os

from hearing_server.memory import malloc_trim, release_free_memory


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fragment_heap() -> list[bytes]:
    """What forwarding does to the heap: packet-sized objects (malloc's, not Python's own
    allocator), one in ten kept, the rest freed between them."""
    packets = [bytes([n % 251]) * 1200 for n in range(40_000)]  # ~47 MB
    kept = packets[::10]
    del packets
    return kept


async def test_free_heap_pages_are_returned_while_the_server_runs() -> None:
    assert malloc_trim() is not None  # glibc, as on every machine the server runs on
    kept = fragment_heap()
    before = resident_mb()
    task = asyncio.create_task(release_free_memory(interval=0.01))
    try:
        await asyncio.sleep(0.2)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    after = resident_mb()
    assert before - after > 15, (before, after)  # ~40 MB freed inside the heap
    assert all(len(packet) == 1200 for packet in kept)  # what is in use stays
