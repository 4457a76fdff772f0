"""The transcript's confirmation over REST (docs/architecture.md#transcript): after the
hearing, those who spoke sign it (on their phone, or the detainee at the centre's terminal),
refuse to, or ask for a correction; the court answers, corrects, records refusals and closes
the record; then nothing in it changes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from court.transcript_signing import IMAGE_BYTES
from hearing_server.api.transcript_signing_models import IMAGE_BASE64
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, Hearing, HearingEvent
from hearing_server.transcript_signing import confirmation_record
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.signatures import b64, blank_png, jpeg, png

START = datetime.now(UTC) - timedelta(hours=1)


def entry(text: str, speaker_id: int | None, minutes: int) -> dict[str, Any]:
    at = (START + timedelta(minutes=minutes)).isoformat()
    return {"key": uuid.uuid4().hex, "speaker_id": speaker_id, "text": text, "at": at}


async def set_state(
    database: Database, hearing_id: int, state: str, at: datetime | None = None
) -> None:
    """Put the hearing in ``state`` as the live hearing would: its row and its timeline."""
    async with database.session() as db:
        was = await db.scalar(select(Hearing.state).where(Hearing.id == hearing_id))
        await db.execute(update(Hearing).where(Hearing.id == hearing_id).values(state=state))
        db.add(
            HearingEvent(
                hearing_id=hearing_id,
                kind="state",
                actor="user:1:judge",
                from_value=str(was),
                to_value=state,
                at=at or datetime.now(UTC),
            )
        )
        await db.commit()


class Cast:
    """A criminal hearing held and closed: who took part, the entries the clerk wrote."""

    def __init__(self, hearing: dict[str, Any], people: dict[str, Any], entries: list[Any]):
        self.hearing = hearing
        self.id: int = hearing["id"]
        self.people = people
        self.entries = entries

    def path(self, tail: str) -> str:
        return f"/hearings/{self.id}/transcript{tail}"


async def held_hearing(
    judge: Caller, clerk: Caller, database: Database, world: World, number: str = "(2026)A刑初1号"
) -> Cast:
    hearing = await schedule_hearing(judge, number, kind="criminal_trial", public=True)
    people: dict[str, Any] = {}
    for key, role, name, extra in (
        ("party", "party", "张三", {}),
        ("other", "party", "李四", {}),
        ("witness", "witness", "赵六", {}),
        ("detainee", "detainee", "王五", {"detention_centre_id": world.centre_id}),
        ("observer", "observer", "旁听人", {}),
    ):
        created = await invite(judge, hearing["id"], role=role, name=name, **extra)
        people[key] = created["participant"]
        invitation = created["invitation"]
        people[key]["token"] = None if invitation is None else invitation["token"]
    await set_state(database, hearing["id"], "open", START)
    await set_state(database, hearing["id"], "in_session", START + timedelta(seconds=30))
    entries = [
        await clerk.call(
            "POST",
            f"/hearings/{hearing['id']}/transcript/entries",
            entry(text, people[who]["id"] if who else None, minutes),
            expect=201,
        )
        for text, who, minutes in (
            ("请被告人陈述。", None, 1),
            ("我借了五万元。", "party", 2),
            ("我方对借款金额有异议。", "other", 3),
        )
    ]
    return Cast(hearing, people, entries)


async def signature(caller: Caller, cast: Cast, name: str, digest: str) -> tuple[int, Any]:
    body = {"name": name, "image": b64(png(seed=len(name))), "digest": digest}
    return await caller.status("POST", cast.path("/signature"), body)


async def test_the_record_is_signed_corrected_signed_again_and_closed(
    judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database, world: World
) -> None:
    cast = await held_hearing(judge, clerk, database, world)
    zhang = await holder(new_caller, cast.people["party"]["token"])
    li = await holder(new_caller, cast.people["other"]["token"])
    zhao = await holder(new_caller, cast.people["witness"]["token"])
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)

    # before the hearing is closed there is nothing to sign
    status, error = await zhang.status("GET", cast.path("/confirmation"))
    assert (status, error["error"]["code"]) == (403, "transcript_not_ready")
    status, error = await signature(zhang, cast, "张三", "0" * 64)
    assert (status, error["error"]["code"]) == (403, "transcript_not_ready")
    await set_state(database, cast.id, "closed")

    read = await zhang.call("GET", cast.path("/confirmation"))
    assert (read["case_number"], read["court_name"], read["record_closed"]) == (
        "(2026)A刑初1号",
        "A区人民法院",
        False,
    )
    texts = [line["entry"]["text"] if line["entry"] else line["fact"] for line in read["lines"]]
    assert texts == [
        "（庭审准备开始）",
        "（开庭）",
        "请被告人陈述。",
        "我借了五万元。",
        "我方对借款金额有异议。",
        "（闭庭）",
    ]
    assert read["mine"] == {
        "participant_id": cast.people["party"]["id"],
        "name": "张三",
        "role": "party",
        "status": "pending",
        "at": None,
        "signed_digest": None,
        "stale": False,
    }
    first_digest = read["digest"]

    # the party signs on their phone, the detainee at the centre's terminal
    status, signed = await signature(zhang, cast, "张三", first_digest)
    assert status == 201, signed
    assert (signed["name"], signed["digest"]) == ("张三", first_digest)
    picture = await zhang.client.get(
        signed["image_url"], headers={"Authorization": f"Invitation {zhang.invitation}"}
    )
    assert picture.status == 200 and picture.content_type == "image/png"
    assert await picture.read() == png(seed=2)
    at_terminal = await terminal.call("GET", cast.path("/confirmation"))
    assert at_terminal["mine"]["name"] == "王五" and at_terminal["digest"] == first_digest
    status, _ = await signature(terminal, cast, "王五", first_digest)
    assert status == 201
    # one person's signing does not change what the others sign
    assert (await li.call("GET", cast.path("/confirmation")))["digest"] == first_digest

    # the other party asks for a correction of their own words; the court accepts it
    asked = await li.call(
        "POST",
        cast.path("/corrections"),
        {"entry_id": cast.entries[2]["id"], "text": "我说的是“对利息有异议”，不是借款金额。"},
        expect=201,
    )
    assert asked["answer"] is None and asked["participant_id"] == cast.people["other"]["id"]
    status, error = await judge.status("POST", cast.path("/close"))
    assert (status, error["error"]["code"]) == (409, "corrections_pending")
    status, error = await li.status(
        "POST", f"/transcript-corrections/{asked['id']}/answer", {"accepted": True, "reason": "x"}
    )
    assert status == 403
    answer = {"accepted": True, "reason": "经核对录音，予以更正。"}
    answered = await clerk.call("POST", f"/transcript-corrections/{asked['id']}/answer", answer)
    assert answered["answer"]["accepted"] is True and answered["answer"]["by_name"] == "clerk"
    status, error = await judge.status(
        "POST", f"/transcript-corrections/{asked['id']}/answer", answer
    )
    assert (status, error["error"]["code"]) == (409, "already_answered")
    await clerk.call(
        "PATCH",
        f"/transcript-entries/{cast.entries[2]['id']}",
        {"version": 1, "text": "我方对利息有异议。"},
    )
    mine = await li.call("GET", cast.path("/confirmation"))
    assert mine["corrections"] == [answered]

    # the correction made the earlier signatures stale
    again = await zhang.call("GET", cast.path("/confirmation"))
    second_digest = again["digest"]
    assert second_digest != first_digest
    assert again["mine"]["status"] == "signed" and again["mine"]["stale"] is True
    assert again["mine"]["signed_digest"] == first_digest
    status, error = await signature(zhang, cast, "张三", first_digest)
    assert (status, error["error"]["code"]) == (409, "transcript_changed")
    assert error["error"]["details"][0]["digest"] == second_digest
    status, _ = await signature(zhang, cast, "张三", second_digest)
    assert status == 201
    status, error = await signature(zhang, cast, "张三", second_digest)
    assert (status, error["error"]["code"]) == (409, "already_signed")

    # the witness refuses on their own; the court records 李四's refusal
    refused = await zhao.call(
        "POST", cast.path("/refusal"), {"reason": "我没有说过这些话"}, expect=201
    )
    assert (refused["recorded_by"], refused["reason"]) == ("self", "我没有说过这些话")
    status, error = await zhao.status("POST", cast.path("/refusal"), {"reason": None})
    assert (status, error["error"]["code"]) == (409, "already_refused")
    by_court = await judge.call(
        "POST",
        cast.path("/refusals"),
        {"participant_id": cast.people["other"]["id"], "reason": None},
        expect=201,
    )
    assert by_court["recorded_by"] == "court" and by_court["reason"] is None

    board = await clerk.call("GET", cast.path("/confirmations"))
    assert board["digest"] == second_digest and board["record_closed"] is False
    standing = {s["name"]: (s["status"], s["stale"]) for s in board["signers"]}
    assert standing == {
        "张三": ("signed", False),
        "李四": ("refused", False),
        "赵六": ("refused", False),
        "王五": ("signed", True),
    }  # the observer does not sign; the detainee was not asked again yet
    zhang_row = next(s for s in board["signers"] if s["name"] == "张三")
    assert zhang_row["signature"]["digest"] == second_digest and zhang_row["refusal"] is None
    assert board["corrections"] == [answered]

    # the record says who signed, refused, asked and was answered, in its place
    facts = [
        line["fact"]
        for line in (await judge.call("GET", cast.path("")))["lines"]
        if line["kind"] == "fact"
    ]
    assert facts[-7:] == [
        "（张三签名确认笔录）",
        "（王五签名确认笔录）",
        "（李四申请更正笔录：我说的是“对利息有异议”，不是借款金额。）",
        "（法庭同意李四的更正申请，理由：经核对录音，予以更正。）",
        "（张三签名确认笔录）",
        "（赵六拒绝签名，理由：我没有说过这些话）",
        "（李四拒绝签名，由法庭记录在案）",
    ]

    closed = await judge.call("POST", cast.path("/close"))
    assert closed["digest"] == second_digest
    board = await clerk.call("GET", cast.path("/confirmations"))
    assert board["record_closed"] is True and board["closed_at"] == closed["closed_at"]

    # closed: no writing, signing, refusing or asking
    for caller, method, tail, body in (
        (terminal, "POST", "/signature", None),
        (li, "POST", "/corrections", {"text": "再更正"}),
        (zhang, "POST", "/refusal", {}),
        (clerk, "POST", "/entries", entry("补记", None, 9)),
        (clerk, "PUT", "/draft", entry("补记", None, 9)),
        (judge, "POST", "/close", None),
    ):
        if tail == "/signature":
            status, error = await signature(caller, cast, "王五", second_digest)
        else:
            status, error = await caller.status(method, cast.path(tail), body)
        assert (status, error["error"]["code"]) == (409, "record_closed"), (tail, error)
    status, error = await clerk.status(
        "PATCH", f"/transcript-entries/{cast.entries[1]['id']}", {"version": 1, "text": "改"}
    )
    assert (status, error["error"]["code"]) == (409, "record_closed")
    assert (await zhang.call("GET", cast.path("/confirmation")))["record_closed"] is True

    # what the record's PDF will be made of
    async with database.session() as db:
        held = await db.get(Hearing, cast.id)
        assert held is not None
        record = await confirmation_record(db, held)
        actions = set(await db.scalars(select(AuditEntry.action)))
    assert record.digest == second_digest and record.closed_at is not None
    assert [line.entry.text for line in record.lines if line.entry] == [
        "请被告人陈述。",
        "我借了五万元。",
        "我方对利息有异议。",
    ]
    signers = {s.name: s for s in record.signers}
    assert signers["张三"].png == png(seed=2) and signers["张三"].written_name == "张三"
    assert signers["王五"].stale and signers["王五"].png == png(seed=2)
    assert signers["李四"].png is None and signers["李四"].refusal_recorded_by == "court"
    assert len(record.confirmation_lines) == 8  # the seven above and the closing
    assert {
        "sign_transcript",
        "refuse_transcript",
        "record_transcript_refusal",
        "ask_transcript_correction",
        "answer_transcript_correction",
        "close_transcript",
        "view_transcript_signature",
    } <= actions


async def test_hostile_signatures_and_requests_are_refused_clearly(
    judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database, world: World
) -> None:
    cast = await held_hearing(judge, clerk, database, world)
    await set_state(database, cast.id, "closed")
    zhang = await holder(new_caller, cast.people["party"]["token"])
    digest = (await zhang.call("GET", cast.path("/confirmation")))["digest"]
    good = {"name": "张三", "image": b64(png()), "digest": digest}

    def sign(**change: Any) -> dict[str, Any]:
        return {**good, **change}

    drawn = png()
    huge = drawn + bytes(IMAGE_BYTES + 1 - len(drawn))  # a byte too many, within the request
    assert len(b64(huge)) <= IMAGE_BASE64
    for body, code in (
        (sign(image=b64(jpeg())), "bad_signature"),
        (sign(image=b64(blank_png())), "bad_signature"),
        (sign(image=b64(blank_png(colour="navy"))), "bad_signature"),
        (sign(image="这不是base64!!"), "bad_signature"),
        (sign(image="iVBORw0KGgo" + "A" * 41), "bad_signature"),  # a PNG's first bytes only
        (sign(image=b64(png()[:200])), "bad_signature"),  # cut short
        (sign(image=b64(png(width=2001, height=100))), "bad_signature"),
        (sign(image=b64(png(width=100, height=1001))), "bad_signature"),
        (sign(image=b64(huge)), "bad_signature"),
        (sign(image="A" * (IMAGE_BASE64 + 1)), "invalid_request"),  # longer than the field
        (sign(name="张" * 101), "invalid_request"),
        (sign(name="  "), "invalid_request"),
        (sign(name="a\x07b"), "invalid_request"),
        (sign(name=5), "invalid_request"),
        (sign(image=["x"]), "invalid_request"),
        (sign(digest=123), "invalid_request"),
        (sign(digest="DEADBEEF"), "invalid_request"),
        (sign(extra=True), "invalid_request"),
        ({"name": "张三"}, "invalid_request"),
    ):
        status, error = await zhang.status("POST", cast.path("/signature"), body)
        assert (status, error["error"]["code"]) == (422, code), (str(body)[:80], error)
    # a data URL, as a canvas gives it, is a PNG like any other
    data_url = sign(image="data:image/png;base64," + b64(png(seed=9)))
    # a picture past the request's size is refused before it is read
    status, error = await zhang.status("POST", cast.path("/signature"), sign(image="A" * 400_000))
    assert status == 413 and error["error"]["code"] == "payload_too_large"
    response = await zhang.client.post(
        "/api/v1" + cast.path("/signature"),
        data=b'{"name": "\xe5\xbc\xa0',
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Invitation {zhang.invitation}",
        },
    )
    assert response.status == 400 and (await response.json())["error"]["code"] == "malformed_json"
    assert (await zhang.status("POST", cast.path("/signature"), [1]))[0] == 422
    assert (await zhang.status("POST", cast.path("/signature"), sign(name="a\x00")))[0] == 400
    # a stale (or made-up) digest: the current one comes back
    status, error = await zhang.status("POST", cast.path("/signature"), sign(digest="a" * 64))
    assert (status, error["error"]["code"]) == (409, "transcript_changed")
    assert error["error"]["details"][0]["digest"] == digest
    assert (await zhang.status("POST", cast.path("/signature"), data_url))[0] == 201

    for body in (
        {"text": ""},
        {"text": "字" * 5001},
        {"text": 7},
        {"text": "x", "entry_id": "one"},
        {"text": "x", "entry_id": 0},
        {"text": "x", "more": 1},
    ):
        status, error = await zhang.status("POST", cast.path("/corrections"), body)
        assert status == 422, (body, error)
    other = await held_hearing(judge, clerk, database, world, number="(2026)A刑初2号")
    status, error = await zhang.status(
        "POST", cast.path("/corrections"), {"entry_id": other.entries[0]["id"], "text": "改"}
    )
    assert status == 422 and "entry_id" in str(error["error"]["details"])
    status, _ = await zhang.status("POST", cast.path("/refusal"), {"reason": "理" * 2001})
    assert status == 422
    assert (await zhang.status("POST", cast.path("/refusal"), {"reason": True}))[0] == 422
    asked = await zhang.call(
        "POST", cast.path("/corrections"), {"text": "漏记了我的话"}, expect=201
    )
    answer_path = f"/transcript-corrections/{asked['id']}/answer"
    for body in (
        {"accepted": "yes", "reason": "x"},
        {"accepted": True},
        {"accepted": True, "reason": ""},
        {"accepted": False, "reason": "理" * 2001},
    ):
        assert (await clerk.status("POST", answer_path, body))[0] == 422, body
    for body in (
        {"participant_id": cast.people["observer"]["id"]},  # an observer does not sign
        {"participant_id": other.people["party"]["id"]},  # another hearing's party
        {"participant_id": 999_999},
        {"participant_id": "x"},
        {},
    ):
        status, error = await judge.status("POST", cast.path("/refusals"), body)
        assert status == 422, (body, error)


async def test_who_may_sign_see_and_settle(
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    anon: Caller,
    new_caller: NewCaller,
    database: Database,
    world: World,
) -> None:
    cast = await held_hearing(judge, clerk, database, world)
    other = await held_hearing(judge, clerk, database, world, number="(2026)A刑初2号")
    await set_state(database, cast.id, "closed")
    zhang = await holder(new_caller, cast.people["party"]["token"])
    li = await holder(new_caller, cast.people["other"]["token"])
    observer = await holder(new_caller, cast.people["observer"]["token"])
    stranger = await holder(new_caller, other.people["party"]["token"])
    digest = (await zhang.call("GET", cast.path("/confirmation")))["digest"]
    body = {"name": "张三", "image": b64(png()), "digest": digest}
    signed = await zhang.call("POST", cast.path("/signature"), body, expect=201)
    asked = await zhang.call("POST", cast.path("/corrections"), {"text": "更正"}, expect=201)

    # the signer's endpoints: only those who sign, each for themself, in their own hearing
    for caller, expected in (
        (anon, 401),
        (observer, 403),
        (stranger, 403),  # an invitation for another hearing
        (judge, 403),  # the bench does not sign here
        (other_judge, 404),
    ):
        assert (await caller.status("GET", cast.path("/confirmation")))[0] == expected
        for tail, sent in (
            ("/signature", body),
            ("/refusal", {}),
            ("/corrections", {"text": "x"}),
        ):
            status, _ = await caller.status("POST", cast.path(tail), sent)
            assert status == expected, (caller, tail, status)
    # the bench's endpoints: the bench of the hearing's court
    answer = {"accepted": False, "reason": "记录无误"}
    for caller, expected in ((anon, 401), (zhang, 403), (observer, 403), (other_judge, 404)):
        assert (await caller.status("GET", cast.path("/confirmations")))[0] == expected
        refusal = {"participant_id": cast.people["other"]["id"]}
        assert (await caller.status("POST", cast.path("/refusals"), refusal))[0] == expected
        assert (await caller.status("POST", cast.path("/close")))[0] == expected
        status, _ = await caller.status(
            "POST", f"/transcript-corrections/{asked['id']}/answer", answer
        )
        assert status == expected
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    assert (await terminal.status("GET", cast.path("/confirmations")))[0] == 403
    assert (await judge.status("POST", "/transcript-corrections/999999/answer", answer))[0] == 404
    # the bench settles only once the hearing is closed
    status, error = await judge.status(
        "POST", other.path("/refusals"), {"participant_id": other.people["party"]["id"]}
    )
    assert (status, error["error"]["code"]) == (403, "transcript_not_ready")
    assert (await judge.status("POST", other.path("/close")))[0] == 403
    # a signature's picture: its signer and the bench
    for caller, expected in (
        (zhang, 200),
        (judge, 200),
        (clerk, 200),
        (li, 403),
        (terminal, 403),
        (observer, 403),
        (anon, 401),
        (other_judge, 404),
    ):
        response = await caller.client.get(
            signed["image_url"],
            headers={"Authorization": f"Invitation {caller.invitation}"}
            if caller.invitation
            else {},
        )
        assert response.status == expected, (caller.invitation, response.status)
    assert (await judge.status("GET", "/transcript-signatures/999999/image"))[0] == 404


async def test_a_double_tap_signs_once_and_a_correction_racing_the_close_is_refused(
    judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database, world: World
) -> None:
    cast = await held_hearing(judge, clerk, database, world)
    await set_state(database, cast.id, "closed")
    zhang = await holder(new_caller, cast.people["party"]["token"])
    digest = (await zhang.call("GET", cast.path("/confirmation")))["digest"]
    answers = await asyncio.gather(*(signature(zhang, cast, "张三", digest) for _ in range(3)))
    assert sorted(status for status, _ in answers) == [201, 409, 409]
    assert {body["error"]["code"] for status, body in answers if status == 409} == {
        "already_signed"
    }
    asked = await zhang.call("POST", cast.path("/corrections"), {"text": "更正"}, expect=201)
    answer = {"accepted": False, "reason": "记录无误"}
    path = f"/transcript-corrections/{asked['id']}/answer"
    twice = await asyncio.gather(
        judge.status("POST", path, answer), clerk.status("POST", path, answer)
    )
    assert sorted(status for status, _ in twice) == [200, 409]
    # the bench corrects an entry while closing: either the correction lands before the
    # closing (and the closed digest is of the corrected record) or it is refused
    patch = {"version": 1, "text": "我借了伍万元。"}
    (patched, _), (closing, closed) = await asyncio.gather(
        clerk.status("PATCH", f"/transcript-entries/{cast.entries[1]['id']}", patch),
        judge.status("POST", cast.path("/close")),
    )
    assert closing == 200 and patched in (200, 409)
    final = await clerk.call("GET", cast.path("/confirmations"))
    assert final["record_closed"] and final["digest"] == closed["digest"]
    # the signature made before is stale exactly when the correction landed
    zhang_row = next(s for s in final["signers"] if s["name"] == "张三")
    assert zhang_row["stale"] is (patched == 200)


async def test_a_terminal_signs_only_for_the_one_detainee_of_its_centre(
    judge: Caller,
    clerk: Caller,
    admin: Caller,
    new_caller: NewCaller,
    database: Database,
    world: World,
) -> None:
    cast = await held_hearing(judge, clerk, database, world)
    await set_state(database, cast.id, "closed")
    # a terminal of another centre sees nothing of this hearing
    centre = await admin.call("POST", "/detention-centres", {"name": "第二看守所"}, expect=201)
    made = await admin.call(
        "POST", f"/detention-centres/{centre['id']}/terminals", {"name": "T2"}, expect=201
    )
    elsewhere = await new_caller()
    await elsewhere.terminal_login(made["terminal"]["id"], made["secret"])
    assert (await elsewhere.status("GET", cast.path("/confirmation")))[0] == 403
    # two co-defendants at one centre: the terminal cannot tell who is signing
    other = await held_hearing(judge, clerk, database, world, number="(2026)A刑初3号")
    async with database.session() as db:
        await db.execute(update(Hearing).where(Hearing.id == other.id).values(state="scheduled"))
        await db.commit()
    await invite(judge, other.id, role="detainee", name="钱七", detention_centre_id=world.centre_id)
    await set_state(database, other.id, "closed")
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    status, error = await terminal.status("GET", other.path("/confirmation"))
    assert (status, error["error"]["code"]) == (409, "several_detainees")
    assert (await terminal.call("GET", cast.path("/confirmation")))["mine"]["name"] == "王五"
