"""Archive time against wall-clock: recesses cut out and replaced by a card, chapters."""

import pytest

from recording.render.plan import INTERRUPTED, RECESS, Interval, PhaseChange, Timeline
from recording.render.timeline import OutputTimeline

S = 1_000_000.0


def timeline(
    *recesses: tuple[float, float], phases: tuple[tuple[float, str], ...] = ()
) -> Timeline:
    return Timeline(
        S,
        S + 100,
        tuple(Interval(S + a, S + b) for a, b in recesses),
        tuple(PhaseChange(S + at, name) for at, name in phases),
    )


def test_a_recess_is_replaced_by_its_card() -> None:
    out = OutputTimeline(timeline((30, 50)), card_seconds=3, fps=25)
    assert out.duration == pytest.approx(83)
    assert out.frames == 83 * 25
    assert out.piece(10).wall(10) == S + 10
    assert out.piece(31).wall_start is None and out.piece(31).recess == Interval(S + 30, S + 50)
    assert out.piece(33).wall(33) == pytest.approx(S + 50)
    assert out.output_time(S + 60) == pytest.approx(43)
    assert out.output_time(S + 40) == pytest.approx(33), "inside a recess: just after its card"


def test_overlapping_and_outlying_recesses_are_merged_and_clipped() -> None:
    out = OutputTimeline(timeline((10, 20), (15, 25), (90, 200)), card_seconds=0, fps=25)
    assert out.duration == pytest.approx(100 - 15 - 10)


def test_one_chapter_per_phase() -> None:
    phases = ((0, "identity"), (20, "investigation"), (40, "debate"), (45, "final"))
    out = OutputTimeline(timeline((35, 50), phases=phases), card_seconds=2, fps=25)
    assert [(c.title, c.start, c.end) for c in out.chapters] == [
        ("identity", 0, 20),
        ("investigation", 20, 37),
        ("final", 37, out.duration),
    ], "two changes in one recess leave the last"
    assert out.phase_at(25) == "investigation" and out.phase_at(90) == "final"


def test_no_phases_no_chapters() -> None:
    out = OutputTimeline(timeline(), card_seconds=3, fps=25)
    assert out.chapters == () and out.phase_at(5) is None


def test_an_interruption_is_cut_like_a_recess_and_keeps_its_kind() -> None:
    gap = Interval(S + 60, S + 70, INTERRUPTED)
    out = OutputTimeline(
        Timeline(S, S + 100, (Interval(S + 30, S + 50), gap)), card_seconds=3, fps=25
    )
    assert out.duration == pytest.approx(100 - 20 - 10 + 6)
    assert out.piece(31).recess == Interval(S + 30, S + 50, RECESS)
    assert out.piece(44).recess == gap


def test_a_recess_that_overlaps_an_interruption_shows_as_the_interruption() -> None:
    out = OutputTimeline(
        Timeline(S, S + 100, (Interval(S + 30, S + 50), Interval(S + 45, S + 60, INTERRUPTED))),
        card_seconds=3,
        fps=25,
    )
    assert out.piece(31).recess == Interval(S + 30, S + 60, INTERRUPTED)
    assert out.duration == pytest.approx(100 - 30 + 3)
