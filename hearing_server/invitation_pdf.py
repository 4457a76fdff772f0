"""The printable invitation: one A4 page with the court, the letter's facts, a QR code of the
link (to be scanned with the phone that will join), the court's notice and what to prepare.
Drawn with fpdf2 in the transcript's Chinese font; the QR code is drawn as squares from
segno's matrix, so it stays sharp at any print size."""

from __future__ import annotations

from typing import Any

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from court.invitation_letter import Letter
from hearing_server.transcript_pdf.fonts import cjk_fonts
from hearing_server.transcript_pdf.text import one_line

MARGIN = 20.0
"""mm."""
QR_SIDE = 50.0
"""mm: the code's side, its quiet zone included; a phone reads it from arm's length."""
NEXT_LINE: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def invitation_pdf(court: str, letter: Letter, link: str) -> bytes:
    """The invitation's PDF. Raises `fonts.FontMissing` without a Chinese font."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    fonts = cjk_fonts()
    pdf.add_font("cjk", "", fonts.regular.path, collection_font_number=fonts.regular.index)
    pdf.add_font("cjk", "B", fonts.bold.path, collection_font_number=fonts.bold.index)
    pdf.set_title(one_line(letter.subject))
    pdf.set_author(one_line(court))
    pdf.set_creator("hearing-server")
    pdf.add_page()

    pdf.set_font("cjk", "B", 16)
    pdf.multi_cell(0, 9, one_line(court), align="C", **NEXT_LINE)
    pdf.set_font("cjk", "B", 14)
    pdf.multi_cell(0, 9, letter.heading, align="C", **NEXT_LINE)
    pdf.ln(4)
    pdf.set_font("cjk", "", 11)
    pdf.multi_cell(0, 6.5, one_line(letter.greeting), **NEXT_LINE)
    pdf.multi_cell(0, 6.5, letter.intro, **NEXT_LINE)
    pdf.ln(2)
    label_width = 38.0
    for label, value in letter.facts:
        pdf.set_font("cjk", "B", 10.5)
        pdf.cell(label_width, 6.5, label)
        pdf.set_font("cjk", "", 10.5)
        pdf.multi_cell(0, 6.5, one_line(value), **NEXT_LINE)
    pdf.ln(3)
    _qr(pdf, link)
    for heading, *lines in (letter.notice, letter.prepare):
        pdf.set_font("cjk", "B", 11)
        pdf.multi_cell(0, 7, heading, **NEXT_LINE)
        pdf.set_font("cjk", "", 10.5)
        for number, line in enumerate(lines, 1):
            pdf.multi_cell(0, 6, f"{number}. {line}", **NEXT_LINE)
        pdf.ln(2)
    return bytes(pdf.output())


def _qr(pdf: FPDF, link: str) -> None:
    """The link's QR code, centred, dark squares on white."""
    code = segno.make(link, error="m", micro=False)
    matrix = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    module = QR_SIDE / len(matrix)
    left = (pdf.w - QR_SIDE) / 2
    top = pdf.get_y()
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        column = 0
        while column < len(cells):  # a run of dark modules is one rectangle
            if not cells[column]:
                column += 1
                continue
            end = column
            while end < len(cells) and cells[end]:
                end += 1
            pdf.rect(
                left + column * module, top + row * module, (end - column) * module, module, "F"
            )
            column = end
    pdf.set_y(top + QR_SIDE + 3)
