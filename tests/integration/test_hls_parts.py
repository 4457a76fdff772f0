"""Low-latency HLS as the writer makes it (recording/broadcast/hls.py, playlist.py): real H.264
and AAC cut into parts, read back. Each segment is its parts one after the other, byte for byte;
a segment's first part opens with a keyframe and says so; no part is longer than the target;
the pictures and the sound run on across parts; the playlist names the newest segments' parts
(the one being written too) and the older ones no more, whose files are gone."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
from av import VideoFrame

from recording.broadcast.hls import HlsSettings, HlsWriter
from recording.broadcast.playlist import PART_WINDOW, PLAYLIST, SEGMENT_NAME

SETTINGS = HlsSettings(width=320, height=180, fps=25, segment_seconds=1, list_size=4)
PART = re.compile(r'#EXT-X-PART:DURATION=([0-9.]+),URI="(seg-\d{5}\.\d+\.ts)"(,INDEPENDENT=YES)?')


def write(writer: HlsWriter, frames: int) -> None:
    for _ in range(frames):
        shade = (writer.frames * 7) % 256  # every picture its own
        picture = np.full((SETTINGS.height, SETTINGS.width, 3), shade, np.uint8)
        tone = np.sin(np.arange(1920) / 1920 * 2 * np.pi * 20).astype(np.float32) * 0.3
        writer.write(VideoFrame.from_ndarray(picture, format="rgb24"), tone)


def test_segments_are_their_parts_and_the_playlist_offers_the_newest_parts(
    tmp_path: Path,
) -> None:
    writer = HlsWriter(tmp_path, SETTINGS)
    write(writer, 137)  # 5 s and a half: the sixth segment is being written
    text = (tmp_path / PLAYLIST).read_text()
    assert "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600" in text
    target = float(text.split("PART-TARGET=")[1].split()[0])
    parts = PART.findall(text)
    segments = [line for line in text.splitlines() if SEGMENT_NAME.fullmatch(line)]
    assert len(segments) == SETTINGS.list_size
    offered = sorted({uri[4:9] for _, uri, _ in parts})
    assert offered == [f"{n:05d}" for n in range(6 - PART_WINDOW, 6)]  # the newest, and 5
    assert 'URI="seg-00005.0.ts",INDEPENDENT=YES' in text and "seg-00005.ts" not in text
    assert sum(bool(independent) for _, _, independent in parts) == PART_WINDOW
    assert all(float(duration) <= target + 1e-6 for duration, _, _ in parts)
    on_disk = {path.name for path in tmp_path.iterdir() if not path.name.startswith(".")}
    assert {uri for _, uri, _ in parts} <= on_disk
    assert "seg-00000.0.ts" not in on_disk and "seg-00000.ts" not in on_disk  # slid out

    writer.close()
    ended = (tmp_path / PLAYLIST).read_text()
    assert ended.rstrip().endswith("#EXT-X-ENDLIST") and "#EXT-X-PART:" not in ended
    for segment in (line for line in ended.splitlines() if SEGMENT_NAME.fullmatch(line)):
        pieces = sorted(
            tmp_path.glob(f"seg-{segment[4:9]}.*.ts"), key=lambda p: int(p.name.split(".")[1])
        )
        assert pieces, segment
        assert b"".join(p.read_bytes() for p in pieces) == (tmp_path / segment).read_bytes()
        with av.open(str(pieces[0])) as container:
            first = next(p for p in container.demux(video=0) if p.size)
            assert first.is_keyframe, pieces[0].name

    video: list[float] = []
    audio: list[tuple[float, float]] = []
    for whole in sorted(tmp_path.glob("seg-?????.ts")):
        with av.open(str(whole)) as container:
            for packet in container.demux():
                if packet.pts is None or not packet.size:
                    continue
                at = float(packet.pts * packet.time_base)
                if packet.stream.type == "video":
                    video.append(at)
                else:
                    audio.append((at, float((packet.duration or 0) * packet.time_base)))
    assert np.allclose(np.diff(sorted(video)), 1 / SETTINGS.fps, atol=1e-3)
    for (at, length), (following, _) in pairwise(sorted(audio)):
        assert abs(at + length - following) < 1e-3


def test_each_segment_is_dated_by_its_place_in_the_timeline_not_by_when_it_was_written(
    tmp_path: Path,
) -> None:
    """A loaded machine writes some pictures late and catches up: the playlist's dates still
    advance exactly as the segments' durations do (a player that lines playlists up by their
    dates would otherwise look for pictures where there are none)."""
    lateness = iter([0.0, 0.0, 0.7, 0.7, 0.1, 0.0, 1.3, 0.0] * 100)
    writers: list[HlsWriter] = []

    def clock() -> float:  # the picture being written's due time, and how late it is
        return 1_800_000_000 + writers[0].frames / SETTINGS.fps + next(lateness)

    writer = HlsWriter(tmp_path, SETTINGS, clock=clock)
    writers.append(writer)
    write(writer, 137)
    dates = [
        datetime.fromisoformat(line.split(":", 1)[1]).timestamp()
        for line in (tmp_path / PLAYLIST).read_text().splitlines()
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:")
    ]
    assert len(dates) == SETTINGS.list_size + 1  # and the segment being written
    assert np.allclose(np.diff(dates), SETTINGS.segment_seconds, atol=0.002), dates
