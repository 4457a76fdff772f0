"""Lip sync from RTCP sender reports: a participant's microphone starts 1.3 s after their
camera and its first packets arrive 350 ms late in a burst. Anchored on first arrival the
sound would lag the picture by that delay for good; from the publisher's sender reports the
flash and the beep that start together stay within 80 ms in the archive."""

import asyncio
from pathlib import Path

import av
import pytest

from recording.render import Interval, RenderJob, RenderPlan, RenderSettings, Timeline
from recording.render.layout import fit, grid_layout
from tests.integration.media_sources import HEIGHT, WIDTH
from tests.integration.recorded_hearing import Person, beep_starts, flashing_part, record_hearing

START = 1_767_100_000.0
SESSION = 6.0
FLASH = 4.0
HOLD = 0.35
PERSON = Person(
    "judge",
    "王法官",
    "审判长 Presiding judge",
    joins=0.0,
    leaves=SESSION,
    flash_at=FLASH,
    audio_starts=1.3,
    audio_hold=HOLD,
)
NO_RECESS = Interval(START + 100, START + 101)


def _render(directory: Path, sender_reports: bool) -> Path:
    tracks = asyncio.run(
        record_hearing(directory, START, [PERSON], SESSION, NO_RECESS, sender_reports)
    )
    plan = RenderPlan(
        title="案件",
        case_number="(2026)京0105民初1号",
        tracks=tuple(tracks),
        timeline=Timeline(START, START + SESSION),
        output=directory / "archive.mp4",
        settings=RenderSettings(chunk_seconds=3.0),
    )
    return RenderJob(plan).run()


def _flash_and_beep(archive: Path) -> tuple[float, float]:
    """Archive seconds at which the picture flashes and the beep starts."""
    tile = grid_layout(1, 1280, 720).tiles[0]
    rect = fit(tile.video, WIDTH, HEIGHT)
    lower = flashing_part(rect)
    with av.open(str(archive)) as container:
        flash = next(
            float(frame.time or 0)
            for frame in container.decode(video=0)
            if frame.to_ndarray(format="gray")[lower].mean() > 180
        )
    return flash, beep_starts(archive)


def test_sender_reports_keep_audio_and_video_together(tmp_path: Path) -> None:
    flash, beep = _flash_and_beep(_render(tmp_path, sender_reports=True))
    assert abs(flash - FLASH) < 0.08, flash
    assert abs(flash - beep) < 0.08, f"flash at {flash:.3f} s, beep at {beep:.3f} s"
    anchors = {p.read_text().count('"source": "rtcp"') for p in tmp_path.glob("*.json")}
    assert anchors == {1}, "every segment is anchored from the reports"


def test_without_reports_the_first_arrival_is_the_anchor(tmp_path: Path) -> None:
    """The fallback: the same hearing without reports is off by the late first packets."""
    flash, beep = _flash_and_beep(_render(tmp_path, sender_reports=False))
    assert beep - flash == pytest.approx(HOLD, abs=0.05)
