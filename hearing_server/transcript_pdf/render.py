"""The transcript's PDF (docs/architecture.md#transcript): A4, the case's header on the first
page, the lines with their times, the signatures with their images and times, and on every
page the recording's manifest hash and "第 N 页 / 共 M 页".

Drawn with fpdf2, which embeds the CFF outlines of Noto Sans CJK (`fonts.py`) as a subset.
Blocking and CPU-bound (1.6 s for 2,000 lines: `bench/transcript_pdf.py`); the server runs it
in a child process (`apart.py`).
"""

from __future__ import annotations

import io
import logging
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from PIL import Image, UnidentifiedImageError

from court.transcript import Words
from hearing_server.transcript_pdf import text
from hearing_server.transcript_pdf.document import Signer, TranscriptDocument, TranscriptLine
from hearing_server.transcript_pdf.fonts import cjk_fonts

MARGIN = 18.0
"""mm, left, right and top; the bottom leaves room for the footer."""
TIME_COLUMN = 30.0
"""mm: the time of day and the moment of the recording, left of each line."""
LINE = 5.6
"""mm between lines of a transcript entry."""
SIGNATURE_BOX = (62.0, 22.0)
"""mm: the largest a signature image is drawn, its proportions kept."""
SIGNATURE_LIMIT = 4000
"""Pixels a side: a signature image larger than this is not decoded (it is said so instead)."""
NEXT_LINE: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
"""Where fpdf2 leaves the cursor after a cell: at the start of the next line."""
GREY = (110, 110, 110)
BLACK = (0, 0, 0)

# fpdf2 names each glyph it cannot find in the font once per document, at WARNING; a transcript
# in a script the font lacks is expected to show boxes, not to fill the server's log
logging.getLogger("fpdf.output").setLevel(logging.ERROR)


def render_pdf(document: TranscriptDocument) -> bytes:
    """The PDF of `document`. Raises `fonts.FontMissing` without a Chinese font."""
    pdf = _Pdf(document)
    pdf.add_page()
    _header(pdf, document)
    _heading(pdf, text.RECORD)
    if not document.lines:
        _note(pdf, text.NO_LINES)
    for line in document.lines:
        _line(pdf, line)
    pdf.ln(4)
    _heading(pdf, text.SIGNATURES)
    if not document.signers:
        _note(pdf, text.NO_SIGNERS)
    for signer in document.signers:
        _signer(pdf, signer)
    return bytes(pdf.output())


class _Pdf(FPDF):
    def __init__(self, document: TranscriptDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document
        self.zone = ZoneInfo(document.time_zone)
        fonts = cjk_fonts()
        self.add_font("cjk", "", fonts.regular.path, collection_font_number=fonts.regular.index)
        self.add_font("cjk", "B", fonts.bold.path, collection_font_number=fonts.bold.index)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=24)
        made = document.made_at or document.started_at
        self.set_creation_date(made)
        self.set_title(
            f"{text.one_line(document.case_number)} {text.words(text.TITLE, document.language)}"
        )
        self.set_author(text.one_line(document.court_name))
        self.set_creator("hearing-server")
        self.set_lang("en" if document.language == "en" else "zh-CN")

    def footer(self) -> None:
        document = self.document
        language = document.language
        self.set_y(-18)
        self.set_font("cjk", "", 7)
        self.set_text_color(*GREY)
        seal = f"{text.words(text.MANIFEST, language)}: {text.one_line(document.manifest_sha256)}"
        if document.verification_code:
            code = text.one_line(document.verification_code)
            seal += f"    {text.words(text.CODE, language)}: {code}"
        self.cell(0, 4, seal, align="C", **NEXT_LINE)
        self.set_font("cjk", "", 9)
        number = text.page_number(self.page_no(), self.alias_nb_pages_text, language)
        self.cell(0, 5, number, align="C")
        self.set_text_color(*BLACK)

    @property
    def alias_nb_pages_text(self) -> str:
        """What fpdf2 replaces with the page count once the document is done."""
        return str(self.str_alias_nb_pages)


def _header(pdf: _Pdf, document: TranscriptDocument) -> None:
    language = document.language
    pdf.set_font("cjk", "B", 16)
    pdf.multi_cell(0, 8, text.one_line(document.court_name), align="C", **NEXT_LINE)
    pdf.set_font("cjk", "B", 14)
    pdf.multi_cell(0, 8, text.words(text.TITLE, language), align="C", **NEXT_LINE)
    pdf.ln(3)
    bench = "；".join(
        f"{text.one_line(member.role)} {text.one_line(member.name)}" for member in document.bench
    )
    fields: list[tuple[Words, str]] = [
        (text.CASE_NUMBER, text.one_line(document.case_number)),
        (text.CAUSE, text.one_line(document.cause)),
        (text.KIND, text.one_line(document.hearing_kind)),
        (text.HELD, text.held(document.started_at, document.ended_at, pdf.zone)),
        (text.BENCH, bench or "—"),
        (text.LANGUAGE, text.words(text.LANGUAGES[language], language)),
    ]
    pdf.set_font("cjk", "B", 9.5)
    label_width = 4 + max(pdf.get_string_width(text.words(label, language)) for label, _ in fields)
    for label, value in fields:
        pdf.set_font("cjk", "B", 9.5)
        pdf.cell(label_width, 6, text.words(label, language))
        pdf.set_font("cjk", "", 9.5)
        pdf.multi_cell(0, 6, value, **NEXT_LINE)
    pdf.ln(3)


def _heading(pdf: _Pdf, words: Words) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.set_font("cjk", "B", 12)
    pdf.cell(0, 8, text.words(words, pdf.document.language), **NEXT_LINE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _note(pdf: _Pdf, words: Words) -> None:
    pdf.set_font("cjk", "", 10)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, LINE, text.words(words, pdf.document.language), **NEXT_LINE)
    pdf.set_text_color(*BLACK)


def _line(pdf: _Pdf, line: TranscriptLine) -> None:
    """The time (and the recording's moment) in the left column; the speaker in bold and what
    they said, wrapped in the column beside it: Chinese at any character, other text at
    spaces (a word longer than the column is cut)."""
    if pdf.will_page_break(2 * LINE):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("cjk", "", 8)
    pdf.set_text_color(*GREY)
    when = text.clock(line.at, pdf.zone)
    if line.recording_seconds is not None:
        when += f"  ▶{text.moment(line.recording_seconds)}"
    pdf.cell(TIME_COLUMN, LINE, when)
    indent = pdf.l_margin
    pdf.set_left_margin(indent + TIME_COLUMN)
    try:
        pdf.set_xy(indent + TIME_COLUMN, top)
        if line.speaker is not None:
            pdf.set_text_color(*BLACK)
            pdf.set_font("cjk", "B", 10)
            pdf.write(LINE, text.one_line(line.speaker) + "：")
        pdf.set_font("cjk", "", 10)
        pdf.set_text_color(*(BLACK if line.speaker is not None else GREY))
        said = text.printable(line.text).strip("\n") or " "
        wrap = WrapMode.CHAR if text.mostly_wide(said) else WrapMode.WORD
        pdf.write(LINE, said, wrapmode=wrap)
        pdf.ln(LINE + 1)
    finally:
        pdf.set_left_margin(indent)
        pdf.set_x(indent)
        pdf.set_text_color(*BLACK)


def _signer(pdf: _Pdf, signer: Signer) -> None:
    """One person's confirmation: role and name, status and time, and the signature image."""
    language = pdf.document.language
    box_width, box_height = SIGNATURE_BOX
    if pdf.will_page_break(box_height + 10):
        pdf.add_page()
    top = pdf.get_y()
    width = pdf.w - pdf.l_margin - pdf.r_margin - box_width - 4
    pdf.set_font("cjk", "B", 10)
    pdf.multi_cell(
        width,
        LINE,
        f"{text.one_line(signer.role)}  {text.one_line(signer.name)}",
        **NEXT_LINE,
    )
    pdf.set_font("cjk", "", 9.5)
    status = text.words(text.STATUS[signer.status], language)
    if signer.at is not None:
        status += f"  {text.stamp(signer.at, pdf.zone)}"
    pdf.multi_cell(width, LINE, status, **NEXT_LINE)
    if signer.note:
        pdf.set_text_color(*GREY)
        pdf.multi_cell(width, LINE, text.printable(signer.note), **NEXT_LINE)
        pdf.set_text_color(*BLACK)
    left = pdf.w - pdf.r_margin - box_width
    bottom = pdf.get_y()
    if signer.signature_png is not None:
        picture = _signature_picture(signer.signature_png)
        if picture is None:
            pdf.set_xy(left, top)
            pdf.set_text_color(*GREY)
            pdf.multi_cell(box_width, LINE, text.words(text.NO_IMAGE, language), **NEXT_LINE)
            pdf.set_text_color(*BLACK)
            bottom = max(bottom, pdf.get_y())
        else:
            scale = min(box_width / picture.width, box_height / picture.height)
            pdf.image(picture, x=left, y=top, w=picture.width * scale, h=picture.height * scale)
            bottom = max(bottom, top + picture.height * scale)
    pdf.set_xy(pdf.l_margin, bottom + 2)
    pdf.set_draw_color(220, 220, 220)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(*BLACK)
    pdf.ln(3)


def _signature_picture(png: bytes) -> Image.Image | None:
    """A signature as an opaque picture on white (a drawn signature's background is usually
    transparent), no wider than the box needs; None when it is not a PNG Pillow can read
    within SIGNATURE_LIMIT pixels a side."""
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            if max(image.size) > SIGNATURE_LIMIT:
                return None
            image.load()
            rgba = image.convert("RGBA")
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    opaque = Image.new("RGB", rgba.size, "white")
    opaque.paste(rgba, mask=rgba.getchannel("A"))
    opaque.thumbnail((800, 300))
    return opaque
