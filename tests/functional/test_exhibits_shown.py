"""The archive page's list of the exhibits shown in a hearing, with the moments they were
shown: in seconds into the archive video (a recess cut out, its card put in), or before the
video is made, from the start of the recording; timeline rows not of the presentation events'
shape are passed over, never a failure. Both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording
from recording.render import RenderSettings
from tests.callers import Caller
from tests.sealed_recording import T0, Sealed, make_archive_mp4

CARD = RenderSettings().recess_card_seconds


@pytest.fixture(scope="module")
def archive_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_archive_mp4(
        tmp_path_factory.mktemp("mp4") / "archive.mp4",
        [(0, 1000, "法庭调查")],
        width=64,
        height=64,
        frames=10,
    )


def contract(page: int = 1) -> dict[str, Any]:
    return {
        "exhibit_id": 7,
        "file_id": 70,
        "label": "原告证据1",
        "title": "借款合同",
        "media_type": "application/pdf",
        "page": page,
        "participant_id": 1,
    }


RECORDING = {"exhibit_id": 8, "file_id": 80}
ROWS: list[tuple[int, str, dict[str, Any]]] = [
    (20, "exhibit_presented", contract()),
    (25, "presentation_page", {"exhibit_id": 7, "file_id": 70, "page": 3}),
    (30, "presentation_page", {"exhibit_id": 7, "file_id": 70, "page": 1}),
    (40, "presentation_stopped", {"exhibit_id": 7, "file_id": 70}),
    (50, "exhibit_presented", {**RECORDING, "label": "被告证据2", "title": "录音", "page": 1}),
    (52, "presentation_playback", {**RECORDING, "playing": True, "position": 0.0}),
    (60, "recording_paused", {}),
    (70, "presentation_stopped", RECORDING),
    (120, "recording_resumed", {}),
    (130, "exhibit_presented", contract(2)),
    (135, "exhibit_presented", {"exhibit_id": "7", "file_id": None}),  # not of the shape
    (136, "presentation_page", {"exhibit_id": 7, "file_id": 70, "page": "2"}),
    (140, "presentation_stopped", {"exhibit_id": 7, "file_id": 70}),
    (141, "presentation_stopped", {"exhibit_id": 7, "file_id": 70}),  # twice
]


async def add_rows(database: Database, hearing_id: int) -> None:
    async with database.session() as db:
        for seconds, kind, data in ROWS:
            db.add(
                HearingEvent(
                    hearing_id=hearing_id,
                    at=T0 + timedelta(seconds=seconds),
                    kind=kind,
                    actor="user:1:judge",
                    data=data,
                )
            )
        await db.commit()


async def test_the_exhibits_shown_with_their_moments_in_the_archive(
    sealed: Sealed, clerk: Caller, database: Database
) -> None:
    await add_rows(database, sealed.hearing_id)
    detail = await clerk.call("GET", f"/recordings/{sealed.recording_id}")
    assert detail["exhibits_shown"] == [
        {
            "exhibit_id": 7,
            "file_id": 70,
            "label": "原告证据1",
            "title": "借款合同",
            "shown": [
                {"start": 20.0, "end": 40.0, "pages": [1, 3]},
                {"start": 130 - 60 + CARD, "end": 140 - 60 + CARD, "pages": [2]},
            ],
        },
        {
            "exhibit_id": 8,
            "file_id": 80,
            "label": "被告证据2",
            "title": "录音",
            # stopped during the recess: its end is where the video goes on after the card
            "shown": [{"start": 50.0, "end": 60 + CARD, "pages": None}],
        },
    ]
    kinds = [e["kind"] for e in detail["timeline"]]
    assert kinds.count("exhibit_presented") == 4 and "presentation_page" not in kinds


async def test_before_the_archive_is_made_moments_count_from_the_start(
    sealed: Sealed, judge: Caller, database: Database
) -> None:
    await add_rows(database, sealed.hearing_id)
    async with database.session() as db:
        recording = await db.get(Recording, sealed.recording_id)
        assert recording is not None
        recording.archive_path = recording.archive_sha256 = None
        await db.commit()
    detail = await judge.call("GET", f"/recordings/{sealed.recording_id}")
    [contract_shown, _] = detail["exhibits_shown"]
    assert [(s["start"], s["end"]) for s in contract_shown["shown"]] == [(20, 40), (130, 140)]


async def test_a_party_granted_the_recording_sees_the_list(
    sealed: Sealed, judge: Caller, database: Database
) -> None:
    await add_rows(database, sealed.hearing_id)
    await judge.call(
        "POST",
        f"/recordings/{sealed.recording_id}/grants",
        {"participant_id": sealed.party_id},
        expect=201,
    )
    detail = await sealed.party.call("GET", f"/recordings/{sealed.recording_id}")
    assert [e["label"] for e in detail["exhibits_shown"]] == ["原告证据1", "被告证据2"]
