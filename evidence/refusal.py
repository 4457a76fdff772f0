"""Why an uploaded file is refused: a stable code for the REST layer (a 4xx answer) and the
client (its own words), with an English message for everyone else, and, for a refusal over one
of the court's limits, that limit and the file's own value in a unit (`Exceeded`), so that a
client states the limit without reading it out of the English."""

from dataclasses import dataclass
from enum import StrEnum


class Refusal(StrEnum):
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_MANY_PAGES = "too_many_pages"
    PAGE_TOO_LARGE = "page_too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_LONG = "too_long"
    BAD_PDF = "bad_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    PDF_TOO_COMPLEX = "pdf_too_complex"
    """Reading the PDF, or drawing one of its pages, went past its CPU, memory or time budget
    (see `evidence.pdf`, `evidence.pages`)."""
    NO_SUCH_PAGE = "no_such_page"
    """A page asked for that the PDF does not have (`evidence.pages`)."""
    BAD_IMAGE = "bad_image"
    IMAGE_TOO_COMPLEX = "image_too_complex"
    """Reading the image went past its CPU, memory or time budget (`evidence.image`)."""
    BAD_MEDIA = "bad_media"
    MEDIA_TOO_COMPLEX = "media_too_complex"
    """Reading the audio or video went past its CPU, memory or time budget (`evidence.media`)."""


class Unit(StrEnum):
    BYTES = "bytes"
    PAGES = "pages"
    POINTS = "points"
    """1/72 inch: the side of a PDF page."""
    PIXELS = "pixels"
    """Width × height."""
    SECONDS = "seconds"


@dataclass(frozen=True)
class Exceeded:
    """The limit a file went over, and the file's own value when it is known (a page tree
    claiming a million pages is refused before it is counted)."""

    limit: float
    unit: Unit
    actual: float | None = None


ACCEPTED = "PDF, JPEG, PNG, WebP, MP3, M4A, WAV or MP4"


class Refused(Exception):
    def __init__(self, code: Refusal, message: str, exceeded: Exceeded | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.exceeded = exceeded
