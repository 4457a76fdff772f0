"""Invitations that reach people (docs/architecture.md#invitations), against a real SMTP server
(aiosmtpd) and a local HTTP endpoint standing in for the SMS gateway: what arrives (the link,
the case, both time zones, the PDF whose QR code is the link), a gateway answering 500 or not at
all, a refused address, and that no failure undoes the invitation. Both databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from config import Settings
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing
from tests.conftest import settings_with
from tests.delivery_servers import (
    Gateway,
    MailServer,
    delivery_settings,
    mail_server,
    sms_gateway,
)
from tests.pdf_files import qr_texts

GATEWAY_TOKEN = "gateway-secret"
SLOW_PHONE = "+8613800000999"
"""The stand-in gateway never answers for this number (the server gives up after 1 s)."""
BROKEN_PHONE = "+8613800000500"
"""The stand-in gateway answers 500 for this number."""
REFUSED_MAIL = "nobody@refused.example"


@pytest.fixture
async def mailbox() -> AsyncIterator[MailServer]:
    async with mail_server() as server:
        server.refused.add(REFUSED_MAIL)
        yield server


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with sms_gateway() as server:
        server.answers[BROKEN_PHONE] = (500, "internal error\n(upstream carrier down)")
        server.slow.add(SLOW_PHONE)
        yield server


@pytest.fixture
def settings(database_url: str, tmp_path: Path, mailbox: MailServer, gateway: Gateway) -> Settings:
    return settings_with(
        database_url,
        tmp_path,
        **delivery_settings(mailbox, gateway, sms_timeout=1, token=GATEWAY_TOKEN),
    )


async def settled(staff: Caller, hearing_id: int, count: int) -> list[dict[str, Any]]:
    """The hearing's deliveries once ``count`` of them have finished (as the clerk's page polls)."""
    for _ in range(200):
        items: list[dict[str, Any]] = (
            await staff.call("GET", f"/hearings/{hearing_id}/invitation-deliveries")
        )["items"]
        if sum(item["state"] != "sending" for item in items) >= count:
            return items
        await asyncio.sleep(0.05)
    raise AssertionError(f"deliveries still sending: {items}")


def pdf_text(pdf: bytes) -> str:
    page = pypdfium2.PdfDocument(pdf)[0]
    return str(page.get_textpage().get_text_range())


async def test_an_invitation_is_mailed_with_its_pdf_and_texted(
    judge: Caller, new_caller: NewCaller, mailbox: MailServer, gateway: Gateway
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A民初21号", kind="mediation", title="劳动争议")
    made = await invite(
        judge,
        hearing["id"],
        name="李四",
        email="li.si@example.com",
        phone="+8613800138000",
        time_zone="Europe/Berlin",
        send=["mail", "sms"],
    )
    link = made["invitation"]["url"]
    assert [(d["channel"], d["state"]) for d in made["deliveries"]] == [
        ("mail", "sending"),
        ("sms", "sending"),
    ]
    assert made["participant"]["time_zone"] == "Europe/Berlin"
    items = await settled(judge, hearing["id"], 2)
    assert {(d["channel"], d["state"], d["address"]) for d in items} == {
        ("mail", "sent", "li.si@example.com"),
        ("sms", "sent", "+8613800138000"),
    }
    assert all(d["participant_name"] == "李四" and d["finished_at"] for d in items)

    (mail,) = mailbox.received
    message = mail.message
    assert mail.recipients == ["li.si@example.com"]
    assert message["From"] == "court@courts.test"
    assert "(2026)A民初21号" in str(message["Subject"])
    text = mail.text()
    (attachment,) = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert link in text
    assert "Asia/Shanghai" in text and "Europe/Berlin" in text  # the court's time and theirs
    assert "身份证件" in text
    assert qr_texts(bytes(attachment.get_payload(decode=True))) == [link]

    (sms,) = gateway.received
    assert gateway.headers[0]["Authorization"] == f"Bearer {GATEWAY_TOKEN}"
    assert sms["to"] == "+8613800138000"
    assert link in sms["text"] and "(2026)A民初21号" in sms["text"]

    party = await holder(new_caller, made["invitation"]["token"])
    assert (await party.call("GET", "/invitation"))["name"] == "李四"


async def test_failures_are_shown_and_the_link_still_works(
    judge: Caller, new_caller: NewCaller, gateway: Gateway
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A民初22号")
    hid = hearing["id"]
    broken = await invite(judge, hid, name="甲", phone=BROKEN_PHONE, send=["sms"])
    slow = await invite(judge, hid, name="乙", phone=SLOW_PHONE, send=["sms"])
    refused = await invite(judge, hid, name="丙", email=REFUSED_MAIL, send=["mail"])
    items = {d["participant_name"]: d for d in await settled(judge, hid, 3)}
    assert items["甲"]["state"] == "failed" and items["甲"]["reason"] == "refused"
    assert (
        "answered 500" in items["甲"]["detail"] and "upstream carrier down" in items["甲"]["detail"]
    )
    assert items["乙"]["state"] == "failed" and items["乙"]["reason"] == "timeout"
    assert "within 1 s" in items["乙"]["detail"]
    assert items["丙"]["state"] == "failed" and items["丙"]["reason"] == "refused"
    assert "550" in items["丙"]["detail"]
    for made in (broken, slow, refused):
        party = await holder(new_caller, made["invitation"]["token"])
        assert (await party.call("GET", "/invitation"))["hearing"]["id"] == hid


async def test_sending_again_issues_a_new_link(
    judge: Caller, new_caller: NewCaller, gateway: Gateway
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A民初23号")
    made = await invite(judge, hearing["id"], name="王五", phone="+8613800138001")
    pid = made["participant"]["id"]
    assert made["deliveries"] == []
    sent = await judge.call(
        "POST", f"/participants/{pid}/invitation/send", {"channels": ["sms"]}, expect=201
    )
    assert sent["invitation"]["token"] != made["invitation"]["token"]
    await settled(judge, hearing["id"], 1)
    assert sent["invitation"]["url"] in gateway.received[-1]["text"]
    old = await holder(new_caller, made["invitation"]["token"])
    assert (await old.status("GET", "/invitation"))[0] == 401
    new = await holder(new_caller, sent["invitation"]["token"])
    assert (await new.call("GET", "/invitation"))["name"] == "王五"


async def test_refusals(
    judge: Caller, other_judge: Caller, anon: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A民初24号")
    hid = hearing["id"]
    made = await invite(judge, hid, name="赵六")
    pid = made["participant"]["id"]
    send = f"/participants/{pid}/invitation/send"
    status, body = await judge.status("POST", send, {"channels": ["mail"]})
    assert (status, body["error"]["code"]) == (409, "no_contact")
    bad: dict[str, Any]
    for bad in ({"channels": []}, {"channels": ["fax"]}, {"channels": "sms"}, {"x": 1}):
        assert (await judge.status("POST", send, bad))[0] == 422, bad
    assert (await judge.status("POST", send))[0] == 415  # no JSON body at all
    for bad_person in (
        {"email": "a b@example.com"},
        {"email": "x@y.com\nBcc: z@q.com"},
        {"phone": "138-0013"},
        {"time_zone": "../../etc/passwd"},
        {"time_zone": "Mars/Olympus"},
        {"language": "fr"},
        {"send": ["mail", "sms", "mail"]},
    ):
        status, _ = await judge.status(
            "POST", f"/hearings/{hid}/participants", {"role": "party", "name": "某", **bad_person}
        )
        assert status == 422, bad_person
    status, body = await judge.status(
        "POST",
        f"/hearings/{hid}/participants",
        {"role": "party", "name": "某", "send": ["sms"]},
    )
    assert (status, body["error"]["code"]) == (409, "no_contact")
    assert (await other_judge.status("POST", send, {"channels": ["sms"]}))[0] == 404
    assert (await other_judge.status("GET", f"/hearings/{hid}/invitation-deliveries"))[0] == 404
    assert (await anon.status("POST", send, {"channels": ["sms"]}))[0] == 401
    party = await holder(new_caller, made["invitation"]["token"])
    assert (await party.status("POST", send, {"channels": ["sms"]}))[0] == 403
    assert (await party.status("GET", f"/hearings/{hid}/invitation-deliveries"))[0] == 403
    contact = f"/participants/{pid}/contact"
    assert (await party.status("PUT", contact, {"phone": "+8613800138002"}))[0] == 403
    assert (await judge.status("PUT", contact, {"phone": "not a phone"}))[0] == 422
    assert (await judge.status("PUT", contact, {"fax": "1"}))[0] == 422
    put = await judge.call("PUT", contact, {"phone": "+8613800138002", "language": "en"})
    assert put == {"email": None, "phone": "+8613800138002", "language": "en", "time_zone": None}
    people = await judge.call("GET", f"/hearings/{hid}/participants")
    (row,) = [p for p in people["items"] if p["id"] == pid]
    assert (row["phone"], row["language"]) == ("+8613800138002", "en")


async def pdf_call(caller: Caller, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
    response = await caller.client.request(
        method, "/api/v1" + path, json=body, headers=caller.credentials()
    )
    return response.status, await response.read()


async def test_the_printable_invitation(
    judge: Caller, other_judge: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A民初25号", title="买卖合同纠纷")
    made = await invite(
        judge, hearing["id"], name="Anna Weber", language="en", time_zone="Europe/Berlin"
    )
    pid, token, link = (
        made["participant"]["id"],
        made["invitation"]["token"],
        made["invitation"]["url"],
    )
    path = f"/participants/{pid}/invitation/pdf"
    status, pdf = await pdf_call(judge, "POST", path, {"token": token})
    assert status == 200 and pdf.startswith(b"%PDF")
    assert qr_texts(pdf) == [link]
    words = pdf_text(pdf)
    assert "Invitation to an online hearing" in words and "Europe/Berlin" in words
    assert "(2026)A民初25号" in words

    party = await holder(new_caller, token)
    status, own = await pdf_call(party, "GET", "/invitation/pdf")
    assert status == 200 and qr_texts(own) == [link]

    assert (await pdf_call(other_judge, "POST", path, {"token": token}))[0] == 404
    assert (await pdf_call(party, "POST", path, {"token": token}))[0] == 403
    for wrong in ("not-the-token", "x" * 200):
        status, body = await judge.status("POST", path, {"token": wrong})
        assert (status, body["error"]["code"]) == (409, "stale_invitation")
    for bad in ({"token": ""}, {"token": "x" * 201}, {}, {"token": 5}):
        assert (await judge.status("POST", path, bad))[0] == 422
    await judge.call("POST", f"/participants/{pid}/invitation", {}, expect=201)
    status, body = await judge.status("POST", path, {"token": token})
    assert (status, body["error"]["code"]) == (409, "stale_invitation")
    assert (await pdf_call(judge, "GET", "/invitation/pdf"))[0] == 403
