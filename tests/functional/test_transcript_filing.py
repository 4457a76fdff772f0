"""The closed record filed (docs/architecture.md#transcript): when the court closes the
transcript, its PDF is made from what the record holds — the lines, the signatures drawn, the
refusals — and sealed with the hearing's recording, so `verify` covers it and those who may
retrieve the recording download it. A record closed before its recording is sealed is filed
once the recording is."""

from __future__ import annotations

import asyncio

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from aiohttp.test_utils import TestServer

from config import Settings
from hearing_server.db.database import Database
from hearing_server.keys import TRANSCRIPT_FILING
from tests.callers import Caller, NewCaller, World, holder
from tests.functional.test_transcript_signing import Cast, held_hearing, set_state, signature
from tests.sealed_recording import run_verify, seal_at_close


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "".join(
        "".join(document[index].get_textpage().get_text_range().split())
        for index in range(len(document))
    )


def image_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    return sum(
        len(list(document[index].get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE])))
        for index in range(len(document))
    )


async def closed_and_signed(
    judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database, world: World
) -> Cast:
    """A criminal hearing held and closed (`held_hearing`) whose record 张三 signed on the
    phone and the detainee at the terminal, 李四 refused, and the witness left alone (the court
    records nothing for them)."""
    cast = await held_hearing(judge, clerk, database, world)
    await set_state(database, cast.id, "closed")
    zhang = await holder(new_caller, cast.people["party"]["token"])
    li = await holder(new_caller, cast.people["other"]["token"])
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    digest = (await zhang.call("GET", cast.path("/confirmation")))["digest"]
    assert (await signature(zhang, cast, "张三", digest))[0] == 201
    assert (await signature(terminal, cast, "王五", digest))[0] == 201
    await li.call("POST", cast.path("/refusal"), {"reason": "记录不全"}, expect=201)
    return cast


async def pdf_of(judge: Caller, recording_id: int) -> bytes:
    """The sealed PDF, once the filing (in the background) has sealed it."""
    for _ in range(100):
        response = await judge.client.get(f"/api/v1/recordings/{recording_id}/transcript.pdf")
        if response.status == 200:
            return await response.read()
        assert response.status == 404
        await asyncio.sleep(0.2)
    raise AssertionError("the closed record's PDF was never sealed")


async def test_closing_the_record_seals_its_pdf_with_the_signatures_and_verify_covers_it(
    judge: Caller,
    clerk: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    world: World,
) -> None:
    cast = await closed_and_signed(judge, clerk, new_caller, database, world)
    recording_id = await seal_at_close(database, settings, cast.id)
    await judge.call("POST", cast.path("/close"))
    pdf = await pdf_of(judge, recording_id)

    text = pdf_text(pdf)
    for words in ("(2026)A刑初1号", "刑事庭审", "请被告人陈述。", "我借了五万元。", "张三", "王五"):
        assert words in text, words
    assert "拒绝签名" in text and "记录不全" in text
    assert image_count(pdf) == 2  # the two signatures drawn
    status, output = await run_verify(settings, str(cast.id))
    assert status == 0, output
    assert "(the transcript PDF)" in output


async def test_a_record_closed_before_its_recording_is_sealed_is_filed_once_it_is(
    judge: Caller,
    clerk: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    world: World,
    server: TestServer,
) -> None:
    cast = await closed_and_signed(judge, clerk, new_caller, database, world)
    await judge.call("POST", cast.path("/close"))
    filing = server.app[TRANSCRIPT_FILING]
    assert await filing.file_pending() == []  # nothing sealed to file it with yet

    recording_id = await seal_at_close(database, settings, cast.id)
    assert await filing.file_pending() in ([cast.id], [])  # [] if the sweep was first
    pdf = await pdf_of(judge, recording_id)
    assert "我方对借款金额有异议。" in pdf_text(pdf)
    assert await filing.file_pending() == []  # filed once: nothing left
