"""The way into a hearing's media is not held up by the timeline's database writes."""

import asyncio
import time

import pytest

from hearing_server.live_store import DatabaseHearingStore
from signaling.store import TimelineEvent
from tests.integration.courtroom import Courtroom, connection_up, start
from tests.integration.peers import wait_until

SLOW_WRITE = 1.0


def identity_check(participant_id: int) -> dict[str, object]:
    return {"participant_id": participant_id, "document_type": "passport", "digits": "1234"}


def slow_timeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every timeline row takes SLOW_WRITE seconds to write, as on a busy database."""
    record = DatabaseHearingStore.record

    async def slow_record(
        self: DatabaseHearingStore, hearing_id: int, event: TimelineEvent
    ) -> None:
        await asyncio.sleep(SLOW_WRITE)
        await record(self, hearing_id, event)

    monkeypatch.setattr(DatabaseHearingStore, "record", slow_record)


async def test_admitted_people_get_their_offer_before_the_row_is_written(
    courtroom: Courtroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    judge = (await start(courtroom))["judge"]
    waiting = {name: await courtroom.join(name) for name in ("party_a", "party_b")}
    for person in waiting.values():
        await connection_up(person)  # publishing while they wait
    waiting["observer"] = await courtroom.join("observer", publish=False)
    for name in ("party_a", "party_b"):  # a criminal trial admits nobody unchecked
        reply = await judge.signal.call("verify_identity", identity_check(courtroom.id(name)))
        assert reply["ok"] is True, reply
    slow_timeline(monkeypatch)

    party_a = waiting.pop("party_a")
    admit = asyncio.create_task(
        judge.signal.call("admit", {"participant_id": courtroom.id("party_a")})
    )
    took = await wait_until(lambda: bool(party_a.signal.received["offer"]), 5, "an offer")
    assert took < SLOW_WRITE / 2
    assert await admit == {"ok": True}

    admit_all = asyncio.create_task(judge.signal.call("admit_all"))
    started = time.monotonic()
    await wait_until(
        lambda: all(p.signal.received["offer"] for p in waiting.values()), 5, "the offers"
    )
    assert time.monotonic() - started < SLOW_WRITE / 2
    assert (await admit_all)["ok"] is True
