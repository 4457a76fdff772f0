"""The archive render, end to end: three participants recorded through the real recorders
(one joins late, one leaves early), a recess and two phase changes, rendered to MP4 and read
back: duration, each tile's frame counters against the clock, lip sync from a flash and a
beep that start together, chapters, labels, placeholders, and resuming a cancelled job."""

import asyncio
import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from recording.render import (
    Interval,
    PhaseChange,
    RenderCancelled,
    RenderJob,
    RenderPlan,
    RenderSettings,
    Timeline,
)
from recording.render.layout import Rect, fit, grid_layout
from tests.integration.media_sources import BITS, BLOCK, HEIGHT, WIDTH
from tests.integration.recorded_hearing import (
    FPS,
    Person,
    beep_starts,
    flashing_part,
    record_hearing,
)

START = 1_767_000_000.0
SESSION = 9.0
RECESS = Interval(START + 3.5, START + 5.5)
CARD = 1.0
FLASH = 6.5
PEOPLE = [
    Person("judge", "王法官", "审判长 Presiding judge", joins=0.0, leaves=SESSION, flash_at=FLASH),
    Person("plaintiff", "张三", "原告 Plaintiff", joins=1.0, leaves=SESSION, tone_level=0.05),
    Person("defendant", "李四", "被告 Defendant", joins=0.0, leaves=7.0),
]
PHASES = (
    PhaseChange(START, "身份核对 Identity check"),
    PhaseChange(START + 2.0, "法庭调查 Investigation"),
    PhaseChange(START + 6.0, "法庭辩论 Debate"),
)
OUT_FPS = 25

Luma = npt.NDArray[np.uint8]


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> RenderPlan:
    directory = tmp_path_factory.mktemp("hearing")
    tracks = asyncio.run(record_hearing(directory, START, PEOPLE, SESSION, RECESS))
    return RenderPlan(
        title="张三诉李四合同纠纷",
        case_number="(2026)京0105民初1234号",
        tracks=tuple(tracks),
        timeline=Timeline(START, START + SESSION, (RECESS,), PHASES),
        output=directory / "archive.mp4",
        settings=RenderSettings(
            recess_card_seconds=CARD, chunk_seconds=3.0, timezone="Asia/Shanghai"
        ),
    )


@pytest.fixture(scope="module")
def archive(plan: RenderPlan) -> Path:
    return RenderJob(plan).run()


def wall_of(t: float) -> float | None:
    """Session seconds shown at archive time `t` (None on the recess card)."""
    before = RECESS.start - START
    if t < before:
        return t
    if t < before + CARD:
        return None
    return t - CARD + (RECESS.end - RECESS.start)


def frames(path: Path) -> list[tuple[float, Luma]]:
    with av.open(str(path)) as container:
        return [
            (float(frame.time or 0), frame.to_ndarray(format="gray").astype(np.uint8))
            for frame in container.decode(video=0)
        ]


def picture_rect(tile: int) -> Rect:
    layout = grid_layout(len(PEOPLE), 1280, 720)
    return fit(layout.tiles[tile].video, WIDTH, HEIGHT)


def read_counter(luma: Luma, rect: Rect) -> int | None:
    """The counter drawn in a tile, or None if the tile shows no counter (a placeholder)."""
    scale = rect.width / WIDTH
    row = luma[rect.y + round(BLOCK * scale / 2)]
    levels = [row[rect.x + round((bit + 0.5) * BLOCK * scale)] for bit in range(BITS)]
    if any(40 < level < 200 for level in levels):
        return None
    return sum(1 << (BITS - 1 - bit) for bit, level in enumerate(levels) if level >= 128)


def test_duration_is_the_session_minus_the_recess_plus_its_card(archive: Path) -> None:
    with av.open(str(archive)) as container:
        expected = SESSION - (RECESS.end - RECESS.start) + CARD
        assert abs(float(container.duration or 0) / av.time_base - expected) < 0.1
        assert container.streams.video[0].codec_context.name == "h264"
        assert (container.streams.video[0].width, container.streams.video[0].height) == (1280, 720)
        assert container.streams.audio[0].codec_context.name == "aac"
    head = archive.read_bytes()[:64]
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head, "faststart"


def test_each_tile_shows_its_counters_in_time(archive: Path) -> None:
    decoded = frames(archive)
    assert abs(len(decoded) - round((SESSION - 2 + CARD) * OUT_FPS)) <= 1
    for tile, person in enumerate(PEOPLE):
        rect = picture_rect(tile)
        seen: list[int] = []
        for t, luma in decoded:
            wall = wall_of(t)
            counter = read_counter(luma, rect)
            if wall is None or not person.joins + 0.2 < wall < person.leaves - 0.1:
                if wall is not None and (wall < person.joins - 0.05 or wall > person.leaves + 0.6):
                    assert counter is None, f"{person.name} shown at {wall:.2f} s while absent"
                continue
            if RECESS.start - START - 0.1 < wall < RECESS.end - START + 0.3:
                continue  # around the recess: the last picture, or none yet after it
            assert counter is not None, f"no picture of {person.name} at {wall:.2f} s"
            expected = (wall - person.joins) * FPS
            assert abs(counter - expected) <= 3, (
                f"{person.name} at {wall:.2f}: {counter} vs {expected:.0f}"
            )
            seen.append(counter)
        assert seen == sorted(seen) and len(seen) > 80


def test_flash_and_beep_stay_in_sync(archive: Path) -> None:
    lower = flashing_part(picture_rect(0))
    flash = next(t for t, luma in frames(archive) if luma[lower].mean() > 180)
    beep = beep_starts(archive)
    expected = FLASH - (RECESS.end - RECESS.start) + CARD
    assert abs(beep - expected) < 0.05, f"beep at {beep:.3f}, expected {expected:.3f}"
    assert abs(flash - beep) < 0.08, f"flash at {flash:.3f} s, beep at {beep:.3f} s"


def test_chapters_follow_the_phases(archive: Path) -> None:
    with av.open(str(archive)) as container:
        chapters = container.chapters()
    titles = [c["metadata"]["title"] for c in chapters]
    assert titles == [p.name for p in PHASES]
    starts = [c["start"] / 1000 for c in chapters]
    assert {c["time_base"] for c in chapters} == {Fraction(1, 1000)}
    assert starts == pytest.approx([0.0, 2.0, 6.0 - 2.0 + CARD], abs=0.01)


def test_labels_and_recess_card_are_drawn(archive: Path) -> None:
    decoded = frames(archive)
    layout = grid_layout(len(PEOPLE), 1280, 720)
    _, luma = decoded[10]
    strips = []
    for tile in layout.tiles:
        label = tile.label
        strip = luma[label.y : label.y + label.height, label.x : label.x + label.width]
        assert strip.std() > 10, "text in the label strip"
        strips.append(strip.astype(int))
    assert np.abs(strips[0] - strips[1]).mean() > 3, "each tile has its own label"
    on_card = [luma for t, luma in decoded if wall_of(t) is None]
    assert len(on_card) == pytest.approx(CARD * OUT_FPS, abs=1)
    assert on_card[0][:44].std() < 3, "the card has no header"


def test_a_cancelled_render_resumes(plan: RenderPlan, tmp_path: Path) -> None:
    plan = replace(plan, output=tmp_path / "resumed.mp4")

    def cancel_at_40_percent(progress: float) -> None:
        if progress >= 0.4:
            job.cancel()

    job = RenderJob(plan, workers=1, on_progress=cancel_at_40_percent)
    with pytest.raises(RenderCancelled):
        job.run()
    assert not plan.output.exists()
    finished = sorted(job.work_dir.glob("chunk-*.mkv"))
    assert finished and not list(job.work_dir.glob("*.tmp"))
    progress: list[float] = []
    RenderJob(plan, on_progress=progress.append).run()
    assert progress[0] >= 0.3, "finished chunks are not rendered again"
    assert progress[-1] == pytest.approx(1.0)
    assert not job.work_dir.exists()
    with av.open(str(plan.output)) as container:
        assert container.streams.video[0].frames == round((SESSION - 2 + CARD) * OUT_FPS)


def test_render_runs_in_the_background(plan: RenderPlan, tmp_path: Path) -> None:
    plan = replace(plan, output=tmp_path / "background.mp4")
    seen = threading.Event()
    job = RenderJob(plan, on_progress=lambda p: seen.set())
    assert asyncio.run(job.run_async()) == plan.output
    assert seen.is_set() and plan.output.exists()
