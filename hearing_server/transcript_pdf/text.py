"""Text as the PDF prints it: the document's own words in the court's language, and whatever a
person typed made printable (any script goes in; a glyph the font lacks shows as a box, and
nothing a person typed can stop the PDF from being made)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from court.transcript import Words, say
from hearing_server.transcript_pdf.document import Language, SignerStatus

TITLE: Words = ("庭审笔录", "Transcript of the hearing")
CASE_NUMBER: Words = ("案号", "Case number")
CAUSE: Words = ("案由", "Cause")
KIND: Words = ("庭审类型", "Hearing")
HELD: Words = ("时间", "Held")
BENCH: Words = ("审判人员及书记员", "Bench and clerk")
LANGUAGE: Words = ("笔录语言", "Language")
RECORD: Words = ("笔录", "Record")
SIGNATURES: Words = ("签名确认", "Signatures")
NO_LINES: Words = ("（无笔录内容）", "(Nothing was recorded.)")
NO_SIGNERS: Words = ("（无需签名的人员）", "(Nobody signs this transcript.)")
NO_IMAGE: Words = ("（签名图像无法显示）", "(The signature image cannot be shown.)")
MANIFEST: Words = ("录像清单 SHA-256", "Recording manifest SHA-256")
CODE: Words = ("核验码", "Verification code")
STATUS: dict[SignerStatus, Words] = {
    SignerStatus.SIGNED: ("已签名", "Signed"),
    SignerStatus.REFUSED: ("拒绝签名", "Refused to sign"),
    SignerStatus.NOT_SIGNED: ("未签名", "Not signed"),
}
LANGUAGES: dict[str, Words] = {
    "zh": ("中文", "Chinese"),
    "en": ("英文", "English"),
    "zh+en": ("中文、英文", "Chinese and English"),
}

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
"""Direction overrides and isolates: printed left to right they only hide what follows."""


def words(these: Words, language: Language) -> str:
    return say(these, language)


def page_number(page: int, pages: str, language: Language) -> str:
    """ "第 N 页 / 共 M 页" (and, in English, "Page N of M"); `pages` may be fpdf2's alias for
    the count, filled in once the last page is known."""
    zh, en = f"第 {page} 页 / 共 {pages} 页", f"Page {page} of {pages}"
    return {"zh": zh, "en": en}.get(language, f"{zh}    {en}")


def printable(text: str) -> str:
    """``text`` with line breaks made ``\\n``, tabs spaces, other control characters, direction
    overrides and unpaired surrogates dropped (the font has no glyph for them, and a lone
    surrogate cannot even be encoded)."""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", "    ")
    text = _BIDI_CONTROLS.sub("", text)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs"))


def mostly_wide(text: str) -> bool:
    """Whether most of ``text``'s letters are wide (Chinese, Japanese, Korean): such text is
    wrapped at any character, as Chinese is written, not at the last space (which would
    leave a line half empty after a space in a Chinese sentence)."""
    wide = narrow = 0
    for ch in text:
        if ch.isspace():
            continue
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            wide += 1
        else:
            narrow += 1
    return wide > narrow


def one_line(text: str) -> str:
    """``printable`` on one line (names, labels)."""
    return " ".join(printable(text).split())


def clock(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M:%S")


def moment(seconds: float) -> str:
    """A place in the recording, "1:02:03"."""
    whole = int(max(0.0, seconds))
    return str(timedelta(seconds=whole))


def held(start: datetime, end: datetime | None, zone: ZoneInfo) -> str:
    """ "2026-03-02 09:30 – 11:45" (the end's date too when it is another day)."""
    first = start.astimezone(zone)
    if end is None:
        return first.strftime("%Y-%m-%d %H:%M") + " –"
    last = end.astimezone(zone)
    shape = "%H:%M" if last.date() == first.date() else "%Y-%m-%d %H:%M"
    return f"{first.strftime('%Y-%m-%d %H:%M')} – {last.strftime(shape)}"


def stamp(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
