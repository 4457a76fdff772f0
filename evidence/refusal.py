"""Why an uploaded file is refused: a stable code for the REST layer (a 4xx answer) and the
client (its own words), with an English message for everyone else."""

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
    BAD_MEDIA = "bad_media"


ACCEPTED = "PDF, JPEG, PNG, WebP, MP3, M4A, WAV or MP4"


class Refused(Exception):
    def __init__(self, code: Refusal, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
