"""Court notices: the bench tells everyone connected to a hearing, waiting room included."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing
from tests.signal_client import SignalClient


async def test_a_notice_reaches_people_waiting_and_is_on_the_timeline(
    judge: Caller, clerk: Caller, new_caller: NewCaller, server: TestServer, database: Database
) -> None:
    hearing = await schedule_hearing(judge)
    party = await invite(judge, hearing["id"])
    waiting = SignalClient(str(server.make_url("")).rstrip("/"))
    await waiting.connect(hearing["id"], invitation=party["invitation"]["token"])
    try:
        sent = await clerk.call(
            "POST", f"/hearings/{hearing['id']}/notices", {"text": "10:30 开庭"}, expect=201
        )
        assert sent["text"] == "10:30 开庭" and sent["by"] == "clerk"
        notice = await waiting.wait_for("notice")
        assert notice == sent
    finally:
        await waiting.sio.disconnect()
    async with database.session() as db:
        rows = (await db.scalars(select(HearingEvent).where(HearingEvent.kind == "notice"))).all()
    assert [(row.hearing_id, row.data) for row in rows] == [(hearing["id"], {"text": "10:30 开庭"})]


async def test_only_the_bench_posts_notices_and_only_before_the_end(
    judge: Caller, other_judge: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge)
    party = await holder(new_caller, (await invite(judge, hearing["id"]))["invitation"]["token"])
    path = f"/hearings/{hearing['id']}/notices"
    assert (await party.status("POST", path, {"text": "hello"}))[0] == 403
    assert (await other_judge.status("POST", path, {"text": "hello"}))[0] in (403, 404)
    assert (await judge.status("POST", path, {"text": ""}))[0] == 422
    assert (await judge.status("POST", path, {"text": "x" * 501}))[0] == 422
    await judge.call("POST", f"/hearings/{hearing['id']}/cancel")
    status, body = await judge.status("POST", path, {"text": "hello"})
    assert status == 403 and "cancelled" in body["error"]["message"]
