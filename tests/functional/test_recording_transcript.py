"""A recording's transcript for the archive player: the committed entries and the timeline's
facts, each placed in the archive video as the exhibits shown are (a recess cut out, its card
put in), or before the video is made from the start of the recording; read by whoever may
retrieve the recording and audited. Both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, HearingEvent, Recording
from hearing_server.db.transcript_rows import EntryState, TranscriptEntry
from recording.render import RenderSettings
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.sealed_recording import T0, Sealed, make_archive_mp4

CARD = RenderSettings().recess_card_seconds
SAID = "我是原告张三 👋\n借款已于2025年归还。"
AFTER = "恢复后的陈述 🙂 and some English"


@pytest.fixture(scope="module")
def archive_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_archive_mp4(
        tmp_path_factory.mktemp("mp4") / "archive.mp4",
        [(0, 1000, "法庭调查")],
        width=64,
        height=64,
        frames=10,
    )


async def write_transcript(database: Database, sealed: Sealed, world: World) -> None:
    """The recorder paused for the recess (60 s to 120 s, the recording ends at 300 s), and
    five entries: before the recording began, in session, in the recess, after it, and after
    the recording ended; one left a draft."""
    entries: list[tuple[int, int | None, str, EntryState]] = [
        (-30, None, "开庭前核对当事人到庭情况", EntryState.COMMITTED),
        (15, sealed.party_id, SAID, EntryState.COMMITTED),
        (90, None, "休庭期间：书记员记录", EntryState.COMMITTED),
        (130, sealed.party_id, AFTER, EntryState.COMMITTED),
        (135, None, "未提交的草稿", EntryState.DRAFT),
        (400, None, "闭庭后补记", EntryState.COMMITTED),
    ]
    async with database.session() as db:
        for seconds, kind in ((60, "recording_paused"), (120, "recording_resumed")):
            db.add(
                HearingEvent(hearing_id=sealed.hearing_id, at=moment(seconds), kind=kind, actor="x")
            )
        for seq, (seconds, speaker, text, state) in enumerate(entries, 1):
            db.add(
                TranscriptEntry(
                    hearing_id=sealed.hearing_id,
                    key=f"k{seq}",
                    seq=seq if state is EntryState.COMMITTED else None,
                    state=state,
                    speaker_id=speaker,
                    text=text,
                    at=moment(seconds),
                    author_id=world.clerk_id,
                )
            )
        await db.commit()


def moment(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def placed(lines: list[dict[str, Any]]) -> list[tuple[str, float | None]]:
    """Each line as (what it says, where it is in the video)."""
    return [(line["text"] or line["event"], line["seconds"]) for line in lines]


async def test_lines_are_placed_in_the_archive_video_across_a_recess(
    sealed: Sealed, clerk: Caller, database: Database, world: World
) -> None:
    await write_transcript(database, sealed, world)
    got = await clerk.call("GET", f"/recordings/{sealed.recording_id}/transcript")
    assert got["recording_id"] == sealed.recording_id and got["source"] == "archive"
    assert placed(got["lines"]) == [
        ("开庭前核对当事人到庭情况", None),  # before the recording began: not in the video
        ("state", 0.0),
        ("admitted", 10.0),
        (SAID, 15.0),
        ("identity_verified", 20.0),
        ("phase", 30.0),
        # the recess is cut out and a card put in: what happened in it is where the video
        # goes on after the card, the recess's own facts included
        ("state", 60 + CARD),
        ("休庭期间：书记员记录", 60 + CARD),
        ("state", 60 + CARD),
        (AFTER, 130 - 60 + CARD),
        ("phase", 150 - 60 + CARD),
        ("闭庭后补记", None),  # after the recording ended
    ]
    [said] = [line for line in got["lines"] if line["text"] == SAID]
    assert said["speaker"] == "张三" and said["speaker_id"] == sealed.party_id
    assert said["kind"] == "entry" and said["fact"] is None
    court = got["lines"][0]
    assert court["speaker"] == "法庭" and court["speaker_id"] is None
    recess = got["lines"][6]
    assert recess["kind"] == "fact" and recess["speaker"] is None and recess["text"] is None
    assert recess["fact_zh"] == recess["fact"] and "休庭" in recess["fact_zh"]
    assert recess["fact_en"] and recess["fact_en"] != recess["fact_zh"]
    assert "未提交的草稿" not in str(got), "a draft is not part of the record"


async def test_before_the_archive_is_made_lines_count_from_the_start(
    sealed: Sealed, judge: Caller, database: Database, world: World
) -> None:
    await write_transcript(database, sealed, world)
    async with database.session() as db:
        recording = await db.get(Recording, sealed.recording_id)
        assert recording is not None
        recording.archive_path = recording.archive_sha256 = None
        await db.commit()
    got = await judge.call("GET", f"/recordings/{sealed.recording_id}/transcript")
    assert got["source"] == "timeline"
    seconds = dict((text, at) for text, at in placed(got["lines"]) if text in (SAID, AFTER))
    assert seconds == {SAID: 15.0, AFTER: 130.0}  # the recess counted


async def test_a_party_with_the_grant_reads_the_same_lines(
    sealed: Sealed, judge: Caller, clerk: Caller, database: Database, world: World
) -> None:
    await write_transcript(database, sealed, world)
    path = f"/recordings/{sealed.recording_id}/transcript"
    status, body = await sealed.party.status("GET", path)
    assert status == 403 and body["error"]["code"] == "not_granted"
    await judge.call(
        "POST",
        f"/recordings/{sealed.recording_id}/grants",
        {"participant_id": sealed.party_id},
        expect=201,
    )
    party_sees = await sealed.party.call("GET", path)
    assert party_sees == await clerk.call("GET", path)
    assert SAID in [line["text"] for line in party_sees["lines"]]  # the text as written
    async with database.session() as db:
        rows = list(
            await db.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "read_recording_transcript")
                .order_by(AuditEntry.id)
            )
        )
    assert [r.actor.split(":")[0] for r in rows] == ["participant", "user"]
    assert all(
        r.object_type == "recording"
        and r.object_id == str(sealed.recording_id)
        and r.ip == "127.0.0.1"
        for r in rows
    )
    await judge.call("DELETE", f"/recordings/{sealed.recording_id}/grants/{sealed.party_id}")
    assert (await sealed.party.status("GET", path))[0] == 403


async def test_the_wrong_people_get_nothing(
    sealed: Sealed,
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    admin: Caller,
    new_caller: NewCaller,
    database: Database,
    world: World,
) -> None:
    await write_transcript(database, sealed, world)
    path = f"/recordings/{sealed.recording_id}/transcript"
    assert (await other_judge.status("GET", path))[0] == 404  # another court's
    assert (await admin.status("GET", path))[0] == 403
    witness = await holder(
        new_caller,
        (await invite(clerk, sealed.hearing_id, role="witness", name="王五"))["invitation"][
            "token"
        ],
    )
    assert (await witness.status("GET", path))[0] == 403
    other = await schedule_hearing(judge, "(2026)浙0402民初9号")
    stranger = await holder(
        new_caller, (await invite(judge, other["id"], name="李四"))["invitation"]["token"]
    )
    assert (await stranger.status("GET", path))[0] == 404  # a party of another hearing
    for wrong in ("/recordings/999999/transcript", "/recordings/0/transcript"):
        assert (await clerk.status("GET", wrong))[0] == 404, wrong
    for malformed in ("/recordings/abc/transcript", "/recordings/99999999999999999999/transcript"):
        status, _ = await clerk.status("GET", malformed)
        assert 400 <= status < 500, malformed
    async with database.session() as db:
        audited = await db.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "read_recording_transcript")
        )
    assert audited is None, "a refusal reads nothing"


async def test_a_hearing_without_a_transcript_has_no_lines(
    judge: Caller, database: Database, world: World
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民初77号")
    async with database.session() as db:
        recording = Recording(
            hearing_id=hearing["id"], state="sealed", started_at=T0, ended_at=moment(60)
        )
        db.add(recording)
        await db.commit()
        recording_id = recording.id
    got = await judge.call("GET", f"/recordings/{recording_id}/transcript")
    assert got["lines"] == [] and got["source"] == "timeline"


async def test_a_recording_not_yet_begun_places_no_line(
    judge: Caller, database: Database, world: World
) -> None:
    """Out of order: read before the recorder started (a recording row waiting for media)."""
    hearing = await schedule_hearing(judge, "(2026)浙0402民初78号")
    async with database.session() as db:
        recording = Recording(hearing_id=hearing["id"], state="idle")
        db.add(recording)
        db.add(
            TranscriptEntry(
                hearing_id=hearing["id"],
                key="early",
                seq=1,
                state=EntryState.COMMITTED,
                text="记录于录像开始之前",
                at=T0,
                author_id=world.judge_id,
            )
        )
        await db.commit()
        recording_id = recording.id
    got = await judge.call("GET", f"/recordings/{recording_id}/transcript")
    assert placed(got["lines"]) == [("记录于录像开始之前", None)]
