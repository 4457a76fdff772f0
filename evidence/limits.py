"""How much an exhibit may hold, and how much reading a PDF and drawing its pages may cost."""

from dataclasses import dataclass

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 100 * MB
    max_pages: int = 500
    max_page_points: float = 14_400
    """Longest side of a PDF page in points (1/72 inch): 200 inches, PDF's own limit."""
    max_pixels: int = 50_000_000
    """Width × height of an image or a video frame."""
    max_duration: float = 2 * 3600
    """Seconds of audio or video."""
    pdf_cpu_seconds: int = 10
    pdf_wall_seconds: float = 20
    """The child process reading a PDF is killed after this long, even when it waits rather
    than computes."""
    pdf_memory_bytes: int = 1 << 30
    """Address space of that child process (it includes the interpreter and PDFium itself), and
    of the one drawing its pages."""
    page_cpu_seconds: int = 5
    """CPU time to draw one PDF page for the screen, at every width asked for (a page of text,
    drawings and a photo takes a tenth of a second at 1280 pixels)."""
    page_wall_seconds: float = 10
    """The child process drawing pages is killed when the next page has not come after this
    long (the first one includes the start of the process)."""


DEFAULT_LIMITS = Limits()
