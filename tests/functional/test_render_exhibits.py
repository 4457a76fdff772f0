"""The server's archive of a hearing in which an exhibit was presented and a screen shared:
a hearing recorded through the real recorders, its rows and timeline as the live hearing writes
them, a two-page PDF stored as an exhibit; the plan the server makes, rendered and read back.
The pages (drawn by `evidence` from storage), then the shared screen, are the main picture in
turn, and the chapters name them. Both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import pytest

from config import Settings
from court.exhibits import ExhibitSide
from court.kinds import HearingKind
from court.roles import Role
from hearing_server.db.database import Database
from hearing_server.db.models import (
    Exhibit,
    ExhibitFile,
    HearingEvent,
    Participant,
    Recording,
    Segment,
    Track,
)
from hearing_server.exhibit_store import store_once
from hearing_server.records.archive import recording_storage
from hearing_server.records.service import RecordingService
from recording.digest import sha256_file
from recording.render import Interval, RenderJob, Still
from recording.render.layout import featured_layout, fit, grid_layout
from tests.callers import World, add_hearing
from tests.integration.featured_frames import (
    BLUE,
    ORANGE,
    RED,
    counter_shown,
    page_rect,
    planes_at,
    screen_area,
    shows_page,
    shows_screen,
)
from tests.integration.media_sources import HEIGHT, WIDTH
from tests.integration.recorded_hearing import Person, record_hearing
from tests.pdf_files import coloured_pages

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
SESSION = 9.0
PEOPLE = [
    Person("judge", "王法官", "审判长", joins=0.0, leaves=SESSION),
    Person("party", "张三", "原告", joins=0.0, leaves=SESSION),
]
SCREEN = Person("screen", "", "", joins=2.9, leaves=4.2, colour=ORANGE)
NO_RECESS = Interval(T0.timestamp() + 100, T0.timestamp() + 101)


async def recorded(
    database: Database, world: World, settings: Settings, tmp_path: Path
) -> tuple[int, Recording, dict[str, int]]:
    """The hearing, its sealed recording and its rows; the ids of the judge, the party, the
    exhibit, its file and the screen track."""
    async with database.session() as db:
        hearing = await add_hearing(db, world, "(2026)A民初11号", HearingKind.CIVIL_TRIAL, T0)
        judge = Participant(hearing_id=hearing.id, role=Role.JUDGE, name="王法官")
        party = Participant(hearing_id=hearing.id, role=Role.PARTY, name="张三")
        recording = Recording(
            hearing_id=hearing.id,
            state="sealed",
            started_at=T0,
            ended_at=T0 + timedelta(seconds=SESSION),
        )
        db.add_all([judge, party, recording])
        await db.flush()
        folder = settings.recordings_dir / f"hearing-{hearing.id}"
        tracks = await record_hearing(folder, T0.timestamp(), [*PEOPLE, SCREEN], SESSION, NO_RECESS)
        owner = {"judge": judge.id, "party": party.id, "screen": party.id}
        ids = {"judge": judge.id, "party": party.id}
        for plan in tracks:
            if plan.participant_id == "screen" and plan.kind == "audio":
                continue  # a screen is shared without sound
            track = Track(
                recording_id=recording.id,
                participant_id=owner[plan.participant_id],
                kind=plan.kind,
                source="screen" if plan.participant_id == "screen" else "camera",
                codec="video/VP8" if plan.kind == "video" else "audio/opus",
            )
            db.add(track)
            await db.flush()
            if plan.participant_id == "screen" and plan.kind == "video":
                ids["screen"] = track.id
            for seq, segment in enumerate(plan.segments):
                relative = segment.path.relative_to(settings.recordings_dir).as_posix()
                db.add(Segment(track_id=track.id, seq=seq, path=relative, started_at=T0))
        pdf = tmp_path / "contract.pdf"
        pdf.write_bytes(coloured_pages([BLUE, RED]))
        digest = sha256_file(pdf)
        store_once(recording_storage(settings), pdf, digest)
        exhibit = Exhibit(
            case_id=hearing.case_id,
            side=ExhibitSide.PLAINTIFF,
            number=1,
            title="借款合同",
            purpose="借贷关系成立",
            submitted_by="张三",
            submitted_by_role=Role.PARTY,
        )
        db.add(exhibit)
        await db.flush()
        exhibit_file = ExhibitFile(
            exhibit_id=exhibit.id,
            seq=1,
            sha256=digest,
            media_type="application/pdf",
            size_bytes=pdf.stat().st_size,
            original_name="contract.pdf",
            display_name="contract.pdf",
        )
        db.add(exhibit_file)
        await db.flush()
        ids |= {"exhibit": exhibit.id, "file": exhibit_file.id}
        for seconds, kind, to_value, data in timeline(ids):
            db.add(
                HearingEvent(
                    hearing_id=hearing.id,
                    at=T0 + timedelta(seconds=seconds),
                    kind=kind,
                    actor="user:1:judge",
                    to_value=to_value,
                    data=data,
                )
            )
        await db.commit()
        return hearing.id, recording, ids


def timeline(ids: dict[str, int]) -> list[tuple[float, str, str | None, dict[str, Any]]]:
    """The exhibit shown from 1 s (page 2 from 2 s) to 5 s, the party's screen from 3 s to
    4 s; the debate from 4.5 s."""
    shown = {"exhibit_id": ids["exhibit"], "file_id": ids["file"]}
    presented = {
        **shown,
        "label": "原告证据1",
        "title": "借款合同",
        "media_type": "application/pdf",
        "page": 1,
        "participant_id": ids["party"],
    }
    screen = {"participant_id": ids["party"], "track_id": ids["screen"]}
    return [
        (0.0, "phase", "investigation", {}),
        (1.0, "exhibit_presented", None, presented),
        (2.0, "presentation_page", None, {**shown, "page": 2}),
        (3.0, "share_started", None, screen),
        (4.0, "share_stopped", None, screen),
        (4.5, "phase", "debate", {}),
        (5.0, "presentation_stopped", None, shown),
    ]


async def test_pages_then_the_screen_are_the_main_picture_and_have_chapters(
    database: Database, world: World, settings: Settings, tmp_path: Path
) -> None:
    hearing_id, recording, _ = await recorded(database, world, settings, tmp_path)

    async def alert(hearing_id: int, message: str) -> None:
        pass

    service = RecordingService(database, settings, alert)
    pictures = tmp_path / "pictures"
    try:
        plan = await service._renderer._plan(hearing_id, recording, pictures)
    finally:
        await service.shutdown()
    tiles = [t for t in plan.tracks if t.kind == "video"]
    assert len(tiles) == 2 and all("screen" not in s.path.name for t in tiles for s in t.segments)
    exhibit, _ = plan.timeline.features
    pages = [view.shows for view in exhibit.views]
    assert all(isinstance(page, Still) and page.path.is_relative_to(pictures) for page in pages)
    RenderJob(plan).run()
    seen = planes_at(plan.output, {1.6, 2.4, 3.6, 4.6, 8.0})
    assert isinstance(pages[0], Still)
    rect = page_rect(pages[0].path, 2)
    assert shows_page(seen[1.6], rect, BLUE), "page 1"
    assert shows_page(seen[2.4], rect, RED), "page 2"
    assert shows_screen(seen[3.6], screen_area(2)), "the shared screen"
    assert shows_page(seen[4.6], rect, RED), "the exhibit again once the sharing stopped"
    for t in (1.6, 3.6):
        for tile in featured_layout(2, 1280, 720).tiles:
            assert counter_shown(seen[t].y, fit(tile.video, WIDTH, HEIGHT)), "speakers beside"
    assert not shows_page(seen[8.0], rect, RED)
    for tile in grid_layout(2, 1280, 720).tiles:
        assert counter_shown(seen[8.0].y, fit(tile.video, WIDTH, HEIGHT)), "the grid again"
    with av.open(str(plan.output)) as container:
        chapters = [(c["metadata"]["title"], c["start"] / 1000) for c in container.chapters()]
    assert chapters == [
        ("法庭调查", 0.0),
        ("原告证据1 借款合同", pytest.approx(1.0, abs=0.01)),
        ("屏幕共享 张三", pytest.approx(3.0, abs=0.01)),
        ("原告证据1 借款合同", pytest.approx(4.0, abs=0.01)),
        ("法庭辩论", pytest.approx(5.0, abs=0.01)),
    ]
