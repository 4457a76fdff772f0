"""A creditors' meeting's vote through the real app on both databases: the bench sets claims and
motions over REST, headless socket.io clients vote, the judge closes, everyone receives the
result; the ballots, the result and the timeline are kept, and the transcript words them. Every
refusal comes back as an error acknowledgement with its code."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from hearing_server.db.vote_rows import BallotRow, MotionRow
from tests.callers import Caller, invite, schedule_hearing
from tests.integration.courtroom import session_cookie
from tests.signal_client import SignalClient

CLAIMS = {"甲银行": (600_000_00, "secured"), "乙公司": (300_000_00, "ordinary")}
CLAIMS |= {"丙公司": (200_000_00, "ordinary"), "丁公司": (100_000_00, "ordinary")}


def code(reply: dict[str, Any]) -> str:
    return str(reply.get("error", {}).get("code"))


async def test_a_meeting_votes_on_a_motion(
    judge: Caller, server: TestServer, database: Database
) -> None:
    url = str(server.make_url("")).rstrip("/")
    hearing = await schedule_hearing(judge, "(2026)A破3号", kind="creditors_meeting")
    hid = hearing["id"]
    seats = {name: await invite(judge, hid, role="creditor", name=name) for name in CLAIMS}
    ids = {name: seat["participant"]["id"] for name, seat in seats.items()}
    agent = await invite(judge, hid, role="agent", name="丙公司代理人", represents_id=ids["丙公司"])
    debtor = await invite(judge, hid, role="party", name="债务人")
    await judge.call(
        "PUT",
        f"/hearings/{hid}/claims",
        {
            "items": [
                {"participant_id": ids[name], "amount_fen": fen, "group": group}
                for name, (fen, group) in CLAIMS.items()
            ]
        },
    )
    motion = await judge.call(
        "POST",
        f"/hearings/{hid}/motions",
        {"title": "财产变价方案", "rule": "ordinary"},
        expect=201,
    )
    other = await schedule_hearing(judge, "(2026)A破4号", kind="creditors_meeting")
    stranger = await invite(judge, other["id"], role="creditor", name="外人")
    foreign = await judge.call(
        "POST",
        f"/hearings/{other['id']}/motions",
        {"title": "方案", "rule": "ordinary"},
        expect=201,
    )

    bench = SignalClient(url)
    clients: dict[str, SignalClient] = {}
    try:
        await bench.connect(hid, cookie=session_cookie(judge))
        for name in ("甲银行", "乙公司"):  # 丁公司 stays away
            clients[name] = SignalClient(url)
            await clients[name].connect(hid, invitation=seats[name]["invitation"]["token"])
        clients["agent"] = SignalClient(url)
        await clients["agent"].connect(hid, invitation=agent["invitation"]["token"])
        clients["debtor"] = SignalClient(url)
        await clients["debtor"].connect(hid, invitation=debtor["invitation"]["token"])
        for step in ("open", "start_session", "admit_all"):
            assert "error" not in await bench.call(step)
        ballot = {"motion_id": motion["id"], "choice": "for"}
        bank, firm, lawyer = clients["甲银行"], clients["乙公司"], clients["agent"]

        assert code(await bench.call("open_vote", {"motion_id": motion["id"]})) == "not_vote_phase"
        assert "error" not in await bench.call("set_phase", {"phase": "vote"})
        assert code(await bank.call("cast_ballot", ballot)) == "vote_not_open"  # before it opens
        assert code(await bank.call("open_vote", {"motion_id": motion["id"]})) == "forbidden"
        assert code(await bench.call("open_vote", {"motion_id": foreign["id"]})) == "not_found"
        assert await bench.call("open_vote", {"motion_id": motion["id"]}) == {"ok": True}
        shown = await bank.wait_for("room", lambda r: (r.get("vote") or {}).get("state") == "open")
        assert (
            shown["vote"]["voters"] == [ids["甲银行"]] and shown["vote"]["title"] == "财产变价方案"
        )

        malformed: list[Any] = [
            {"motion_id": "1", "choice": "for"},
            {"motion_id": motion["id"], "choice": "maybe"},
            {"motion_id": motion["id"], "choice": "for", "extra": 1},
            {"motion_id": motion["id"], "choice": "for", "creditor_id": 2**31},
            {"motion_id": motion["id"], "choice": "for" * 2000},
            {"motion_id": True, "choice": "for"},
            [],
            "for",
        ]
        for bad in malformed:
            assert code(await bank.call("cast_ballot", bad)) == "invalid_payload", bad
        wrong_hearing = {**ballot, "creditor_id": stranger["participant"]["id"]}
        assert code(await bank.call("cast_ballot", wrong_hearing)) == "not_found"
        assert code(await bank.call("cast_ballot", {**ballot, "motion_id": foreign["id"]})) == (
            "vote_not_open"
        )
        for_another = {**ballot, "creditor_id": ids["乙公司"]}
        assert code(await bank.call("cast_ballot", for_another)) == "not_yours"
        assert code(await clients["debtor"].call("cast_ballot", ballot)) == "forbidden"
        assert code(await bench.call("cast_ballot", ballot)) == "forbidden"

        assert await bank.call("cast_ballot", ballot) == {
            "ok": True,
            "creditor_id": ids["甲银行"],
            "choice": "for",
        }
        assert code(await bank.call("cast_ballot", {**ballot, "choice": "against"})) == (
            "already_voted"
        )
        assert (await lawyer.call("cast_ballot", ballot))["creditor_id"] == ids["丙公司"]
        assert (await firm.call("cast_ballot", {**ballot, "choice": "abstain"}))["ok"] is True
        tally = await bench.wait_for("room", lambda r: (r.get("vote") or {}).get("cast") == 3)
        assert tally["vote"]["tally"]["overall"]["for_count"] == 2
        assert tally["vote"]["tally"]["passed"] is None and tally["vote"]["cast"] == 3
        assert firm.room["vote"]["tally"] is None  # no live tally for the creditors

        assert code(await bank.call("close_vote", {"motion_id": motion["id"]})) == "forbidden"
        assert await bench.call("close_vote", {"motion_id": motion["id"]}) == {
            "ok": True,
            "passed": False,
        }
        for client in (bench, bank, firm, lawyer, clients["debtor"]):
            result = await client.wait_for(
                "room", lambda r: (r.get("vote") or {}).get("state") == "closed"
            )
            overall = result["vote"]["tally"]["overall"]
            # present with a vote: 甲 (secured: a head), 乙, 丙 (through the agent); 丁 absent
            assert (overall["present"], overall["for_count"], overall["absent"]) == (3, 2, 1)
            assert (overall["for_fen"], overall["total_fen"]) == (200_000_00, 600_000_00)
            assert result["vote"]["tally"]["passed"] is False
        assert code(await firm.call("cast_ballot", ballot)) == "vote_closed"
        assert code(await bench.call("open_vote", {"motion_id": motion["id"]})) == "vote_done"
    finally:
        for client in (bench, *clients.values()):
            await client.close()

    async with database.session() as db:
        ballots = (await db.scalars(select(BallotRow).order_by(BallotRow.id))).all()
        assert [(b.participant_id, b.choice.value) for b in ballots] == [
            (ids["甲银行"], "for"),
            (ids["丙公司"], "for"),
            (ids["乙公司"], "abstain"),
        ]
        assert ballots[1].cast_by_id == agent["participant"]["id"]
        row = await db.get(MotionRow, motion["id"])
        assert row is not None and row.state.value == "closed" and row.result is not None
        assert row.result["passed"] is False
        kinds = (
            await db.scalars(
                select(HearingEvent.kind)
                .where(HearingEvent.hearing_id == hid, HearingEvent.kind.like("%vote%"))
                .order_by(HearingEvent.id)
            )
        ).all()
        assert kinds == ["vote_opened", "vote_closed"]
    listed = await judge.call("GET", f"/hearings/{hid}/motions")
    assert listed["items"][0]["result"]["overall"]["for_count"] == 2
    transcript = await judge.call("GET", f"/hearings/{hid}/transcript")
    text = str(transcript)
    assert "第1项议案“财产变价方案”开始表决" in text and "表决结果：未通过" in text


async def test_closing_the_meeting_closes_its_open_vote(
    judge: Caller, server: TestServer, database: Database
) -> None:
    """A vote the bench left open when it closed the meeting is closed with it, counted as it
    stood: the row is closed with its result, the timeline and the transcript say so."""
    url = str(server.make_url("")).rstrip("/")
    hid = (await schedule_hearing(judge, "(2026)A破5号", kind="creditors_meeting"))["id"]
    seats = {name: await invite(judge, hid, role="creditor", name=name) for name in CLAIMS}
    ids = {name: seat["participant"]["id"] for name, seat in seats.items()}
    items = [
        {"participant_id": ids[name], "amount_fen": fen, "group": group}
        for name, (fen, group) in CLAIMS.items()
    ]
    await judge.call("PUT", f"/hearings/{hid}/claims", {"items": items})
    motion = await judge.call(
        "POST", f"/hearings/{hid}/motions", {"title": "债权人会议议事规则", "rule": "ordinary"}
    )
    bench, firm = SignalClient(url), SignalClient(url)
    try:
        await bench.connect(hid, cookie=session_cookie(judge))
        await firm.connect(hid, invitation=seats["乙公司"]["invitation"]["token"])
        for step in ("open", "start_session", "admit_all"):
            assert "error" not in await bench.call(step)
        assert "error" not in await bench.call("set_phase", {"phase": "vote"})
        assert await bench.call("open_vote", {"motion_id": motion["id"]}) == {"ok": True}
        ballot = {"motion_id": motion["id"], "choice": "for"}
        assert (await firm.call("cast_ballot", ballot))["ok"] is True
        assert code(await firm.call("close", {})) == "forbidden"
        assert await bench.call("close") == {"ok": True}
        await firm.wait_for("closed")
    finally:
        await bench.close()
        await firm.close()

    async with database.session() as db:
        row = await db.get(MotionRow, motion["id"])
        # 乙 alone present and for: 1 of 1 head; 300,000 of 600,000 unsecured is half
        assert row is not None and row.state.value == "closed" and row.result is not None
        assert row.result["passed"] is True
        kinds = (
            await db.scalars(
                select(HearingEvent.kind)
                .where(
                    HearingEvent.hearing_id == hid, HearingEvent.kind.in_(("vote_closed", "state"))
                )
                .order_by(HearingEvent.id)
            )
        ).all()
        assert kinds[-2:] == ["vote_closed", "state"]
    listed = await judge.call("GET", f"/hearings/{hid}/motions")
    assert listed["items"][0]["state"] == "closed"
    text = str(await judge.call("GET", f"/hearings/{hid}/transcript"))
    assert "随闭会结束" in text and "表决结果：通过" in text
