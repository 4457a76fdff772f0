"""The broadcast drawn from a real recording and read back from its HLS files: a hearing
recorded through the real recorders (a judge whose camera is orange, a party who flashes and
beeps at one instant and later shares a screen of its own colour, and an exhibit page of
another colour presented), broadcast through a recess and a cut by the court.

Checked by content, not by flags: the party's flash and beep are within 80 ms of each other in
the output; the judge's orange is on the pictures while the hearing is shown and on none of the
pictures of the cut or the recess; the shared screen fills most of the picture while it is
shared and is nowhere else, and so is the page while presented; the video and audio timestamps run on unbroken across the
segments and the slates; each segment opens with a keyframe; the playlist dates each segment.
"""

import asyncio
import re
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from court.broadcast import SLATE_WORDS, Schedule
from court.states import HearingState
from recording.broadcast.broadcaster import Broadcaster
from recording.broadcast.compose import BroadcastCompositor
from recording.broadcast.feed import SegmentFeed
from recording.broadcast.hls import HlsSettings, HlsWriter
from recording.broadcast.playlist import PLAYLIST
from recording.render import Feature, Interval, Still, View, text
from recording.render.layout import fit, grid_layout
from recording.render.stage import Shown, Stage
from tests.integration.featured_frames import ORANGE
from tests.integration.media_sources import HEIGHT, WIDTH
from tests.integration.recorded_hearing import BEEP_LEVEL, Person, flashing_part, record_hearing

START = 1_767_100_000.0
SESSION = 24.0
RECESS = Interval(START + 6.0, START + 9.0)
FLASH = 3.0
SHARED = (11.0, 14.0)
SCREEN_COLOUR = (190, 90)
PRESENTED = (20.0, 23.0)
PAGE_RGB, PAGE_COLOUR = (0, 160, 0), (81, 69)
"""The exhibit page's colour, and its chroma (U, V)."""
CUT, RESUMED, DELAY = START + 16.0, START + 19.0, 2.0
"""The court cuts at CUT: what was captured from CUT - DELAY on is withheld until RESUMED."""
SETTINGS = HlsSettings(width=640, height=360, fps=25, segment_seconds=2, list_size=100)
PEOPLE = [
    Person("p1", "王法官", "审判长", joins=0.0, leaves=SESSION, tone_level=0.1, colour=ORANGE),
    Person("p2", "张三", "原告", joins=0.0, leaves=SESSION, flash_at=FLASH),
    Person(
        "p2",
        "张三",
        "原告",
        joins=SHARED[0],
        leaves=SHARED[1],
        colour=SCREEN_COLOUR,
        kinds=("video",),
        track="-screen1",
    ),
]


class Direction:
    """The court's side, as the server gives it: the schedule, the people's names, the
    screen's track and the exhibit presented."""

    absent = "无画面"

    def __init__(self, schedule: Schedule, page: Path) -> None:
        self.schedule = schedule
        start, end = (START + t for t in PRESENTED)
        self.stage = Stage([Feature(start, end, "原告证据1 合同", (View(start, Still(page)),))])

    def slate_at(self, captured: float) -> tuple[str, str, str] | None:
        slate = self.schedule.slate_at(captured)
        return None if slate is None else (*SLATE_WORDS[slate], "(2026)京0105民初1234号")

    def person(self, who: str) -> tuple[str, str] | None:
        return next(((p.name, p.role) for p in PEOPLE if p.participant_id == who), None)

    def screen(self, track: str) -> bool:
        return track == "p2-video-screen1"

    def feature_at(self, captured: float) -> Shown | None:
        return self.stage.at(captured)


@pytest.fixture(scope="module")
def broadcast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("broadcast")
    recording = directory / "recording"
    recording.mkdir()
    asyncio.run(record_hearing(recording, START, PEOPLE, SESSION, RECESS))
    schedule = Schedule(delay=DELAY)
    schedule.change_state(START, HearingState.IN_SESSION)
    schedule.change_state(RECESS.start, HearingState.RECESS)
    schedule.change_state(RECESS.end, HearingState.IN_SESSION)
    schedule.cut_at(CUT)
    schedule.resume_at(RESUMED)
    output = directory / "hls"
    page = directory / "page.png"
    Image.new("RGB", (800, 1100), PAGE_RGB).save(page)
    broadcaster = Broadcaster(
        SegmentFeed(recording),
        HlsWriter(output, SETTINGS),
        BroadcastCompositor(640, 360, "北京市朝阳区人民法院", "Asia/Shanghai", text.find_font()),
        Direction(schedule, page),
        DELAY,
    )
    for frame in range(int(SESSION * SETTINGS.fps)):
        broadcaster.frame(START + frame / SETTINGS.fps)
    broadcaster.close()
    return output


def segments(output: Path) -> list[Path]:
    playlist = (output / PLAYLIST).read_text()
    return [output / line for line in playlist.splitlines() if line and not line.startswith("#")]


def decoded(output: Path) -> tuple[list[tuple[float, np.ndarray]], np.ndarray, float]:
    """The pictures (time, planes U and V, luma) and the sound of the whole broadcast, and the
    time of its first sample."""
    pictures = []
    pcm = []
    first_sample: float | None = None
    for path in segments(output):
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                assert frame.time is not None
                pictures.append((frame.time, frame.to_ndarray(format="yuv444p")))
        with av.open(str(path)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=48000)
            for audio in container.decode(audio=0):
                if first_sample is None:
                    assert audio.time is not None
                    first_sample = audio.time
                for piece in resampler.resample(audio):
                    pcm.append(piece.to_ndarray().reshape(-1))
    assert first_sample is not None
    return pictures, np.concatenate(pcm), first_sample


def coloured(planes: np.ndarray, colour: tuple[int, int] = ORANGE) -> int:
    """Pixels of this chroma (U, V)."""
    u, v = planes[1].astype(int), planes[2].astype(int)
    return int(np.count_nonzero((abs(u - colour[0]) < 16) & (abs(v - colour[1]) < 16)))


def test_timestamps_run_on_unbroken_and_every_segment_opens_with_a_keyframe(
    broadcast: Path,
) -> None:
    playlist = (broadcast / PLAYLIST).read_text()
    assert "#EXT-X-ENDLIST" in playlist
    assert len(re.findall(r"#EXT-X-PROGRAM-DATE-TIME:", playlist)) == len(segments(broadcast))
    assert len(segments(broadcast)) == SESSION / SETTINGS.segment_seconds
    video_times: list[float] = []
    audio_times: list[tuple[float, float]] = []
    for path in segments(broadcast):
        keyframes = []
        with av.open(str(path)) as container:  # packets are read while it is open
            for p in container.demux():
                if p.pts is None:
                    continue
                if p.stream.type == "video":
                    keyframes.append(p.is_keyframe)
                    video_times.append(float(p.pts * p.time_base))
                elif p.stream.type == "audio" and p.duration:
                    audio_times.append(
                        (float(p.pts * p.time_base), float(p.duration * p.time_base))
                    )
        assert keyframes[0], path
    steps = np.diff(sorted(video_times))
    assert len(video_times) == SESSION * SETTINGS.fps
    assert np.allclose(steps, 1 / SETTINGS.fps, atol=1e-3), set(np.round(steps, 4))
    audio_times.sort()
    for (at, length), (following, _) in pairwise(audio_times):
        assert abs(at + length - following) < 1e-3
    assert audio_times[-1][0] - audio_times[0][0] > SESSION - 0.2


def test_the_flash_and_the_beep_are_within_80_ms(broadcast: Path) -> None:
    pictures, pcm, first_sample = decoded(broadcast)
    layout = grid_layout(2, 640, 360)
    rows, columns = flashing_part(fit(layout.tiles[1].video, WIDTH, HEIGHT))
    start = pictures[0][0]
    flash = next(t for t, planes in pictures if planes[0][rows, columns].mean() > 200) - start
    beep = int(np.argmax(np.abs(pcm) > BEEP_LEVEL / 2)) / 48000 + first_sample - start
    assert abs(flash - FLASH) < 0.1, flash
    assert abs(flash - beep) <= 0.08, (flash, beep)


def test_the_cut_and_the_recess_show_nothing_of_the_hearing(broadcast: Path) -> None:
    pictures, pcm, first_sample = decoded(broadcast)
    start = pictures[0][0]
    withheld = (CUT - DELAY - START, RESUMED - START)
    recess = (RECESS.start - START, RECESS.end - START)
    shown, hidden = [], []
    for at, planes in pictures:
        t = at - start
        inside = any(lo + 0.05 < t < hi - 0.05 for lo, hi in (withheld, recess))
        outside = not any(lo - 0.6 < t < hi + 0.6 for lo, hi in (withheld, recess))
        if inside:
            hidden.append(coloured(planes))
        elif outside and t > 0.6:
            shown.append(coloured(planes))
    assert hidden and max(hidden) == 0
    assert shown and min(shown) > 2000
    # and the cut is silent: nothing of the hearing is heard either (the judge's tone is,
    # before it)
    lo, hi = (round((t + start - first_sample) * 48000) for t in withheld)
    assert np.abs(pcm[lo + 2400 : hi - 2400]).max() < 1e-3
    before = pcm[lo - 4 * 48000 : lo - 48000]
    assert np.sqrt(np.mean(before**2)) > 0.03


AREA = 640 * 360


def during_and_elsewhere(
    broadcast: Path, span: tuple[float, float], colour: tuple[int, int]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Pixels of `colour` (and of the judge's orange) in each picture well inside `span`
    (seconds into the broadcast), and of `colour` in each well outside it."""
    pictures, _, _ = decoded(broadcast)
    start = pictures[0][0]
    during, elsewhere = [], []
    for at, planes in pictures:
        t = at - start
        if span[0] + 0.6 < t < span[1] - 0.6:
            during.append((coloured(planes, colour), coloured(planes)))
        elif not span[0] - 0.6 < t < span[1] + 0.6:
            elsewhere.append(coloured(planes, colour))
    return during, elsewhere


def test_a_shared_screen_is_shown_large_while_it_is_shared(broadcast: Path) -> None:
    during, elsewhere = during_and_elsewhere(broadcast, SHARED, SCREEN_COLOUR)
    assert during and min(screen for screen, _ in during) > 0.3 * AREA
    assert min(judge for _, judge in during) > 500  # the judge small beside it
    assert max(elsewhere) == 0


def test_an_exhibit_presented_is_shown_large_while_it_is_presented(broadcast: Path) -> None:
    during, elsewhere = during_and_elsewhere(broadcast, PRESENTED, PAGE_COLOUR)
    assert during and min(page for page, _ in during) > 0.2 * AREA
    assert min(judge for _, judge in during) > 500
    assert max(elsewhere) == 0
