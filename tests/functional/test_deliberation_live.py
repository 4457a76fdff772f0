"""A panel's deliberation through the real app on both databases: scheduled from the trial over
REST, its judges (one of another court, by the copied grant) join with their sessions and the
people's assessor with a new invitation; a question is voted on with opinions over socket.io; the
ballots' opinions, the result with the dissent and the transcript's line are kept."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from hearing_server.db.vote_rows import BallotRow, MotionRow
from tests.callers import Caller, World, invite, schedule_hearing
from tests.integration.courtroom import session_cookie
from tests.signal_client import SignalClient


def code(reply: dict[str, Any]) -> str:
    return str(reply.get("error", {}).get("code"))


async def test_a_panel_deliberates_and_keeps_every_opinion(
    judge: Caller, other_judge: Caller, server: TestServer, database: Database, world: World
) -> None:
    url = str(server.make_url("")).rstrip("/")
    trial = await schedule_hearing(judge, "(2026)A民初11号", clerk_id=world.clerk_id)
    await invite(judge, trial["id"], role="assessor", name="赵陪审员")
    await judge.call(
        "POST", f"/hearings/{trial['id']}/bench-grants", {"user_id": world.other_judge_id}
    )
    delib = await judge.call("POST", f"/hearings/{trial['id']}/deliberation", {}, expect=201)
    hid = delib["id"]
    seats = (await judge.call("GET", f"/hearings/{hid}/participants"))["items"]
    assessor = next(p for p in seats if p["role"] == "assessor")
    # the assessor holds no account: a new invitation of their own brings them in
    invitation = await judge.call("POST", f"/participants/{assessor['id']}/invitation", {})
    question = await judge.call(
        "POST", f"/hearings/{hid}/motions", {"title": "被告是否构成违约", "rule": "panel_majority"}
    )
    vote = {"motion_id": question["id"]}

    presiding, colleague, people = SignalClient(url), SignalClient(url), SignalClient(url)
    try:
        await presiding.connect(hid, cookie=session_cookie(judge))
        await colleague.connect(hid, cookie=session_cookie(other_judge))
        await people.connect(hid, invitation=invitation["token"])
        for step in ("open", "start_session"):
            assert "error" not in await presiding.call(step)
        assert code(await presiding.call("open_vote", vote)) == "not_vote_phase"
        assert "error" not in await presiding.call("set_phase", {"phase": "decision"})
        assert await presiding.call("open_vote", vote) == {"ok": True}
        shown = await people.wait_for(
            "room", lambda r: (r.get("vote") or {}).get("state") == "open"
        )
        assert shown["vote"]["voters"] == [assessor["id"]]

        ballot = {**vote, "choice": "for"}
        assert code(await colleague.call("cast_ballot", ballot)) == "opinion_required"
        too_long = {**ballot, "opinion": "意" * 4001}
        assert code(await colleague.call("cast_ballot", too_long)) == "invalid_payload"
        mine = {**ballot, "opinion": "构成违约", "creditor_id": assessor["id"]}
        assert code(await colleague.call("cast_ballot", mine)) == "not_yours"
        assert (await presiding.call("cast_ballot", {**ballot, "opinion": "构成违约"}))["ok"]
        assert (await colleague.call("cast_ballot", {**ballot, "opinion": "同意"}))["ok"]
        against = {**vote, "choice": "against", "opinion": "合同已解除"}
        assert (await people.call("cast_ballot", against))["ok"]
        assert code(await people.call("cast_ballot", against)) == "already_voted"
        assert await presiding.call("close_vote", vote) == {"ok": True, "passed": True}
        closed = await people.wait_for(
            "room", lambda r: (r.get("vote") or {}).get("state") == "closed"
        )
        dissent = [(o["name"], o["opinion"]) for o in closed["vote"]["opinions"] if o["dissent"]]
        assert dissent == [("赵陪审员", "合同已解除")]
    finally:
        for client in (presiding, colleague, people):
            await client.close()

    async with database.session() as db:
        ballots = (await db.scalars(select(BallotRow).order_by(BallotRow.id))).all()
        assert [(b.choice.value, b.opinion) for b in ballots] == [
            ("for", "构成违约"),
            ("for", "同意"),
            ("against", "合同已解除"),
        ]
        row = await db.get(MotionRow, question["id"])
        assert row is not None and row.result is not None and row.result["passed"] is True
        event = await db.scalar(
            select(HearingEvent).where(
                HearingEvent.hearing_id == hid, HearingEvent.kind == "vote_closed"
            )
        )
        assert event is not None and event.data is not None
        assert len(event.data["result"]["opinions"]) == 3
    listed = (await judge.call("GET", f"/hearings/{hid}/motions"))["items"]
    assert [o["dissent"] for o in listed[0]["opinions"]].count(True) == 1
    text = str(await judge.call("GET", f"/hearings/{hid}/transcript"))
    assert "第1项议题“被告是否构成违约”开始表决" in text
    assert "少数意见：赵陪审员：合同已解除" in text
