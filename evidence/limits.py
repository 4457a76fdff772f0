"""How much an exhibit may hold, and how much reading it (a PDF, an image, a recording: each in a
child process, `evidence.budget`) and drawing a PDF's pages may cost."""

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
    image_cpu_seconds: int = 10
    """CPU time to read an image whole (a 50-megapixel PNG takes about a second)."""
    image_wall_seconds: float = 20
    image_memory_bytes: int = 1 << 30
    """Address space of the child process reading an image: the interpreter, Pillow, and the
    decoded picture (4 bytes a pixel at most, 200 MB at `max_pixels`)."""
    media_cpu_seconds: int = 10
    """CPU time to read a recording's header and decode its first frame."""
    media_wall_seconds: float = 20
    media_memory_bytes: int = 1 << 30
    """Address space of the child process reading a recording: the interpreter and FFmpeg take
    about 150 MB of it (with less, FFmpeg cannot even be loaded, and every file is bad_media)."""


DEFAULT_LIMITS = Limits()
