"""Presenting an exhibit end to end (docs/architecture.md#presenting-an-exhibit): a party's PDF,
uploaded through the API, put on screen by the judge; everyone in the hearing proper is sent it
with links of their own that fetch the page's picture with no other credentials, the waiting
room nothing; the moves arrive; the exhibit is disclosed once shown; the timeline and the audit
log have it; and every wrong event is refused, never a crash."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, HearingEvent
from tests.callers import Caller, NewCaller, holder
from tests.functional.test_exhibit_uploads import upload
from tests.functional.test_exhibits_api import submit
from tests.headless import HeadlessParticipant
from tests.integration.courtroom import Courtroom, start
from tests.pdf_files import made_by_pdfium


async def plaintiffs_pdf(
    courtroom: Courtroom, judge: Caller, new_caller: NewCaller
) -> dict[str, Any]:
    """Party A's exhibit of two pages, not exchanged: {"exhibit": ..., "file": ...}."""
    party_a = await holder(new_caller, courtroom.seats["party_a"].invitation or "")
    hearing = await judge.call("GET", f"/hearings/{courtroom.hearing_id}")
    exhibit = await submit(party_a, hearing["case_id"], "借款合同")
    answer = await upload(party_a, exhibit["id"], "合同 第1版.pdf", made_by_pdfium(2))
    return {"exhibit": exhibit, "file": answer["file"], "case_id": hearing["case_id"]}


def shown(person: HeadlessParticipant) -> dict[str, Any] | None:
    presentation: dict[str, Any] | None = person.signal.room.get("presentation")
    return presentation


async def picture(courtroom: Courtroom, page_url: str, page: int) -> tuple[int, str, bytes]:
    """Fetch a page's picture as an <img> would: the signed link only, no cookie, no header."""
    url = courtroom.url + page_url.replace("{page}", str(page)).replace("{width}", "480")
    async with ClientSession() as http, http.get(url) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.read()


async def test_the_judge_presents_a_partys_pdf_and_everyone_in_the_hearing_sees_the_page(
    courtroom: Courtroom, judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    pdf = await plaintiffs_pdf(courtroom, judge, new_caller)
    people = await start(courtroom, "party_a", "party_b", publish=())
    witness = await courtroom.join("witness", publish=False)  # waits: not called in
    judge_peer, party_b = people["judge"], people["party_b"]
    exhibit_id, file_id = pdf["exhibit"]["id"], pdf["file"]["id"]

    party_b_caller = await holder(new_caller, courtroom.seats["party_b"].invitation or "")
    before = await party_b_caller.call("GET", f"/cases/{pdf['case_id']}/exhibits")
    assert exhibit_id not in [e["id"] for e in before["items"]]  # not exchanged yet

    reply = await judge_peer.signal.call(
        "present", {"exhibit_id": exhibit_id, "file_id": file_id, "page": 2}
    )
    assert reply == {"ok": True}, reply
    for person in (judge_peer, people["party_a"], party_b):
        view = await person.signal.wait_for(
            "room", lambda room: room.get("presentation") is not None
        )
        presentation = view["presentation"]
        assert presentation["exhibit_id"] == exhibit_id and presentation["view"]["page"] == 2
        assert presentation["label"] == "原告证据1" and presentation["pages"] == 2
        assert presentation["name"] == "合同 第1版.pdf"
    assert all(room.get("presentation") is None for room in witness.signal.received["room"])

    presentation = shown(party_b)
    assert presentation is not None
    status, kind, body = await picture(courtroom, presentation["page_url"], 2)
    assert (status, kind) == (200, "image/webp") and body[:4] == b"RIFF", status
    status, _, _ = await picture(courtroom, presentation["page_url"].replace("link=", "link=x"), 2)
    assert status == 403
    # shown in court: the other side now sees it on its own evidence screen too
    after = await party_b_caller.call("GET", f"/cases/{pdf['case_id']}/exhibits")
    assert exhibit_id in [e["id"] for e in after["items"]]

    # the judge turns back to page 1 and points: the party gets the move
    move = {"page": 1, "zoom": 2, "x": 0.25, "y": 0.5, "pointer": {"x": 0.3, "y": 0.6}}
    assert (await judge_peer.signal.call("present_view", move)) == {"ok": True}
    moved = await party_b.signal.wait_for("present_view", lambda m: m["view"]["page"] == 1)
    assert moved["view"]["pointer"] == {"x": 0.3, "y": 0.6} and moved["seq"] == 1
    assert witness.signal.received["present_view"] == []
    assert (await judge_peer.signal.call("stop_presenting")) == {"ok": True}
    await party_b.signal.wait_for("room", lambda room: room.get("presentation") is None)

    async with database.session() as db:
        kinds = list(
            await db.scalars(
                select(HearingEvent.kind)
                .where(
                    HearingEvent.hearing_id == courtroom.hearing_id,
                    HearingEvent.kind.like("%present%"),
                )
                .order_by(HearingEvent.id)
            )
        )
        audited = list(
            await db.scalars(
                select(AuditEntry.actor).where(AuditEntry.action == "view_exhibit_page")
            )
        )
    assert kinds == ["exhibit_presented", "presentation_page", "presentation_stopped"]
    assert any(actor.startswith(f"participant:{courtroom.id('party_b')}") for actor in audited)


MALFORMED: list[tuple[str, Any]] = [
    ("present", {}),
    ("present", {"exhibit_id": "1", "file_id": 1}),
    ("present", {"exhibit_id": 1, "file_id": 1, "page": 0}),
    ("present", {"exhibit_id": 1, "file_id": True}),
    ("present", {"exhibit_id": 1, "file_id": 1, "extra": 1}),
    ("present", [1, 2]),
    ("present_view", {"page": -1}),
    ("present_view", {"zoom": 100}),
    ("present_view", {"x": -0.1}),
    ("present_view", {"pointer": {"x": 2, "y": 0}}),
    ("present_view", {"position": -5}),
    ("present_view", "page 2"),
    ("give_floor", {"participant_id": "everyone"}),
    ("give_floor", {"participant_id": 1, "allowed": "yes"}),
]


async def test_wrong_presentations_are_refused(
    courtroom: Courtroom, judge: Caller, new_caller: NewCaller
) -> None:
    pdf = await plaintiffs_pdf(courtroom, judge, new_caller)
    exhibit_id, file_id = pdf["exhibit"]["id"], pdf["file"]["id"]
    people = await start(courtroom, "party_a", "party_b", "observer", publish=())
    judge_peer, party_a, party_b = people["judge"], people["party_a"], people["party_b"]
    present = {"exhibit_id": exhibit_id, "file_id": file_id}

    for event, payload in MALFORMED:
        reply = await judge_peer.signal.call(event, payload)
        assert reply["error"]["code"] == "invalid_payload", (event, payload, reply)
    reply = await people["observer"].signal.call("present", present)
    assert reply["error"]["code"] == "forbidden", reply
    reply = await party_a.signal.call("present", present)
    assert reply["error"]["code"] == "no_floor", reply  # the judge did not give it
    reply = await judge_peer.signal.call("present", {**present, "file_id": file_id + 1000})
    assert reply["error"]["code"] == "no_such_exhibit", reply
    reply = await judge_peer.signal.call("present", {**present, "page": 3})
    assert reply["error"]["code"] == "no_such_page", reply
    reply = await judge_peer.signal.call("give_floor", {"participant_id": 2**31 - 1})
    assert reply["error"]["code"] == "not_found", reply

    # the floor to the defendant: they may present only what they see (not yet the plaintiff's)
    floor = {"participant_id": courtroom.id("party_b"), "allowed": True}
    assert (await judge_peer.signal.call("give_floor", floor)) == {"ok": True}
    await party_b.signal.wait_for("room", lambda room: room["you"]["may_present"])
    reply = await party_b.signal.call("present", present)
    assert reply["error"]["code"] == "no_such_exhibit", reply
    reply = await party_a.signal.call("present_view", {"page": 1})
    assert reply["error"]["code"] == "not_presenting", reply
    # after all that, presenting works and the hearing goes on
    assert (await judge_peer.signal.call("present", present)) == {"ok": True}
    await party_b.signal.wait_for("room", lambda room: room.get("presentation") is not None)
    assert (await party_b.signal.call("present", present)) == {"ok": True}  # now disclosed
    view = await party_a.signal.wait_for(
        "room",
        lambda room: (
            (room.get("presentation") or {}).get("presenter_id") == courtroom.id("party_b")
        ),
    )
    assert view["presentation"]["file_id"] == file_id
