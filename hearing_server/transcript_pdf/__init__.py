"""The confirmed transcript as a PDF (docs/architecture.md#transcript): `TranscriptDocument`
in, PDF bytes out."""

from hearing_server.transcript_pdf.document import (
    BenchMember,
    Language,
    Signer,
    SignerStatus,
    TranscriptDocument,
    TranscriptLine,
)
from hearing_server.transcript_pdf.fonts import FontMissing
from hearing_server.transcript_pdf.render import render_pdf

__all__ = [
    "BenchMember",
    "FontMissing",
    "Language",
    "Signer",
    "SignerStatus",
    "TranscriptDocument",
    "TranscriptLine",
    "render_pdf",
]
