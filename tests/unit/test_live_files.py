"""The public broadcast's live files held in memory (hearing_server/broadcast_files.py)."""

from __future__ import annotations

import os
from pathlib import Path

from hearing_server.broadcast_files import LiveFiles


async def test_a_file_is_read_once_and_again_only_when_it_changed(tmp_path: Path) -> None:
    files = LiveFiles()
    playlist = tmp_path / "index.m3u8"
    playlist.write_bytes(b"#EXTM3U\nseg-00000.ts\n")
    first = await files.get(playlist)
    assert first is not None and first.body == b"#EXTM3U\nseg-00000.ts\n"
    assert await files.get(playlist) is first  # unchanged: from memory

    # the muxer writes the next playlist aside and renames it into place
    aside = tmp_path / "index.m3u8.tmp"
    aside.write_bytes(b"#EXTM3U\nseg-00001.ts\n")  # the same size: the inode tells
    os.replace(aside, playlist)
    second = await files.get(playlist)
    assert second is not None and second.body == b"#EXTM3U\nseg-00001.ts\n"
    assert second.etag != first.etag


async def test_only_regular_files_that_exist_are_served(tmp_path: Path) -> None:
    files = LiveFiles()
    (tmp_path / "seg-00000.ts").mkdir()
    assert await files.get(tmp_path / "seg-00000.ts") is None
    assert await files.get(tmp_path / "seg-00001.ts") is None
    segment = tmp_path / "seg-00002.ts"
    segment.write_bytes(b"x" * 188)
    assert await files.get(segment) is not None
    segment.unlink()
    assert await files.get(segment) is None  # held in memory, but gone from the folder


async def test_memory_is_bounded_least_recently_asked_for_dropped_first(tmp_path: Path) -> None:
    files = LiveFiles(limit=1000)
    paths = []
    for index in range(4):
        path = tmp_path / f"seg-{index:05d}.ts"
        path.write_bytes(bytes([index]) * 400)
        paths.append(path)
    held = [await files.get(path) for path in paths[:2]]
    assert files.held_bytes == 800
    assert await files.get(paths[0]) is held[0]  # asked for again: now the most recent
    await files.get(paths[2])  # 1200 > 1000: the least recently asked for (1) goes
    assert files.held_bytes == 800
    assert await files.get(paths[0]) is held[0]
    again = await files.get(paths[1])
    assert again is not None and again is not held[1]  # read from the folder again
    assert files.held_bytes <= 1000

    big = tmp_path / "seg-00009.ts"
    big.write_bytes(b"y" * 1500)  # larger than the whole bound: served, never held
    served = await files.get(big)
    assert served is not None and len(served.body) == 1500 and files.held_bytes <= 1000
