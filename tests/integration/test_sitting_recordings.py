"""A mediation sitting worked through with real media (docs/architecture.md#sittings): five wage
claims imported from a list, queued in one sitting; for each case the mediator calls it, the
worker and the employer's representative join with their own links, are admitted and heard
(headless participants sending pictures and tones), and the hearing is closed; then its
agreement is written and both its parties sign it. Each case ends with a sealed recording of
its own, holding exactly its own people's tracks, and a signed agreement of its own; the queue
holds them all as done."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import Recording, Track
from tests.callers import Caller, NewCaller, World, holder
from tests.case_lists import as_csv, wage_rows
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import receiving, session_cookie
from tests.signatures import b64, png

CASES = 5


async def test_five_cases_each_heard_and_recorded_on_their_own(
    judge: Caller, world: World, server: TestServer, database: Database, new_caller: NewCaller
) -> None:
    url = str(server.make_url("")).rstrip("/")
    response = await judge.client.post(
        f"/api/v1/courts/{world.court_id}/case-imports",
        data=as_csv(wage_rows(CASES)).encode(),
        params={"scheduled_start": datetime.now(UTC).isoformat(), "duration_minutes": "20"},
        headers={**judge.credentials(), "Content-Type": "text/csv"},
    )
    imported = await response.json()
    assert response.status == 201, imported
    cases = imported["items"]
    ids = [c["hearing_id"] for c in cases]
    sitting = await judge.call(
        "POST",
        "/sittings",
        {"title": "欠薪案集中调解", "starts_at": datetime.now(UTC).isoformat(), "hearing_ids": ids},
        expect=201,
    )
    people_of: dict[int, set[int]] = {}
    for case in cases:
        hid = case["hearing_id"]
        called = await judge.call("POST", f"/sittings/{sitting['id']}/next", {})
        assert [c["state"] for c in called["cases"] if c["hearing_id"] == hid] == ["called"]
        send_times = SendTimes()
        mediator = HeadlessParticipant(url, send_times, cookie=session_cookie(judge))
        parties = [
            HeadlessParticipant(url, send_times, invitation=p["invitation"]["token"])
            for p in case["parties"]
        ]
        try:
            await mediator.join(hid)
            for step in ("open", "start_session"):
                assert await mediator.signal.call(step) == {"ok": True}
            for party in parties:
                await party.join(hid)
            for party in parties:
                assert await mediator.signal.call("admit", {"participant_id": party.id}) == {
                    "ok": True
                }
            for party in parties:
                await receiving(mediator, party.id, frames=15)
                await receiving(party, mediator.id, frames=15)
            assert await mediator.signal.call("close") == {"ok": True}
        finally:
            for person in (*parties, mediator):
                await person.close()
        people_of[hid] = {p["participant_id"] for p in case["parties"]} | {mediator.id}
        # the case's own agreement, signed by both its parties on their links
        terms = f"{case['number']}：被申请人支付申请人工资。"
        written = await judge.call(
            "PUT", f"/hearings/{hid}/agreement", {"text": terms, "version": 0}
        )
        for party in case["parties"]:
            holder_of = await holder(new_caller, party["invitation"]["token"])
            body = {"name": party["name"], "image": b64(png()), "digest": written["digest"]}
            await holder_of.call("POST", f"/hearings/{hid}/agreement/signature", body, expect=201)
        signed = await judge.call("POST", f"/hearings/{hid}/agreement/close")
        assert signed["text"] == terms and all(s["signed_at"] for s in signed["signers"])

    done = await judge.call("GET", f"/sittings/{sitting['id']}")
    assert [c["state"] for c in done["cases"]] == ["done"] * (CASES - 1) + ["called"]

    # the close answers once the record is sealed: each case has its own, of its own people
    async with database.session() as db:
        recordings = list(await db.scalars(select(Recording).where(Recording.hearing_id.in_(ids))))
        tracks = list(
            await db.execute(
                select(Recording.hearing_id, Track.participant_id, Track.kind).join(
                    Track, Track.recording_id == Recording.id
                )
            )
        )
    assert sorted(r.hearing_id for r in recordings) == sorted(ids)
    assert {r.state for r in recordings} == {"sealed"}
    assert len({r.manifest_path for r in recordings}) == CASES
    for hid in ids:
        recorded = {(pid, kind) for h, pid, kind in tracks if h == hid}
        assert recorded == {(pid, kind) for pid in people_of[hid] for kind in ("audio", "video")}
