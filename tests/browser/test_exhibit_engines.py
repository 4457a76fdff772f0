"""The evidence screens in the other engines people use (docs/architecture.md#exhibits): Firefox
and WebKit (Safari's), driven as tests/browser/engine_pages.py says. The evidence needs no WebRTC,
so both run it all.

On a phone-sized page a plaintiff submits an exhibit and adds a real PDF and a real photo to it
(handed to the file input as the picker would: a File in the input's FileList, then its change
event; the engine slices and sends it); then, on the same phone, the defendant finds both files
with their hashes, is asked for the reason of a dispute before it is sent, and records their
opinions. The defendant's list follows the court adding an exhibit meanwhile (the page asks with
If-None-Match every few seconds) and keeps the opinion they are writing."""

from __future__ import annotations

import base64
import hashlib

from tests.browser.engine_pages import (
    VISIBLE,
    EnginePage,
    by_testid,
    engines,
    snapshot,
    wait_for,
)
from tests.browser.test_engines import invitation_named
from tests.callers import Caller, invite, schedule_hearing
from tests.functional.test_exhibit_uploads import picture
from tests.pdf_files import made_by_pdfium

# What a person's typing and choosing does: the element's value, then the event the page hears.
TYPE = """(selector, value) => {
    const element = document.querySelector(selector);
    if (element === null) return false;
    element.value = value;
    const kind = element.tagName === "SELECT" ? "change" : "input";
    element.dispatchEvent(new Event(kind, { bubbles: true }));
    return true;
}"""

# What the file picker does: the chosen file in the input's FileList, then its change event.
CHOOSE_FILE = """(selector, name, type, data) => {
    const input = document.querySelector(selector);
    if (input === null) return false;
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const files = new DataTransfer();
    files.items.add(new File([bytes], name, { type }));
    input.files = files.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
}"""

# The self-test above the evidence has settled (the network checked; or, in a browser without
# WebRTC, the page says so), so nothing moves under the finger any more.
SETTLED = """() => ["good", "slow"].includes(
        document.querySelector("[data-testid=network-check]")?.dataset.result)
    || document.querySelector("[data-testid=media-help]") !== null"""
PRESENT = "(selector) => document.querySelector(selector) !== null"
VALUE = "(selector) => document.querySelector(selector)?.value ?? null"
GIVEN = "(selector, given) => document.querySelector(selector)?.dataset.given === given"


async def open_invitation(page: EnginePage, url: str) -> None:
    await invitation_named(page, url)
    await wait_for(page, "the self-test to settle", SETTLED)
    await wait_for(page, "the evidence", VISIBLE, by_testid("evidence"))


async def type_into(page: EnginePage, selector: str, value: str) -> None:
    assert await page.evaluate(TYPE, selector, value), f"{page.name}: no {selector}"


async def choose_file(page: EnginePage, card: str, name: str, mime: str, data: bytes) -> None:
    """Add ``data`` as the file ``name`` on the exhibit card ``card``; wait until it is stored."""
    picker = f"{card} {by_testid('file-input')}"
    await wait_for(page, f"the file picker for {name}", PRESENT, picker)
    encoded = base64.b64encode(data).decode()
    assert await page.evaluate(CHOOSE_FILE, picker, name, mime, encoded)
    stored = f"{card} [data-sha256='{hashlib.sha256(data).hexdigest()}']"
    await wait_for(page, f"{name} to be stored", PRESENT, stored)


async def opinion(page: EnginePage, card: str, aspect: str, choice: str, reason: str) -> str:
    """Fill one aspect's opinion form (unsaved); its selector."""
    form = f"{card} {by_testid(f'opinion-{aspect}')}"
    await type_into(page, f"{form} {by_testid('opinion-choice')}", choice)
    await type_into(page, f"{form} {by_testid('opinion-reason')}", reason)
    return form


@engines("firefox", "webkit")
async def test_a_phone_uploads_a_pdf_and_a_photo_and_the_other_side_examines_them(
    party_page: EnginePage, base_url: str, judge: Caller
) -> None:
    page = party_page
    hearing = await schedule_hearing(judge, "(2026)浙0402民初21号", title="买卖合同纠纷")
    case_id = hearing["case_id"]
    people = {
        side: await invite(judge, hearing["id"], name=name, side=side)
        for side, name in [("plaintiff", "张三"), ("defendant", "李四")]
    }
    await judge.call("POST", f"/cases/{case_id}/exchange/open")

    # The plaintiff submits an exhibit, then adds a PDF and a photo to its card.
    await open_invitation(page, f"{base_url}/join#{people['plaintiff']['invitation']['token']}")
    await wait_for(page, "the evidence form", VISIBLE, by_testid("exhibit-form"))
    await type_into(page, by_testid("exhibit-title-input"), "买卖合同及收货照片")
    await type_into(page, by_testid("exhibit-purpose-input"), "证明双方之间存在买卖合同关系")
    await page.click(by_testid("exhibit-submit"))
    card_id: str = await wait_for(
        page,
        "the submitted exhibit",
        "(s) => document.querySelector(s)?.dataset.testid ?? null",
        f"{by_testid('our-exhibits')} li.exhibit",
    )
    card = by_testid(card_id)
    document, photo = made_by_pdfium(2), picture()
    await choose_file(page, card, "合同.pdf", "application/pdf", document)
    await choose_file(page, card, "收货照片.jpg", "image/jpeg", photo)
    await snapshot(page, "plaintiff-files")
    listed = await judge.call("GET", f"/cases/{case_id}/exhibits")
    assert [(f["display_name"], f["sha256"]) for f in listed["items"][0]["files"]] == [
        ("合同.pdf", hashlib.sha256(document).hexdigest()),
        ("收货照片.jpg", hashlib.sha256(photo).hexdigest()),
    ]

    # The defendant, on the same phone: both files, with their hashes.
    await page.goto(f"{base_url}/healthz")  # a new document, not just another #fragment
    await open_invitation(page, f"{base_url}/join#{people['defendant']['invitation']['token']}")
    theirs = f"{by_testid('other-exhibits')} {card}"
    for data in (document, photo):
        digest = hashlib.sha256(data).hexdigest()
        await wait_for(page, "the plaintiff's files", PRESENT, f"{theirs} [data-sha256='{digest}']")

    # A dispute without its reason is not sent; with it, it is recorded.
    authenticity = await opinion(page, theirs, "authenticity", "disputed", "")
    await page.click(f"{authenticity} {by_testid('opinion-save')}")
    await wait_for(
        page,
        "the reason asked for",
        VISIBLE,
        f"{authenticity} {by_testid('opinion-reason-missing')}",
    )
    assert await page.evaluate(GIVEN, authenticity, "")
    await snapshot(page, "defendant-reason-asked")
    await type_into(page, f"{authenticity} {by_testid('opinion-reason')}", "照片无法证明收货")
    await page.click(f"{authenticity} {by_testid('opinion-save')}")
    await wait_for(page, "the dispute recorded", GIVEN, authenticity, "disputed")

    # While the defendant writes about the relevance, the court adds an exhibit: it appears,
    # and what they wrote stays.
    relevance = await opinion(page, theirs, "relevance", "admitted", "与本案有关")
    await judge.call(
        "POST", f"/cases/{case_id}/exhibits", {"title": "银行流水", "purpose": "证明付款情况"}
    )
    court = f"{by_testid('other-exhibits')} [data-side=court]"
    await wait_for(page, "the court's exhibit", PRESENT, court)
    assert await page.evaluate(VALUE, f"{relevance} {by_testid('opinion-reason')}") == "与本案有关"
    await page.click(f"{relevance} {by_testid('opinion-save')}")
    await wait_for(page, "the admission recorded", GIVEN, relevance, "admitted")
    await snapshot(page, "defendant-examined")

    matrix = await judge.call("GET", f"/hearings/{hearing['id']}/examination")
    given = {
        (o["aspect"], o["opinion"], o["reason"]) for r in matrix["rows"] for o in r["opinions"]
    }
    assert given == {
        ("authenticity", "disputed", "照片无法证明收货"),
        ("relevance", "admitted", "与本案有关"),
    }
