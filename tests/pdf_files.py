"""PDF files for tests and benches, written byte by byte (so a test controls every object, the
hostile ones included) or made by PDFium."""

import io

import pypdfium2 as pdfium
import zxingcpp

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
HELLO = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"


def pdf_bytes(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of `objects` (numbered from 1, the first one the catalog) with a correct
    cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), entries, data)


def one_page(count: int = 1, box: bytes = b"[0 0 612 792]", page: bytes = b"") -> bytes:
    """One page; the page tree claims `count` pages."""
    return pdf_bytes(
        [
            CATALOG,
            b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R %s>>" % (box, page),
            stream(HELLO),
        ]
    )


def made_by_pdfium(pages: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def nested_forms(levels: int, first: int, box: bytes) -> list[bytes]:
    """Form objects numbered from `first`: each draws the next ten times, the last a rectangle,
    so drawing the first draws 10^(levels - 1) rectangles from a few KB of file: the PDF form
    of "billion laughs"."""
    form = b"/Type /XObject /Subtype /Form /BBox %s " % box
    objects = []
    for level in range(levels - 1):
        inner = b"/Resources << /XObject << /X %d 0 R >> >> " % (first + level + 1)
        objects.append(stream(b"/X Do " * 10, form + inner))
    objects.append(stream(b"0 0 1 1 re f", form))
    return objects


def coloured_pages(colours: list[tuple[float, float, float]]) -> bytes:
    """Letter pages, white, each with a large block of its colour (RGB from 0 to 1) over the
    top half, about 30 % of the page: easy to tell apart once drawn, scaled and encoded."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(len(colours)))
    objects = [CATALOG, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(colours))]
    for index, (red, green, blue) in enumerate(colours):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R >>"
            % (4 + 2 * index)
        )
        block = b"%.2f %.2f %.2f rg 72 400 468 300 re f" % (red, green, blue)
        objects.append(stream(b"1 1 1 rg 0 0 612 792 re f " + block))
    return pdf_bytes(objects)


def qr_texts(pdf: bytes) -> list[str]:
    """What the QR codes on the PDF's first page say (drawn at 200 dpi)."""
    document = pdfium.PdfDocument(pdf)
    try:
        picture = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    return [str(r.text) for r in zxingcpp.read_barcodes(picture)]
