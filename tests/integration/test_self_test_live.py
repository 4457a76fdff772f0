"""The self-test a participant reports on the real app: on the timeline, an alert to the bench when
something failed, the devices they take part without in the bench's list, nothing to anyone else,
a repeated report ignored, and a malformed report refused without consequence."""

from __future__ import annotations

from typing import Any

import pytest
import socketio
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.integration.courtroom import Courtroom, start


async def _self_tests(database: Database, hearing_id: int) -> list[dict[str, Any]]:
    async with database.session() as db:
        rows = await db.scalars(
            select(HearingEvent)
            .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind == "self_test")
            .order_by(HearingEvent.id)
        )
        return [dict(row.data or {}) for row in rows]


async def test_a_failed_self_test_alerts_the_bench_and_a_good_one_does_not(
    courtroom: Courtroom, database: Database
) -> None:
    people = await start(courtroom, "party_a", publish=())
    judge, party_a = people["judge"], people["party_a"]
    clerk = await courtroom.join("clerk", publish=False)
    # Reported from the waiting room, before anyone admits them.
    waiting = await courtroom.join("party_b", publish=False)
    assert waiting.signal.room["you"]["presence"] == "waiting"

    good = {"camera": True, "microphone": True, "network": "poor"}
    assert await party_a.signal.call("self_test", good) == {"ok": True}
    bad = {"camera": False, "microphone": True, "network": "failed"}
    assert await waiting.signal.call("self_test", bad) == {"ok": True}

    party_b = courtroom.id("party_b")
    for bench in (judge, clerk):
        alert = await bench.signal.wait_for("alert", lambda a: a["kind"] == "self_test_failed")
        assert alert["participant_id"] == party_b
        assert alert["failed"] == ["camera", "network"]
        assert "李四" in alert["message"]
    # Only the failed one alerted, and only the bench.
    assert [a["participant_id"] for a in judge.signal.received["alert"]] == [party_b]
    for person in (party_a, waiting):
        assert person.signal.received["alert"] == []

    assert await _self_tests(database, courtroom.hearing_id) == [
        {"participant_id": courtroom.id("party_a"), **good},
        {"participant_id": party_b, **bad},
    ]

    # The bench lists what the person takes part without; the others are told nothing of it.
    def devices(room: dict[str, Any], member_id: int) -> tuple[bool, bool]:
        member = next(m for m in room["members"] if m["id"] == member_id)
        return member["no_camera"], member["no_microphone"]

    for bench in (judge, clerk):
        await bench.signal.wait_for("room", lambda r: devices(r, party_b) == (True, False))
        assert devices(bench.signal.room, courtroom.id("party_a")) == (False, False)
    assert waiting.signal.room["you"]["no_camera"] is True
    assert all(not m["no_camera"] for m in party_a.signal.room["members"])

    # The client repeats its report on every connection: the same report again changes nothing.
    assert await waiting.signal.call("self_test", bad) == {"ok": True}
    assert [a["participant_id"] for a in judge.signal.received["alert"]] == [party_b]
    assert len(await _self_tests(database, courtroom.hearing_id)) == 2

    # A malformed report is refused, recorded nowhere, and the person stays where they were.
    reply = await waiting.signal.call("self_test", {"camera": True, "network": "great"})
    assert reply["error"]["code"] == "invalid_payload", reply
    assert len(await _self_tests(database, courtroom.hearing_id)) == 2
    assert waiting.signal.connected and waiting.signal.room["you"]["presence"] == "waiting"


async def test_a_removed_person_who_comes_back_is_refused_with_the_code_removed(
    courtroom: Courtroom,
) -> None:
    """The client words the refusal by its code (`removed`), in the person's language."""
    people = await start(courtroom, "party_a", publish=())
    judge, party_a = people["judge"], people["party_a"]
    assert await judge.signal.call("remove", {"participant_id": courtroom.id("party_a")}) == {
        "ok": True
    }
    await party_a.signal.wait_for("removed")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await courtroom.join("party_a", publish=False)
    refusal = courtroom.people[-1].signal.refusals[-1]
    assert refusal["code"] == "removed", refusal
