"""What an archive tile without a picture says: present without a camera, in the waiting room,
connecting, not connected; and that the frame shows those words, in the court's language."""

from pathlib import Path

import numpy as np

from recording.anchor import Anchor
from recording.render import text
from recording.render.compose import Compositor
from recording.render.inputs import RenderInputs
from recording.render.layout import featured_layout, grid_layout
from recording.render.plan import (
    Participant,
    PresenceChange,
    RenderPlan,
    RenderSettings,
    SegmentRef,
    Timeline,
    say,
)
from recording.render.presence import Absence, Whereabouts
from recording.render.stage import Stage
from recording.render.timeline import OutputTimeline

S = 1_000_000.0


def segment(start: float, end: float) -> SegmentRef:
    """Only the span matters here: nothing is decoded."""
    return SegmentRef(Path("unused.mkv"), S + start, S + end, Anchor(S + start, 0, 90000))


def person(
    video: tuple[SegmentRef, ...] = (), audio: tuple[SegmentRef, ...] = (), pid: str = "7"
) -> Participant:
    return Participant(pid, "张三", "当事人", video, audio)


def change(at: float, presence: str, pid: str = "7") -> PresenceChange:
    return PresenceChange(S + at, pid, presence)


def test_a_party_with_the_microphone_only_is_present_without_camera() -> None:
    microphone_only = person(audio=(segment(0, 100),))
    logged = Whereabouts(microphone_only, (change(-5, "waiting"), change(-1, "in_hearing")))
    unlogged = Whereabouts(microphone_only, ())
    for at in (0.5, 10, 50, 99):
        assert logged.absence(S + at) is Absence.CAMERA_OFF
        assert unlogged.absence(S + at) is Absence.CAMERA_OFF


def test_a_party_sent_back_is_in_the_waiting_room_then_away_once_gone() -> None:
    party = person(video=(segment(0, 30), segment(60, 100)), audio=(segment(0, 100),))
    changes = (
        change(-1, "in_hearing"),
        change(30, "waiting"),
        change(60, "in_hearing"),
        change(100, "left"),
    )
    where = Whereabouts(party, changes)
    assert where.absence(S + 45) is Absence.WAITING
    assert where.absence(S + 120) is Absence.NOT_CONNECTED


def test_the_first_second_before_a_camera_shows_is_connecting() -> None:
    camera = person(video=(segment(0.8, 100),), audio=(segment(0.2, 100),))
    for changes in ((change(-1, "in_hearing"),), ()):
        where = Whereabouts(camera, changes)
        assert where.absence(S + 0.0) is Absence.CONNECTING
        assert where.absence(S + 0.5) is Absence.CONNECTING


def test_nobody_logged_and_nothing_recorded_is_not_connected() -> None:
    later = person(video=(segment(50, 100),))
    assert Whereabouts(later, ()).absence(S + 10) is Absence.NOT_CONNECTED
    other = (change(0, "in_hearing", pid="8"),)
    assert Whereabouts(later, other).absence(S + 10) is Absence.NOT_CONNECTED
    reconnecting = (change(0, "in_hearing"), change(20, "reconnecting"))
    assert Whereabouts(later, reconnecting).absence(S + 25) is Absence.RECONNECTING


def test_the_tile_shows_why_in_the_court_language() -> None:
    microphone_only = person(audio=(segment(0, 100),))
    for language, words in (("zh", "在线 · 未开摄像头"), ("en", "Present, camera off")):
        assert say(Absence.CAMERA_OFF.value, language) == words
        settings = RenderSettings(language=language)
        plan = RenderPlan(
            "张三诉李四", "(2026)浙0402民初1号", (), Timeline(S, S + 100), Path("a.mp4"), settings
        )
        layout = grid_layout(1, settings.width, settings.height)
        font = text.find_font()
        timeline = OutputTimeline(plan.timeline, 0, settings.fps)
        compositor = Compositor(
            RenderInputs(
                plan,
                [microphone_only],
                layout,
                timeline,
                font,
                featured_layout(1, settings.width, settings.height),
                Stage(()),
            )
        )
        frame = compositor.compose(10.0, timeline.piece(10.0), [None], None)
        video = layout.tiles[0].video
        drawn = frame.to_ndarray(format="yuv420p")[
            video.y : video.y + video.height, video.x : video.x + video.width
        ]
        expected = text.placeholder(font, "张三", words, video.width, video.height).y
        away = text.placeholder(font, "张三", "不在线", video.width, video.height).y
        assert np.array_equal(drawn, expected)
        assert not np.array_equal(drawn, away)


def test_a_consultation_is_an_absence_with_its_times() -> None:
    """Both people in a private consultation are away from the record for its time, and
    their tiles say so with when it began and ended (the court's clock)."""
    detainee, counsel = person(pid="7"), person(pid="8")
    changes = (
        change(-1, "in_hearing"),
        change(-1, "in_hearing", pid="8"),
        change(30, "in_consultation"),
        change(30, "in_consultation", pid="8"),
        change(45, "in_hearing"),
        change(45, "in_hearing", pid="8"),
    )
    for who in (detainee, counsel):
        where = Whereabouts(who, changes)
        assert where.absence(S + 40) is Absence.CONSULTING
        assert where.period(S + 40) == (S + 30, S + 45)
        assert where.absence(S + 50) is Absence.CAMERA_OFF
    settings = RenderSettings(language="zh+en", timezone="Asia/Shanghai")
    plan = RenderPlan(
        "案件",
        "(2026)A刑初9号",
        (),
        Timeline(S, S + 100, presence=changes),
        Path("a.mp4"),
        settings,
    )
    layout = grid_layout(2, settings.width, settings.height)
    font = text.find_font()
    timeline = OutputTimeline(plan.timeline, 0, settings.fps)
    compositor = Compositor(
        RenderInputs(
            plan,
            [detainee, counsel],
            layout,
            timeline,
            font,
            featured_layout(2, settings.width, settings.height),
            Stage(()),
        )
    )
    frame = compositor.compose(40.0, timeline.piece(40.0), [None, None], None)
    video = layout.tiles[0].video
    drawn = frame.to_ndarray(format="yuv420p")[
        video.y : video.y + video.height, video.x : video.x + video.width
    ]
    # S is 1970-01-12 13:46:40 UTC: 21:47:10 to 21:47:25 in Shanghai
    words = f"{say(Absence.CONSULTING.value, 'zh+en')} 21:47:10–21:47:25"
    expected = text.placeholder(font, "张三", words, video.width, video.height).y
    assert np.array_equal(drawn, expected)
