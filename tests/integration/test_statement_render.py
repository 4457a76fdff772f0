"""The archive of a staggered hearing's video statements, end to end: statements written as
browsers' MediaRecorder writes them (WebM VP8 + Opus from Chrome and Firefox, one at another
size, a variable frame rate and timestamps that start late; MP4 H.264 + AAC from Safari, an
upright phone's picture stored sideways with a rotation), and one damaged file, rendered to one
MP4 and read back: streams, length, chapters, which statement each chapter shows, the sound
under each, picture and sound in step, the upright picture, and the damaged one as a card."""

import itertools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from recording.render.chunk import RenderCancelled
from recording.render.layout import header_bar
from recording.render.plan import AUDIO_RATE, RenderSettings
from recording.render.statements import (
    TITLE_SECONDS,
    UNREADABLE_SECONDS,
    StatementClip,
    render_statements,
)
from recording.render.timeline import Chapter

RGB = tuple[int, int, int]
Image = npt.NDArray[np.uint8]

SETTINGS = RenderSettings(width=640, height=360, fps=25)
RED: RGB = (220, 40, 40)
GREEN: RGB = (40, 200, 60)
MAGENTA: RGB = (200, 40, 200)
BLUE: RGB = (40, 60, 220)
WHITE: RGB = (235, 235, 235)
CHANGE = 0.52
"""When the second statement turns from green to magenta (a picture's time, see `uneven`) and
its tone starts."""
CARD = round(TITLE_SECONDS * SETTINGS.fps) / SETTINGS.fps
"""The title card, in whole frames."""


@dataclass(frozen=True)
class Recorded:
    """How a statement file was written: what the archive should show of it."""

    name: str
    seconds: float
    tone: float
    colour: RGB


def write_statement(
    path: Path,
    *,
    size: tuple[int, int],
    times: list[float],
    seconds: float,
    picture: Iterator[Image] | None = None,
    colour: RGB = RED,
    tone: float = 440.0,
    start: float = 0.0,
    tone_from: float = 0.0,
    rotation: int | None = None,
) -> None:
    """A statement file: pictures at `times` (seconds from `start`; a variable rate if they
    are uneven), a sine tone of `tone` Hz from `tone_from`; WebM (VP8 + Opus) or, for an .mp4
    name, MP4 (H.264 + AAC) with the display `rotation` (counterclockwise)."""
    mp4 = path.suffix == ".mp4"
    width, height = size
    with av.open(str(path), "w", format="mp4" if mp4 else "webm") as out:
        video = out.add_stream("libx264" if mp4 else "libvpx", rate=30)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.time_base = Fraction(1, 1000)
        video.time_base = Fraction(1, 1000)
        if rotation is not None:
            video.set_display_rotation(rotation)
        audio = out.add_stream("aac" if mp4 else "libopus", rate=AUDIO_RATE, layout="mono")
        solid = np.full((height, width, 3), colour, np.uint8)
        for at in times:
            image = next(picture) if picture is not None else solid
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = round((start + at) * 1000), Fraction(1, 1000)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        count = round(seconds * AUDIO_RATE)
        t = np.arange(count) / AUDIO_RATE
        wave = np.where(t >= tone_from, 0.3 * np.sin(2 * np.pi * tone * t), 0.0)
        first = round(start * AUDIO_RATE)
        for offset in range(0, count, 960):
            piece = wave[offset : offset + 960].astype(np.float32).reshape(1, -1)
            sound = av.AudioFrame.from_ndarray(piece, format="flt", layout="mono")
            sound.sample_rate = AUDIO_RATE
            sound.pts, sound.time_base = first + offset, Fraction(1, AUDIO_RATE)
            out.mux(audio.encode(sound))
        out.mux(audio.encode(None))


def uneven(seconds: float) -> list[float]:
    """Picture times at a variable rate, 40 ms and 90 ms apart by turns (about 15 fps)."""
    times, at = [], 0.0
    while at < seconds - 0.05:
        times.append(round(at, 3))
        at += 0.04 if len(times) % 2 else 0.09
    return times


def green_then_magenta(size: tuple[int, int], times: list[float]) -> Iterator[Image]:
    width, height = size
    for at in times:
        yield np.full((height, width, 3), GREEN if at < CHANGE else MAGENTA, np.uint8)


def two_halves(size: tuple[int, int]) -> Iterator[Image]:
    """Blue above white, as stored: shown upright (turned a quarter clockwise), blue on the
    right."""
    width, height = size
    image = np.full((height, width, 3), WHITE, np.uint8)
    image[: height // 2] = BLUE
    while True:
        yield image


@pytest.fixture(scope="module")
def statements(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[StatementClip]]:
    folder = tmp_path_factory.mktemp("statements")
    first, second, third = folder / "a.webm", folder / "b.webm", folder / "c.mp4"
    write_statement(first, size=(320, 240), times=[i / 30 for i in range(75)], seconds=2.5)
    times = uneven(2.0)
    write_statement(
        second,
        size=(176, 144),
        times=times,
        seconds=2.0,
        picture=green_then_magenta((176, 144), times),
        tone=880.0,
        start=1.5,
        tone_from=CHANGE,
    )
    write_statement(
        third,
        size=(192, 108),
        times=[i / 24 for i in range(48)],
        seconds=2.0,
        picture=two_halves((192, 108)),
        tone=660.0,
        rotation=-90,
    )
    damaged = folder / "damaged.webm"
    damaged.write_bytes(os.urandom(20_000))
    case = "(2026)京0105民初1234号"
    clips = [
        StatementClip(first, "起诉 张三", (case, "起诉状陈述", "张三 原告", "2026-12-01 09:30")),
        StatementClip(damaged, "答辩 李四", (case, "答辩", "李四 被告", "2026-12-02 10:00")),
        StatementClip(second, "质证 张三", (case, "质证", "张三 原告", "2026-12-03 11:00")),
        StatementClip(third, "最后陈述 李四", (case, "最后陈述", "李四 被告", "2026-12-04 15:45")),
    ]
    return folder / "archive" / "statements.mp4", clips


RECORDED: list[Recorded | None] = [
    Recorded("a", 2.5, 440.0, RED),
    None,
    Recorded("b", 2.0, 880.0, MAGENTA),
    Recorded("c", 2.0, 660.0, WHITE),
]


@pytest.fixture(scope="module")
def archive(statements: tuple[Path, list[StatementClip]]) -> tuple[Path, list[Chapter]]:
    out, clips = statements
    chapters = render_statements(clips, out, "张三诉李四合同纠纷", SETTINGS)
    return out, chapters


def decoded(path: Path) -> tuple[list[tuple[float, Image]], npt.NDArray[np.float32]]:
    """Every picture (RGB) with its time, and the sound (48 kHz mono from 0)."""
    pictures: list[tuple[float, Image]] = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            assert frame.time is not None
            pictures.append((frame.time, frame.to_ndarray(format="rgb24").astype(np.uint8)))
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        sound = np.concatenate(
            [
                f.to_ndarray().reshape(-1)
                for frame in container.decode(audio=0)
                for f in resampler.resample(frame)
            ]
        )
    return pictures, sound


@pytest.fixture(scope="module")
def content(
    archive: tuple[Path, list[Chapter]],
) -> tuple[list[tuple[float, Image]], npt.NDArray[np.float32]]:
    return decoded(archive[0])


def picture_at(pictures: list[tuple[float, Image]], t: float) -> Image:
    return min(pictures, key=lambda p: abs(p[0] - t))[1]


def area_centre() -> tuple[int, int]:
    """(x, y) of the middle of the picture area under the header bar."""
    bar = header_bar(SETTINGS.width, SETTINGS.height)
    return SETTINGS.width // 2, bar.height + (SETTINGS.height - bar.height) // 2


def near(pixel: npt.NDArray[np.uint8], colour: RGB, tolerance: int = 30) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(colour)) <= tolerance))


def tone_of(sound: npt.NDArray[np.float32]) -> float:
    spectrum = np.abs(np.fft.rfft(sound * np.hanning(len(sound))))
    return float(np.argmax(spectrum) * AUDIO_RATE / len(sound))


def test_the_archive_is_h264_and_aac_of_the_right_length(
    archive: tuple[Path, list[Chapter]],
) -> None:
    out, chapters = archive
    assert not out.with_name(out.name + ".tmp").exists()
    head = out.read_bytes()[:65536]
    assert 0 < head.find(b"moov") < head.find(b"mdat"), "faststart: the index first"
    expected = sum(CARD + r.seconds if r else UNREADABLE_SECONDS for r in RECORDED)
    with av.open(str(out)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert (video.width, video.height) == (SETTINGS.width, SETTINGS.height)
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.sample_rate == AUDIO_RATE
        assert container.duration is not None
        assert container.duration / 1_000_000 == pytest.approx(expected, abs=0.3)
        assert video.frames == pytest.approx(expected * SETTINGS.fps, abs=8)
        assert container.metadata["title"] == "张三诉李四合同纠纷"
    assert chapters[-1].end == pytest.approx(expected, abs=0.25)


def test_each_statement_is_a_chapter_in_order(
    archive: tuple[Path, list[Chapter]], statements: tuple[Path, list[StatementClip]]
) -> None:
    out, chapters = archive
    titles = [clip.chapter for clip in statements[1]]
    assert [c.title for c in chapters] == titles
    assert chapters[0].start == 0
    assert all(a.end == b.start for a, b in itertools.pairwise(chapters))
    lengths = [c.end - c.start for c in chapters]
    wanted = [CARD + r.seconds if r else UNREADABLE_SECONDS for r in RECORDED]
    assert lengths == pytest.approx(wanted, abs=0.1)
    with av.open(str(out)) as container:
        written = container.chapters()
    assert [c["metadata"]["title"] for c in written] == titles
    assert [c["start"] / 1000 for c in written] == pytest.approx([c.start for c in chapters])


def test_each_chapter_shows_its_statement_after_its_title_card(
    archive: tuple[Path, list[Chapter]],
    content: tuple[list[tuple[float, Image]], npt.NDArray[np.float32]],
) -> None:
    pictures, _ = content
    x, y = area_centre()
    for chapter, recorded in zip(archive[1], RECORDED, strict=True):
        card = picture_at(pictures, chapter.start + 0.2)
        assert near(card[4, 4], (0, 0, 0), 12), "a card on black"
        assert card.std() > 3, "with words on it"
        if recorded is None:
            continue
        middle = picture_at(pictures, (chapter.start + CARD + chapter.end) / 2)
        if recorded.name == "c":  # sideways stored: blue above white, shown upright
            width = (middle[y] != middle[y, 2]).any(axis=1).sum()
            assert near(middle[y, x - width // 4], WHITE), middle[y, x - width // 4]
            assert near(middle[y, x + width // 4], BLUE), middle[y, x + width // 4]
            assert near(middle[y, 8], (0, 0, 0), 12), "pillarboxed: portrait in landscape"
        else:
            assert near(middle[y, x], recorded.colour), (recorded.name, middle[y, x])
        bar = header_bar(SETTINGS.width, SETTINGS.height)
        assert middle[: bar.height].std() > 10, "the header bar has words"


def test_the_sound_of_each_statement_is_under_it(
    archive: tuple[Path, list[Chapter]],
    content: tuple[list[tuple[float, Image]], npt.NDArray[np.float32]],
) -> None:
    _, sound = content
    for chapter, recorded in zip(archive[1], RECORDED, strict=True):
        card_end = chapter.start + (CARD if recorded else UNREADABLE_SECONDS)
        card = sound[
            round((chapter.start + 0.1) * AUDIO_RATE) : round((card_end - 0.1) * AUDIO_RATE)
        ]
        assert np.sqrt(np.mean(card**2)) < 0.01, f"{chapter.title}: a card is silent"
        if recorded is None:
            continue
        lo = chapter.start + CARD + (CHANGE if recorded.name == "b" else 0) + 0.1
        heard = sound[round(lo * AUDIO_RATE) : round((chapter.end - 0.1) * AUDIO_RATE)]
        assert np.sqrt(np.mean(heard**2)) > 0.1, f"{chapter.title}: sound"
        assert tone_of(heard) == pytest.approx(recorded.tone, abs=8), chapter.title


def test_picture_and_sound_stay_in_step(
    archive: tuple[Path, list[Chapter]],
    content: tuple[list[tuple[float, Image]], npt.NDArray[np.float32]],
) -> None:
    """The second statement (a variable frame rate, timestamps from 1.5 s) turns magenta
    when its tone starts: in the archive the two come together, where they should."""
    pictures, sound = content
    chapter = archive[1][2]
    x, y = area_centre()
    flash = next(t for t, image in pictures if t > chapter.start and near(image[y, x], MAGENTA))
    clip_start = chapter.start + CARD
    loud = np.abs(sound[round(clip_start * AUDIO_RATE) :]) > 0.15
    beep = clip_start + int(np.argmax(loud)) / AUDIO_RATE
    assert beep == pytest.approx(clip_start + CHANGE, abs=0.03)
    assert flash == pytest.approx(clip_start + CHANGE, abs=0.005)
    assert flash == pytest.approx(beep, abs=0.03), (flash, beep)


def test_a_cut_file_is_a_card_and_sound_alone_is_heard(tmp_path: Path) -> None:
    """A file cut after its header decodes to nothing: a card, its chapter kept. A statement
    with sound and no picture is heard, with words where the picture would be."""
    whole = tmp_path / "whole.webm"
    write_statement(whole, size=(160, 120), times=[i / 30 for i in range(30)], seconds=1.0)
    cut = tmp_path / "cut.webm"
    cut.write_bytes(whole.read_bytes()[:300])
    voice = tmp_path / "voice.webm"
    with av.open(str(voice), "w", format="webm") as written:
        audio = written.add_stream("libopus", rate=AUDIO_RATE, layout="mono")
        wave = 0.3 * np.sin(2 * np.pi * 500 * np.arange(AUDIO_RATE) / AUDIO_RATE)
        for offset in range(0, AUDIO_RATE, 960):
            piece = wave[offset : offset + 960].astype(np.float32).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(piece, format="flt", layout="mono")
            frame.sample_rate, frame.pts = AUDIO_RATE, offset
            frame.time_base = Fraction(1, AUDIO_RATE)
            written.mux(audio.encode(frame))
        written.mux(audio.encode(None))
    out = tmp_path / "two.mp4"
    small = RenderSettings(width=320, height=180)
    clips = [StatementClip(cut, "答辩 李四", ()), StatementClip(voice, "质证 王五", ("案",))]
    chapters = render_statements(clips, out, "案", small)
    assert [(c.title, c.start) for c in chapters] == [
        ("答辩 李四", 0.0),
        ("质证 王五", UNREADABLE_SECONDS),
    ]
    card = round(TITLE_SECONDS * small.fps) / small.fps
    assert chapters[1].end - chapters[1].start == pytest.approx(card + 1.0, abs=0.1)
    with av.open(str(out)) as container:
        assert [c["metadata"]["title"] for c in container.chapters()] == ["答辩 李四", "质证 王五"]
    pictures, sound = decoded(out)
    middle = (chapters[1].start + card + chapters[1].end) / 2
    shown = picture_at(pictures, middle)
    bar = header_bar(small.width, small.height)
    assert not near(shown[bar.height + 10, 10], (0, 0, 0), 12), "not a black picture"
    assert shown[bar.height :].std() > 3, "words where the picture would be"
    heard = sound[round((middle - 0.3) * AUDIO_RATE) : round((middle + 0.3) * AUDIO_RATE)]
    assert tone_of(heard) == pytest.approx(500, abs=8)


def test_a_leap_in_the_timestamps_does_not_make_hours(tmp_path: Path) -> None:
    """Pictures stamped an hour on (a damaged or hostile file) are left out, not waited for."""
    leaping = tmp_path / "leap.webm"
    times = [i / 30 for i in range(15)] + [3600 + i / 30 for i in range(15)]
    write_statement(leaping, size=(160, 120), times=times, seconds=1.0)
    small = RenderSettings(width=320, height=180)
    chapters = render_statements(
        [StatementClip(leaping, "陈述", ())], tmp_path / "leap.mp4", "案", small
    )
    card = round(TITLE_SECONDS * small.fps) / small.fps
    assert chapters[0].end == pytest.approx(card + 1.0, abs=0.1)


def test_a_render_cancelled_stops_and_leaves_no_file(
    statements: tuple[Path, list[StatementClip]], tmp_path: Path
) -> None:
    """A server stopping cancels the render: it stops at the next frame, with nothing written
    (it is rendered again from the start at the next start-up)."""
    _, clips = statements
    cancel = threading.Event()
    cancel.set()
    out = tmp_path / "archive.mp4"
    with pytest.raises(RenderCancelled):
        render_statements(clips, out, "(2026)浙0402民初17号", cancel=cancel)
    assert list(tmp_path.iterdir()) == []
