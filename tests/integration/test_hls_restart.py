"""A broadcast begun again in its folder (its process restarted with the server): the segments
go on numbering after the earlier ones and the playlist marks the break, so no segment name,
cached as immutable by CDNs and browsers, ever names other pictures."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from av import VideoFrame

from recording.broadcast.hls import HlsSettings, HlsWriter, next_segment
from recording.broadcast.playlist import PLAYLIST

SETTINGS = HlsSettings(width=320, height=180, fps=25, segment_seconds=1, list_size=4)
SECONDS = 3


def broadcast(folder: Path, grey: int) -> HlsWriter:
    """SECONDS of a flat picture of `grey`, and its sound (silence)."""
    writer = HlsWriter(folder, SETTINGS)
    picture = np.full((SETTINGS.height, SETTINGS.width, 3), grey, np.uint8)
    sound = np.zeros(48_000 // SETTINGS.fps, np.float32)
    for _ in range(SECONDS * SETTINGS.fps):
        writer.write(VideoFrame.from_ndarray(picture, format="rgb24"), sound)
    writer.close()
    return writer


def listed(folder: Path) -> tuple[int, list[str], str]:
    """The playlist's media sequence, its segment names, and its text."""
    text = (folder / PLAYLIST).read_text()
    sequence = int(text.split("#EXT-X-MEDIA-SEQUENCE:")[1].split()[0])
    return sequence, [line for line in text.splitlines() if line.startswith("seg-")], text


def grey_of(segment: Path) -> int:
    with av.open(str(segment)) as container:
        frame = next(container.decode(video=0))
        return int(np.median(frame.to_ndarray(format="gray")))


def test_a_restarted_broadcast_numbers_its_segments_on_and_marks_the_break(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "hearing-1"
    assert next_segment(folder) == 0
    first = broadcast(folder, 40)
    assert first.first_segment == 0
    _, earlier, text = listed(folder)
    assert earlier and "#EXT-X-DISCONTINUITY" not in text
    last = max(int(name[4:9]) for name in earlier)

    second = broadcast(folder, 200)
    assert second.first_segment == last + 1
    sequence, later, text = listed(folder)
    assert not set(later) & set(earlier)  # no name used twice
    assert sequence == last + 1 and int(later[0][4:9]) == last + 1
    assert text.index("#EXT-X-DISCONTINUITY") < text.index(later[0])
    assert text.rstrip().endswith("#EXT-X-ENDLIST")
    assert all(grey_of(folder / name) > 150 for name in later)  # the second broadcast's own

    # what the deleting muxer left is enough: the playlist alone, or the files alone
    (folder / PLAYLIST).unlink()
    assert next_segment(folder) == max(int(name[4:9]) for name in later) + 1
