"""PDF exhibits: read in a child process under a CPU, memory and time budget (evidence/pdf.py,
evidence/pdf_probe.py, evidence/budget.py). The hostile files are written by hand, object by object."""

import hashlib
import time
from pathlib import Path

import pytest
from PIL import Image

from evidence import Exceeded, Inspection, Kind, Limits, Refusal, Refused, Unit, inspect_file
from evidence.limits import DEFAULT_LIMITS
from tests.pdf_files import (
    CATALOG,
    made_by_pdfium,
    nested_forms,
    one_page,
    pdf_bytes,
    stream,
)


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


PADDING = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
FILE_ID = bytes(range(16))


def encrypted(user_password_empty: bool) -> bytes:
    """Standard security handler, revision 2 (PDF 1.7, 7.6.3.3): with `user_password_empty` any
    reader opens it (only the owner's restrictions apply), else it needs a password."""
    owner = bytes(32)
    permissions = -4
    key = hashlib.md5(PADDING + owner + permissions.to_bytes(4, "little", signed=True) + FILE_ID)
    user = rc4(key.digest()[:5], PADDING) if user_password_empty else bytes(range(32))
    return pdf_bytes(
        [
            CATALOG,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
            % (owner.hex().encode(), user.hex().encode(), permissions),
        ],
        trailer=b"/Encrypt 4 0 R /ID [<%s> <%s>] "
        % (FILE_ID.hex().encode(), FILE_ID.hex().encode()),
    )


def exponential_forms(levels: int = 12) -> bytes:
    """A page that draws form 1, which draws form 2 ten times, ... : 10^11 rectangles from a
    file of 2 KB (`nested_forms`)."""
    objects = [
        CATALOG,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /XObject << /X 5 0 R >> >> >>",
        stream(b"/X Do"),
    ]
    return pdf_bytes(objects + nested_forms(levels, len(objects) + 1, b"[0 0 612 792]"))


def write(tmp_path: Path, data: bytes, name: str = "exhibit.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> Refusal:
    with pytest.raises(Refused) as refused:
        inspect_file(path, limits)
    return refused.value.code


def test_a_pdf_is_a_document_with_its_pages_counted(tmp_path: Path) -> None:
    data = made_by_pdfium(3)
    assert inspect_file(write(tmp_path, data)) == Inspection(
        media_type="application/pdf",
        kind=Kind.DOCUMENT,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=3,
    )


def test_a_hand_written_pdf_is_read(tmp_path: Path) -> None:
    assert inspect_file(write(tmp_path, one_page())).pages == 1


def test_a_png_named_pdf_is_an_image(tmp_path: Path) -> None:
    path = tmp_path / "exhibit.pdf"
    Image.new("RGB", (4, 3)).save(path, format="PNG")
    facts = inspect_file(path)
    assert (facts.media_type, facts.kind, facts.width, facts.height) == ("image/png", "image", 4, 3)


def test_text_named_pdf_is_not_accepted(tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        inspect_file(write(tmp_path, b"This is the contract, honest.\n"))
    assert refused.value.code == Refusal.UNSUPPORTED_TYPE
    assert "PDF, JPEG, PNG, WebP, MP3, M4A, WAV or MP4" in refused.value.message


def test_text_that_starts_like_a_pdf_is_a_bad_pdf(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, b"%PDF-1.7\nnothing else\n")) == Refusal.BAD_PDF


def test_a_truncated_pdf_is_a_bad_pdf(tmp_path: Path) -> None:
    data = made_by_pdfium(3)
    assert refusal(write(tmp_path, data[: len(data) * 6 // 10])) == Refusal.BAD_PDF


def test_a_pdf_that_needs_a_password_is_refused(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, encrypted(user_password_empty=False))) == Refusal.ENCRYPTED_PDF


def test_a_pdf_encrypted_with_an_empty_user_password_is_refused_too(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, encrypted(user_password_empty=True))) == Refusal.ENCRYPTED_PDF


def test_too_many_pages(tmp_path: Path) -> None:
    path = write(tmp_path, made_by_pdfium(3))
    with pytest.raises(Refused) as refused:
        inspect_file(path, Limits(max_pages=2))
    assert refused.value.code == Refusal.TOO_MANY_PAGES
    assert refused.value.message == "This PDF has more than 2 pages."
    assert refused.value.exceeded == Exceeded(2, Unit.PAGES, 3)


def test_a_page_tree_claiming_a_million_pages(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, one_page(count=1_000_000))) == Refusal.TOO_MANY_PAGES


def test_a_page_ten_kilometres_wide(tmp_path: Path) -> None:
    path = write(tmp_path, one_page(box=b"[0 0 28346457 842]"))
    with pytest.raises(Refused) as refused:
        inspect_file(path)
    assert refused.value.code == Refusal.PAGE_TOO_LARGE
    exceeded = refused.value.exceeded
    assert exceeded is not None and (exceeded.limit, exceeded.unit) == (14_400, Unit.POINTS)
    assert exceeded.actual == pytest.approx(28_346_457)  # PDFium's single precision


def test_deeply_nested_objects_are_read_within_the_budget(tmp_path: Path) -> None:
    nested = b"/Nested " + b"[" * 100_000 + b"]" * 100_000 + b" "
    assert inspect_file(write(tmp_path, one_page(page=nested))).pages == 1


def test_a_page_tree_nested_thousands_deep_is_a_bad_pdf(tmp_path: Path) -> None:
    depth = 5000
    objects = [CATALOG]
    for level in range(depth):
        parent = b"/Parent %d 0 R " % level if level else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 %s>>" % (level + 3, parent))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (depth + 1))
    assert refusal(write(tmp_path, pdf_bytes(objects))) == Refusal.BAD_PDF


def test_the_wall_clock_budget_stops_the_child(tmp_path: Path) -> None:
    path = write(tmp_path, one_page())
    assert refusal(path, Limits(pdf_wall_seconds=0.01)) == Refusal.PDF_TOO_COMPLEX


@pytest.mark.parametrize(
    "limits",
    [
        Limits(pdf_cpu_seconds=1, pdf_wall_seconds=60),
        Limits(pdf_memory_bytes=256 << 20, pdf_cpu_seconds=60, pdf_wall_seconds=60),
    ],
    ids=["cpu", "memory"],
)
def test_the_kernel_stops_a_pdf_built_to_exhaust_the_renderer(
    tmp_path: Path, limits: Limits
) -> None:
    """Drawing the page would take hours and gigabytes; the child's own CPU or address-space
    limit ends it (long before the generous wall-clock timeout)."""
    path = write(tmp_path, exponential_forms())
    start = time.monotonic()
    assert refusal(path, limits) == Refusal.PDF_TOO_COMPLEX
    assert time.monotonic() - start < 30
