"""The archive while exhibits are presented and a screen is shared, end to end: participants
recorded through the real recorders, a PDF exhibit's page drawn by `evidence`, a shared screen
recorded as its own track (a colour of its own), an audio exhibit's card. The archive is read
back: the page, then the screen, large with the speakers small beside them; the grid again
after; and the chapters name the exhibits, the phases' split around them."""

import asyncio
from pathlib import Path

import av
import numpy as np
import pytest

from evidence import Limits, page_pictures
from recording.render import (
    Card,
    Clip,
    Feature,
    Interval,
    PhaseChange,
    Play,
    RenderJob,
    RenderPlan,
    RenderSettings,
    Screen,
    Still,
    Timeline,
    View,
)
from recording.render.layout import featured_layout, fit, grid_layout
from tests.integration.featured_frames import (
    ORANGE,
    Planes,
    counter_shown,
    crop,
    page_rect,
    planes_at,
    screen_area,
    shows_page,
    shows_screen,
)
from tests.integration.media_sources import HEIGHT, WIDTH
from tests.integration.recorded_hearing import Person, beep_starts, record_hearing
from tests.pdf_files import coloured_pages

START = 1_767_100_000.0
SESSION = 9.0
NO_RECESS = Interval(START + 100, START + 101)
PEOPLE = [
    Person("judge", "王法官", "审判长", joins=0.0, leaves=SESSION),
    Person("plaintiff", "张三", "原告", joins=0.0, leaves=SESSION),
]
SCREEN = Person("screen", "", "", joins=2.9, leaves=4.2, colour=ORANGE)
"""张三's shared screen: orange (U 64, V 200)."""
EXHIBIT = Feature(START + 1.0, START + 5.0, "原告证据1 合同", ())
SHARE = (START + 3.0, START + 4.0)
AUDIO = (START + 6.0, START + 7.0)
PHASES = (PhaseChange(START, "法庭调查"), PhaseChange(START + 4.5, "法庭辩论"))


def sound_clip(folder: Path) -> Path:
    """A WAV of 3 s: silence, then from 2 s a 1 kHz tone."""
    path = folder / "recording.wav"
    t = np.arange(3 * 48000) / 48000
    tone = np.where(t >= 2.0, 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0)
    pcm = (tone * 32767).astype(np.int16).reshape(1, -1)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=48000, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = 48000
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def blue_page(folder: Path) -> Path:
    """A one-page PDF: white, a large blue block where the text would be; drawn to WebP."""
    pdf = folder / "exhibit.pdf"
    pdf.write_bytes(coloured_pages([(0, 0, 0.8)]))
    [picture] = page_pictures(pdf, folder / "pages", [1280], Limits(), page=1)
    return picture.path


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> RenderPlan:
    directory = tmp_path_factory.mktemp("features")
    tracks = asyncio.run(record_hearing(directory, START, [*PEOPLE, SCREEN], SESSION, NO_RECESS))
    [screen] = [t for t in tracks if t.participant_id == "screen" and t.kind == "video"]
    page = blue_page(directory)
    features = (
        Feature(EXHIBIT.start, EXHIBIT.end, EXHIBIT.title, (View(EXHIBIT.start, Still(page)),)),
        Feature(*SHARE, "屏幕共享 张三", (View(SHARE[0], Screen(screen.segments)),)),
        Feature(
            *AUDIO,
            "原告证据2 录音",
            (
                View(AUDIO[0], Card("原告证据2 录音", "已暂停")),
                View(AUDIO[0] + 0.5, Card("原告证据2 录音", "播放中")),
            ),
        ),
    )
    return RenderPlan(
        title="张三诉李四合同纠纷",
        case_number="(2026)京0105民初1235号",
        tracks=tuple(t for t in tracks if t.participant_id != "screen"),
        timeline=Timeline(
            START,
            START + SESSION,
            (),
            PHASES,
            features=features,
            # played from 6.5 s to 7 s, from 2 s into it: the tone at once
            clips=(Clip(sound_clip(directory), (Play(AUDIO[0] + 0.5, AUDIO[1], 2.0),)),),
        ),
        output=directory / "archive.mp4",
        settings=RenderSettings(chunk_seconds=3.0),
    )


@pytest.fixture(scope="module")
def pictures(plan: RenderPlan) -> dict[float, Planes]:
    """The archive's pictures at a few chosen seconds."""
    RenderJob(plan).run()
    return planes_at(plan.output, {1.6, 2.4, 3.6, 4.6, 6.2, 6.8, 8.0})


def test_the_page_is_the_main_picture_the_speakers_small_beside_it(
    plan: RenderPlan, pictures: dict[float, Planes]
) -> None:
    still = plan.timeline.features[0].views[0].shows
    assert isinstance(still, Still)
    rect = page_rect(still.path, 2)
    featured = featured_layout(2, 1280, 720)
    for t in (1.6, 2.4, 4.6):
        assert shows_page(pictures[t], rect), f"the page at {t} s"
        for tile in featured.tiles:
            assert counter_shown(pictures[t].y, fit(tile.video, WIDTH, HEIGHT)), t
    grid = grid_layout(2, 1280, 720)
    assert not shows_page(pictures[8.0], rect)
    for tile in grid.tiles:
        assert counter_shown(pictures[8.0].y, fit(tile.video, WIDTH, HEIGHT)), "the grid after"


def test_a_screen_shared_during_a_presentation_takes_the_picture(
    pictures: dict[float, Planes],
) -> None:
    inside = screen_area(2)
    assert shows_screen(pictures[3.6], inside)
    assert not shows_screen(pictures[2.4], inside) and not shows_screen(pictures[4.6], inside)


def test_an_audio_exhibit_is_a_card_that_says_whether_it_plays(
    pictures: dict[float, Planes],
) -> None:
    main = featured_layout(2, 1280, 720).main
    assert main is not None
    paused, playing = (crop(pictures[t].y, main) for t in (6.2, 6.8))
    assert (paused < 40).mean() > 0.8, "a dark card"
    assert paused.std() > 5, "with words"
    assert np.abs(paused.astype(int) - playing.astype(int)).mean() > 0.3, "the status changed"


def test_chapters_name_the_exhibits_and_split_the_phases(
    plan: RenderPlan, pictures: dict[float, Planes]
) -> None:
    with av.open(str(plan.output)) as container:
        chapters = [
            (c["metadata"]["title"], c["start"] / 1000, c["end"] / 1000)
            for c in container.chapters()
        ]
    assert [title for title, _, _ in chapters] == [
        "法庭调查",
        "原告证据1 合同",
        "屏幕共享 张三",
        "原告证据1 合同",
        "法庭辩论",
        "原告证据2 录音",
        "法庭辩论",
    ]
    starts = [start for _, start, _ in chapters]
    assert starts == pytest.approx([0, 1, 3, 4, 5, 6, 7], abs=0.01)
    ends = [end for _, _, end in chapters]
    assert ends[:-1] == pytest.approx(starts[1:], abs=0.01), "one after the other"
    assert ends[-1] == pytest.approx(SESSION, abs=0.05)


def test_an_exhibit_played_is_heard_from_where_it_played(
    plan: RenderPlan, pictures: dict[float, Planes]
) -> None:
    assert beep_starts(plan.output) == pytest.approx(6.5, abs=0.03)
    with av.open(str(plan.output)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=48000)
        pcm = np.concatenate(
            [
                f.to_ndarray().reshape(-1)
                for frame in container.decode(audio=0)
                for f in resampler.resample(frame)
            ]
        )
    loud = np.flatnonzero(np.abs(pcm) > 0.25) / 48000
    assert loud[-1] == pytest.approx(7.0, abs=0.03), "until it was paused"
