"""A mediation agreement over REST on both databases (docs/architecture.md#mediation-agreement):
the mediator writes it while the mediation is live, the parties sign it with a drawn signature
naming the text they read; a change makes them sign again, the earlier signature kept; the court
closes it; every step on the timeline. Wrong kinds, stale versions and digests, bad pictures,
the wrong people and steps after closing are refused with a clear 4xx."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import PurePosixPath
from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording
from recording.verify import verify
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import session_cookie
from tests.integration.peers import wait_until
from tests.signal_client import SignalClient
from tests.signatures import b64, blank_png, jpeg, png

TERMS = "一、被申请人于2027年1月15日前支付申请人工资12000元。\n二、申请人放弃其他请求。"


async def receiving_anything(mediator: HeadlessParticipant) -> None:
    """Wait until the server has the mediator's media flowing (the recorder gets it)."""
    await wait_until(lambda: mediator.peer.connected_at is not None, 15, "the connection")


def signature(digest: str, name: str = "工人甲") -> dict[str, Any]:
    return {"name": name, "image": b64(png()), "digest": digest}


async def test_the_parties_sign_the_agreement_and_the_court_closes_it(
    judge: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
    server: TestServer,
    database: Database,
    settings: Settings,
) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民调77号", kind="mediation")
    hid = hearing["id"]
    worker = await invite(judge, hid, name="工人甲", side="plaintiff")
    employer = await invite(judge, hid, name="某公司代表", side="defendant")
    path = f"/hearings/{hid}/agreement"
    status, body = await judge.status("PUT", path, {"text": TERMS, "version": 0})
    assert (status, body["error"]["code"]) == (403, "forbidden")  # not live yet

    # the mediator publishes (a headless camera and microphone): the hearing is recorded
    mediator = HeadlessParticipant(
        str(server.make_url("")).rstrip("/"), SendTimes(), cookie=session_cookie(judge)
    )
    bench = mediator.signal
    await mediator.join(hid)
    try:
        for step in ("open", "start_session"):
            assert "error" not in await bench.call(step)
        status, body = await judge.status("GET", path)
        assert (status, body["error"]["code"]) == (404, "no_agreement")
        written = await judge.call("PUT", path, {"text": TERMS, "version": 0})
        assert (written["version"], written["text"]) == (1, TERMS)
        assert [s["signed_at"] for s in written["signers"]] == [None, None]
        status, body = await judge.status("PUT", path, {"text": "别的", "version": 0})
        assert (status, body["error"]["code"]) == (409, "agreement_changed")

        a = await holder(new_caller, worker["invitation"]["token"])
        b = await holder(new_caller, employer["invitation"]["token"])
        read = await a.call("GET", path)
        assert read["text"] == TERMS and [s["name"] for s in read["signers"]] == ["工人甲"]
        signed = await a.call("POST", f"{path}/signature", signature(read["digest"]), expect=201)
        assert signed["signers"][0]["signed_at"] is not None
        status, body = await a.status("POST", f"{path}/signature", signature(read["digest"]))
        assert (status, body["error"]["code"]) == (409, "already_signed")
        for bad, code in (
            ({"image": b64(blank_png())}, "bad_signature"),
            ({"image": b64(jpeg())}, "bad_signature"),
            ({"image": "not base64!"}, "bad_signature"),
        ):
            status, body = await b.status(
                "POST", f"{path}/signature", signature(read["digest"]) | bad
            )
            assert (status, body["error"]["code"]) == (422, code), bad
        for malformed in ({"digest": "x"}, {"name": ""}, {"extra": 1}, {"image": ""}):
            body = signature(read["digest"]) | malformed
            assert (await b.status("POST", f"{path}/signature", body))[0] == 422, malformed

        # the mediator changes the terms: signed again, the earlier signature kept
        changed = await judge.call(
            "PUT", path, {"text": TERMS + "\n三、本协议自签名之日起生效。", "version": 1}
        )
        assert changed["version"] == 2
        mine = (await a.call("GET", path))["signers"][0]
        assert (mine["signed_at"], mine["signed_earlier"]) == (None, True)
        status, body = await b.status("POST", f"{path}/signature", signature(read["digest"]))
        assert (status, body["error"]["code"]) == (409, "agreement_changed")
        for person, name in ((a, "工人甲"), (b, "某公司代表")):
            await person.call(
                "POST", f"{path}/signature", signature(changed["digest"], name), expect=201
            )

        # wrong people
        assert (await other_judge.status("GET", path))[0] == 404
        assert (await other_judge.status("PUT", path, {"text": "x", "version": 2}))[0] == 404
        assert (await a.status("PUT", path, {"text": "x", "version": 2}))[0] == 403
        assert (await a.status("POST", f"{path}/close"))[0] == 403
        assert (await judge.status("POST", f"{path}/signature", signature(changed["digest"])))[
            0
        ] == 403
        wrong: dict[str, Any]
        for wrong in (
            {"text": "", "version": 2},
            {"text": "x" * 20_001, "version": 2},
            {"text": "x"},
        ):
            assert (await judge.status("PUT", path, wrong))[0] == 422, wrong

        status, body = await judge.status("POST", f"{path}/close")
        assert (status, body["error"]["code"]) == (409, "hearing_not_closed")
        await receiving_anything(mediator)
        assert "error" not in await bench.call("close")
        closed = await judge.call("POST", f"{path}/close")
        assert closed["closed_at"] is not None and closed["sealed_sha256"] is not None
        assert all(s["signed_at"] for s in closed["signers"])
        status, body = await judge.status("PUT", path, {"text": "x", "version": 2})
        assert (status, body["error"]["code"]) == (409, "agreement_closed")
        status, body = await judge.status("POST", f"{path}/close")
        assert (status, body["error"]["code"]) == (409, "agreement_closed")
    finally:
        await mediator.close()

    async with database.session() as db:
        kinds = list(
            await db.scalars(
                select(HearingEvent.kind)
                .where(HearingEvent.hearing_id == hid, HearingEvent.kind.like("agreement_%"))
                .order_by(HearingEvent.id)
            )
        )
        manifest_key = await db.scalar(
            select(Recording.manifest_path).where(Recording.hearing_id == hid)
        )
    assert kinds == [
        "agreement_written",
        "agreement_signed",
        "agreement_written",
        "agreement_signed",
        "agreement_signed",
        "agreement_closed",
        "agreement_sealed",
    ]
    # sealed with the recording: the verifier checks the document's every byte (once the
    # archive video, rendered in the background after close, is sealed too)
    assert manifest_key is not None

    async def rendered() -> bool:
        async with database.session() as db:
            state = await db.scalar(
                select(Recording.render_state).where(Recording.hearing_id == hid)
            )
        return state in ("done", "failed")

    for _ in range(600):
        if await rendered():
            break
        await asyncio.sleep(0.1)
    manifest = settings.recordings_dir / manifest_key
    report = verify(manifest)
    assert report.problems == [], report.problems
    document_path = manifest.parent / "agreement.json"
    document = json.loads(document_path.read_text())
    assert document["text"] == closed["text"] and document["digest"] == closed["digest"]
    assert [(s["name"], s["of_closed_text"]) for s in document["signatures"]] == [
        ("工人甲", False),
        ("工人甲", True),
        ("某公司代表", True),
    ]
    assert hashlib.sha256(document_path.read_bytes()).hexdigest() == closed["sealed_sha256"]
    document_path.write_bytes(document_path.read_bytes().replace("工资".encode(), "奖金".encode()))
    assert [(p.kind, p.subject) for p in verify(manifest).problems] == [
        ("file_changed", str(PurePosixPath(manifest_key).parent / "agreement.json"))
    ]


async def test_only_a_mediation_has_an_agreement(judge: Caller, server: TestServer) -> None:
    hearing = await schedule_hearing(judge, "(2026)浙0402民初78号")
    bench = SignalClient(str(server.make_url("")).rstrip("/"))
    await bench.connect(hearing["id"], cookie=session_cookie(judge))
    try:
        assert "error" not in await bench.call("open")
        status, body = await judge.status(
            "PUT", f"/hearings/{hearing['id']}/agreement", {"text": TERMS, "version": 0}
        )
        assert (status, body["error"]["code"]) == (422, "invalid_request")
    finally:
        await bench.close()
