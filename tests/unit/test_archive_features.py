"""From the timeline's presentations and shares to what the archive shows large: a PDF's pages
and an image drawn once each from storage, an audio exhibit's card that follows play and pause,
a file the server cannot find or draw as a card that says so, a share as the sharer's screen
track; and timeline rows of another shape passed over."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from evidence import Limits
from hearing_server.db.models import HearingEvent
from hearing_server.exhibit_store import store_once
from hearing_server.records.features import ExhibitSource, FeatureInputs, archive_features
from hearing_server.records.presentations import presentations, shares
from recording.anchor import Anchor
from recording.render import Card, Play, Screen, SegmentRef, Still
from recording.storage import LocalStorage
from tests.pdf_files import coloured_pages

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
END = T0 + timedelta(minutes=10)


def event(seconds: float, kind: str, **data: Any) -> HearingEvent:
    return HearingEvent(at=T0 + timedelta(seconds=seconds), kind=kind, data=data)


def stored(storage: LocalStorage, path: Path, data: bytes) -> str:
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    store_once(storage, path, digest)
    return digest


def presented(exhibit: int, file: int, media_type: str, **more: Any) -> dict[str, Any]:
    return {
        "exhibit_id": exhibit,
        "file_id": file,
        "label": f"原告证据{exhibit}",
        "title": "标题",
        "media_type": media_type,
        "page": 1,
        "participant_id": 5,
    } | more


def test_each_kind_of_file_becomes_what_the_archive_shows(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store")
    pdf = stored(storage, tmp_path / "a.pdf", coloured_pages([(0, 0, 0.8), (0.8, 0, 0)]))
    Image.new("RGB", (300, 200), (0, 200, 0)).save(tmp_path / "b.png")
    png = stored(storage, tmp_path / "b.png", (tmp_path / "b.png").read_bytes())
    sound = stored(storage, tmp_path / "c.m4a", b"ID3 a recording")
    screen = SegmentRef(tmp_path / "s.mkv", T0.timestamp(), T0.timestamp() + 5, Anchor(0, 0, 1))
    events = [
        event(10, "exhibit_presented", **presented(1, 10, "application/pdf")),
        event(11, "presentation_page", exhibit_id=1, file_id=10, page=2),
        event(12, "presentation_page", exhibit_id=1, file_id=10, page=1),
        event(13, "presentation_page", exhibit_id=9, file_id=90, page=3),  # not the one shown
        event(20, "exhibit_presented", **presented(2, 20, "image/png")),  # stops the PDF
        event(30, "presentation_stopped", exhibit_id=2, file_id=20),
        event(40, "exhibit_presented", **presented(3, 30, "audio/mp4")),
        event(41, "presentation_playback", exhibit_id=3, file_id=30, playing=True, position=0.0),
        event(42, "presentation_playback", exhibit_id=3, file_id=30, playing="yes"),  # passed
        event(45, "presentation_playback", exhibit_id=3, file_id=30, playing=False, position=4),
        event(50, "exhibit_presented", **presented(4, 40, "application/pdf")),  # no such file
        event(55, "exhibit_presented", exhibit_id="4", file_id=40),  # passed over
        event(60, "share_started", participant_id=5, track_id=77),
        event(70, "share_stopped", participant_id=5, track_id=77),
    ]
    inputs = FeatureInputs(
        storage=storage,
        folder=tmp_path / "pictures",
        files={
            10: ExhibitSource(pdf, "application/pdf"),
            20: ExhibitSource(png, "image/png"),
            30: ExhibitSource(sound, "audio/mp4"),
        },
        screens={5: (screen,)},
        names={5: "张三"},
        limits=Limits(),
        width=640,
        language="zh",
    )
    shown = presentations(events, END)
    featured = archive_features(inputs, shown, shares(events, END), (T0, END))
    found = featured.features
    assert [(f.title, f.start - T0.timestamp(), f.end - T0.timestamp()) for f in found] == [
        ("原告证据1 标题", 10, 20),
        ("原告证据2 标题", 20, 30),
        ("原告证据3 标题", 40, 50),
        ("原告证据4 标题", 50, 600),
        ("屏幕共享 张三", 60, 70),
    ]
    pdf_views, image, audio, missing, share = (f.views for f in found)
    pages = [view.shows for view in pdf_views]
    assert isinstance(pages[0], Still) and pages[0] == pages[2] != pages[1]
    assert len(list((tmp_path / "pictures" / pdf).glob("page-*"))) == 2, "each page drawn once"
    assert isinstance(image[0].shows, Still)
    with Image.open(image[0].shows.path) as picture:
        assert picture.size == (300, 200), "never scaled up"
    assert [v.shows for v in audio] == [
        Card("原告证据3 标题", "已暂停"),
        Card("原告证据3 标题", "播放中"),
        Card("原告证据3 标题", "已暂停"),
    ]
    assert missing[0].shows == Card("原告证据4 标题", "无法显示")
    [clip] = featured.clips
    assert clip.path.read_bytes() == b"ID3 a recording" and clip.plays == (
        Play(T0.timestamp() + 41, T0.timestamp() + 45, 0.0),
    ), "heard while it played"
    assert share[0].shows == Screen((screen,))


def test_a_page_the_pdf_does_not_have_is_a_card(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store")
    pdf = stored(storage, tmp_path / "a.pdf", coloured_pages([(0, 0, 0.8)]))
    events = [event(10, "exhibit_presented", **presented(1, 10, "application/pdf", page=7))]
    inputs = FeatureInputs(
        storage,
        tmp_path / "p",
        {10: ExhibitSource(pdf, "application/pdf")},
        {},
        {},
        Limits(),
        640,
        "en",
    )
    [exhibit] = archive_features(inputs, presentations(events, END), [], (T0, END)).features
    assert exhibit.views[0].shows == Card("原告证据1 标题", "Cannot be shown")
