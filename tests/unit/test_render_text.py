"""Labels and speaker choice: CJK names render as glyphs, the loudest participant is chosen."""

import numpy as np
import numpy.typing as npt
import pytest

from recording.render import text
from recording.render.picture import Picture
from recording.render.plan import AUDIO_RATE, SpeakerChange
from recording.render.speaker import logged_speakers, loudest, window_rms


def luma(picture: Picture) -> npt.NDArray[np.int64]:
    return picture.y.astype(np.int64)


def test_cjk_names_render_as_distinct_glyphs() -> None:
    font = text.find_font()
    if not font.cjk:
        pytest.skip("no CJK font on this machine")
    first = luma(text.label(font, "张三", "原告", 400, 34))
    second = luma(text.label(font, "李四", "原告", 400, 34))
    blank = luma(text.label(font, "", "", 400, 34))
    assert np.abs(first - blank).mean() > 1, "the name is drawn"
    assert np.abs(first - second).mean() > 0.5, "different names, different glyphs (not boxes)"


def test_without_a_cjk_font_text_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "CJK_FONTS", ())
    monkeypatch.setattr(text, "CJK_FONT_PATTERNS", ())
    font = text.find_font()
    assert not font.cjk
    picture = text.label(font, "Zhang San 张三", "Plaintiff", 400, 34)
    assert picture.y.std() > 5


def test_long_text_is_cut_to_fit() -> None:
    font = text.find_font().at(20)
    cut = text.fitted("最高人民法院第一巡回法庭" * 5, font, 200)
    assert cut.endswith("…") and font.getlength(cut) <= 200


def test_the_loudest_participant_is_emphasised() -> None:
    per_frame = AUDIO_RATE // 25
    t = np.arange(AUDIO_RATE * 2) / AUDIO_RATE
    quiet = (0.02 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    loud = np.where(t >= 1.0, 0.3 * np.sin(2 * np.pi * 300 * t), 0).astype(np.float32)
    silent = np.zeros_like(quiet)
    levels = [window_rms(s, 0, per_frame) for s in (quiet, loud, silent)]
    speakers = loudest(levels, 50)
    assert speakers[10] == 0 and speakers[-1] == 1
    assert loudest([window_rms(silent, 0, per_frame)], 50) == [None] * 50


def test_logged_speakers_win() -> None:
    changes = (SpeakerChange(10.0, "b"), SpeakerChange(20.0, None), SpeakerChange(30.0, "a"))
    walls = [5.0, 15.0, 25.0, None, 35.0]
    assert logged_speakers(changes, walls, ["a", "b"]) == [None, 1, None, None, 0]
