"""Which exhibit or shared screen holds the archive's main picture (the last started wins, the
one it interrupted comes back), and the chapters: one per stretch shown, the phases' split
around them, never overlapping; a stretch inside a recess has none."""

from pathlib import Path

import pytest

from recording.render import Card, Feature, Interval, PhaseChange, Still, Timeline, View
from recording.render.layout import featured_layout
from recording.render.stage import Stage, spans
from recording.render.timeline import OutputTimeline

S = 1_000_000.0


def feature(start: float, end: float, title: str, *views: View) -> Feature:
    return Feature(S + start, S + end, title, views or (View(S + start, Card(title, "")),))


def test_the_last_started_is_shown_and_the_interrupted_one_comes_back() -> None:
    exhibit = feature(10, 50, "原告证据1 合同")
    screen = feature(20, 30, "屏幕共享 张三")
    later = feature(40, 60, "被告证据1 录音")
    found = [(s.start - S, s.end - S, s.feature.title) for s in spans([exhibit, screen, later])]
    assert found == [
        (10, 20, "原告证据1 合同"),
        (20, 30, "屏幕共享 张三"),
        (30, 40, "原告证据1 合同"),
        (40, 60, "被告证据1 录音"),
    ]


def test_of_two_started_together_the_later_logged_wins() -> None:
    first, second = feature(10, 20, "a"), feature(10, 20, "b")
    assert [s.feature.title for s in spans([first, second])] == ["b"]


def test_the_view_follows_the_page_turns() -> None:
    one, two = Still(Path("page-1.webp")), Still(Path("page-2.webp"))
    exhibit = feature(10, 30, "原告证据1 合同", View(S + 10, one), View(S + 20, two))
    stage = Stage([exhibit])
    assert stage.at(S + 5) is None
    shown = [stage.at(S + t) for t in (10, 19.9, 20, 29.9)]
    assert [s.view.shows if s else None for s in shown] == [one, one, two, two]
    assert stage.at(S + 30) is None


def chapters(timeline: Timeline) -> list[tuple[float, float, str]]:
    out = OutputTimeline(timeline, card_seconds=2.0, fps=25)
    return [(round(c.start, 3), round(c.end, 3), c.title) for c in out.chapters]


def test_a_phase_is_split_around_what_was_shown() -> None:
    phases = (PhaseChange(S, "法庭调查"), PhaseChange(S + 45, "法庭辩论"))
    features = (feature(10, 50, "原告证据1 合同"), feature(20, 30, "屏幕共享 张三"))
    timeline = Timeline(S, S + 100, (), phases, features=features)
    assert chapters(timeline) == [
        (0, 10, "法庭调查"),
        (10, 20, "原告证据1 合同"),
        (20, 30, "屏幕共享 张三"),
        (30, 50, "原告证据1 合同"),
        (50, 100, "法庭辩论"),
    ]
    out = OutputTimeline(timeline, card_seconds=2.0, fps=25)
    assert out.phase_at(47) == "法庭辩论", "the header says the phase, not the exhibit"


def test_recesses_cut_what_was_shown_as_they_cut_the_session() -> None:
    recess = Interval(S + 20, S + 60)
    features = (feature(10, 30, "原告证据1 合同"), feature(40, 50, "在休庭中"))
    timeline = Timeline(S, S + 100, (recess,), (PhaseChange(S, "法庭调查"),), features=features)
    assert chapters(timeline) == [
        (0, 10, "法庭调查"),
        (10, 22, "原告证据1 合同"),  # until the recess card ends
        (22, 62, "法庭调查"),
    ]


def test_no_features_leaves_the_phase_chapters_alone() -> None:
    timeline = Timeline(S, S + 10, (), (PhaseChange(S, "a"), PhaseChange(S + 4, "b")))
    assert chapters(timeline) == [(0, 4, "a"), (4, 10, "b")]


@pytest.mark.parametrize("count", [0, 1, 3, 9])
def test_the_featured_layout_keeps_the_tiles_beside_the_main_picture(count: int) -> None:
    layout = featured_layout(count, 1280, 720)
    assert layout.main is not None and layout.main.width > 900
    for tile in layout.tiles:
        assert tile.video.x >= layout.main.x + layout.main.width
        assert tile.label.y + tile.label.height <= 720
        assert all(v % 2 == 0 for v in (tile.video.x, tile.video.y, tile.video.width))
