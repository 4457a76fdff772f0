"""The transcript's PDF (docs/architecture.md#transcript) read back with PDFium: its Chinese
text, page numbers, the manifest's hash on each page, the signatures' images; long and hostile
text does not stop it."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from hearing_server.transcript_pdf import (
    FontMissing,
    Signer,
    SignerStatus,
    TranscriptLine,
    fonts,
    render_pdf,
)
from tests.transcript_documents import MANIFEST_SHA256, START, sample_document, signature_png


def pages_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[index].get_textpage().get_text_range() for index in range(len(document))]


def flat(text: str) -> str:
    """Text as extracted, without the line breaks the layout put in."""
    return "".join(text.split())


def images(pdf: bytes) -> list[pdfium.PdfImage]:
    document = pdfium.PdfDocument(pdf)
    return [
        found
        for index in range(len(document))
        for found in document[index].get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE])
        if isinstance(found, pdfium.PdfImage)
    ]


def test_the_case_header_and_the_lines_are_chinese_text_a_reader_can_copy() -> None:
    document = sample_document(entries=12, signers=2)
    pdf = render_pdf(document)
    assert pdf.startswith(b"%PDF-")
    # Noto Sans CJK SC's CFF outlines embedded as subsets, regular and bold: the PDF reads
    # the same on a machine without the font
    fonts_named = set(re.findall(rb"/BaseFont /[A-Z]{6}\+(NotoSansCJKSC\w*)", pdf))
    assert fonts_named == {b"NotoSansCJKSC", b"NotoSansCJKSCBold"}
    assert pdf.count(b"/FontFile3") == 2 and b"/Subtype /CIDFontType0" in pdf
    first = pages_text(pdf)[0]
    for expected in (
        "浙江省温州市鹿城区人民法院",
        "庭审笔录",
        "(2026)浙0302民初1234号",
        "买卖合同纠纷",
        "民事庭审",
        "2026-03-02 09:30 – 12:30",  # 01:30 UTC in Shanghai
        "审判长 李明；人民陪审员 陈红；书记员 周敏",
        "审判长 李明：",
        "09:30:00",
    ):
        assert expected in first, expected
    for line in document.lines:  # what was said, and the facts (unnamed, index 9)
        assert flat(line.text) in flat(first)


def test_every_page_is_numbered_of_the_total_and_carries_the_manifest_hash() -> None:
    pdf = render_pdf(sample_document(entries=300, signers=3))
    texts = pages_text(pdf)
    assert len(texts) > 5
    for number, text in enumerate(texts, 1):
        assert f"第 {number} 页 / 共 {len(texts)} 页" in text
        assert MANIFEST_SHA256 in text and "7QK2-M9XD-4HTR" in text


def test_english_and_both_languages_number_pages_in_their_words() -> None:
    english = pages_text(render_pdf(sample_document(entries=5, signers=1, language="en")))
    assert "Page 1 of 1" in english[0] and "Transcript of the hearing" in english[0]
    assert "第 1 页" not in english[0]
    both = pages_text(render_pdf(sample_document(entries=5, signers=1, language="zh+en")))
    assert "第 1 页 / 共 1 页" in both[0] and "Page 1 of 1" in both[0]
    assert "签名确认 / Signatures" in both[0]


def test_each_signature_image_is_drawn_with_its_signer_and_time() -> None:
    document = sample_document(entries=10, signers=5)  # the fifth refused
    pdf = render_pdf(document)
    text = "".join(pages_text(pdf))
    for signer in document.signers:
        assert f"{signer.role} {signer.name}" in text
    assert text.count("已签名") == 4 and "拒绝签名 2026-03-02 12:44:00" in text
    assert "认为笔录第3页记载有误" in text
    drawn = images(pdf)
    assert len(drawn) == 4
    for image in drawn:
        picture = image.get_bitmap().to_pil().convert("L")
        low, high = picture.getextrema()
        assert low < 60 and high > 200  # dark strokes on white, not a blank box


def test_a_signature_that_is_not_a_readable_png_is_said_so_not_drawn() -> None:
    huge = signature_png(1)
    huge = huge[:16] + (9000).to_bytes(4, "big") + (9000).to_bytes(4, "big") + huge[24:]
    broken = (b"GIF89a" + b"\0" * 40, signature_png(2)[:60], huge)
    people = tuple(
        Signer(name=f"人{n}", role="原告", status=SignerStatus.SIGNED, at=START, signature_png=png)
        for n, png in enumerate(broken)
    )
    pdf = render_pdf(sample_document(entries=3, signer_list=people))
    assert "".join(pages_text(pdf)).count("（签名图像无法显示）") == 3
    assert images(pdf) == []


def test_two_thousand_entries_with_twenty_signatures_render_in_full() -> None:
    document = sample_document(entries=2000, signers=20)
    pdf = render_pdf(document)
    texts = pages_text(pdf)
    assert len(texts) > 50
    assert f"第 {len(texts)} 页 / 共 {len(texts)} 页" in texts[-1]
    everything = flat("".join(texts))
    last = document.lines[-1]
    assert flat(last.text) in everything
    assert "12:29:54" in everything  # the last line: 09:30 + 1999 × 5.4 s
    assert len(images(pdf)) == 16


def test_hostile_text_of_any_script_is_printed_or_boxed_never_fatal() -> None:
    hostile = (
        "x" * 6000,  # one word far wider than the page
        "长" * 20000,
        "表情😀👨‍👩‍👧🇨🇳 fine",
        "مرحبا بالعالم שלום עולם",
        "a\x00b\x07c\x1b[31md\r\ne\tf\u2028g\u202eevil\u202c",
        "lone \ud800 surrogate \udfff",
        "\uffff\ufffe\U0010ffff 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 e\u0301" + "\u200b" * 50,
        "",
        "\n\n\n",
        "ภาษาไทย हिन्दी 한국어 日本語 Ελληνικά Русский",
    )
    lines = tuple(
        TranscriptLine(at=START + timedelta(seconds=n), text=said, speaker="证人 😀\x00" * 30)
        for n, said in enumerate(hostile)
    )
    people = (
        Signer(
            name="\u202e" + "名" * 500,
            role="\x00证人",
            status=SignerStatus.NOT_SIGNED,
            note="😀" * 3000,
        ),
    )
    document = dataclasses.replace(
        sample_document(lines=lines, signer_list=people),
        court_name="法院\x00\n" * 40,
        case_number="\ud800号",
    )
    pdf = render_pdf(document)
    text = "".join(pages_text(pdf))
    assert "fine" in text and "Русский" in text and "未签名" in text
    assert "abc[31md" in flat(text)  # the control characters dropped, the text kept
    assert "surrogate" in text


def test_the_same_document_makes_the_same_bytes() -> None:
    document = sample_document(entries=30, signers=2)
    assert render_pdf(document) == render_pdf(document)


def test_without_a_chinese_font_no_transcript_is_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "FOLDERS", (tmp_path,))
    fonts.cjk_fonts.cache_clear()
    try:
        with pytest.raises(FontMissing, match="fonts-noto-cjk"):
            render_pdf(sample_document(entries=1, signers=0))
    finally:
        fonts.cjk_fonts.cache_clear()


def test_chinese_wraps_at_any_character_and_english_at_spaces() -> None:
    chinese = "我 " + "请求判令被告支付货款" * 20
    english = "The defendant agrees that the goods were delivered " * 6
    lines = (
        TranscriptLine(at=START, text=chinese, speaker="原告 张三"),
        TranscriptLine(at=START, text=english, speaker="被告 赵六"),
    )
    text = pages_text(render_pdf(sample_document(lines=lines, signers=0)))[0]
    rows = text.splitlines()
    first = next(row for row in rows if "原告 张三：" in row)
    assert first.count("请求判令") >= 3  # the line is filled, not broken at the space
    for row in rows:
        if "defendant" in row or "delivered" in row:
            assert not row.rstrip().endswith(("defen", "deliv", "agr"))
    assert flat(chinese) in flat(text)
