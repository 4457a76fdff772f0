"""Exhibits made ready for the screen and the archive: a PDF's pages drawn as WebP pictures in one
child process under a budget per page (evidence/pages.py, evidence/pdf_render.py), and images
turned upright, scaled down and stripped of their metadata (evidence/image_display.py). Every
file is made in the test."""

import time
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from evidence import Limits, Picture, Refusal, Refused, display_images, page_pictures
from evidence.limits import DEFAULT_LIMITS
from tests.pdf_files import CATALOG, nested_forms, pdf_bytes, stream

LEFT_HALF_BLACK = b"0 g 0 0 %d %d re f"


def pages_pdf(boxes: list[tuple[int, int]]) -> bytes:
    """One page per (width, height) in points, its left half painted black."""
    objects = [CATALOG, b""]
    kids = []
    for width, height in boxes:
        page = len(objects) + 1
        kids.append(b"%d 0 R" % page)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R >>"
            % (width, height, page + 1)
        )
        objects.append(stream(LEFT_HALF_BLACK % (width // 2, height)))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(boxes))
    return pdf_bytes(objects)


def fine_then_exponential(levels: int = 12) -> bytes:
    """Page 1 as `pages_pdf` draws it; page 2 draws form 1, which draws form 2 ten times, ...:
    10^11 rectangles (`tests/pdf_files.py` `nested_forms` on a second page)."""
    objects = [
        CATALOG,
        b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream(LEFT_HALF_BLACK % (297, 842)),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R"
        b" /Resources << /XObject << /X 7 0 R >> >> >>",
        stream(b"/X Do"),
    ]
    return pdf_bytes(objects + nested_forms(levels, len(objects) + 1, b"[0 0 595 842]"))


def write(tmp_path: Path, data: bytes, name: str = "exhibit.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


A4, A4_LANDSCAPE, LETTER = (595, 842), (842, 595), (612, 792)


def test_every_page_at_every_width_in_page_order(tmp_path: Path) -> None:
    path = write(tmp_path, pages_pdf([A4, A4_LANDSCAPE, LETTER]))
    pictures = list(page_pictures(path, tmp_path / "shown", [160, 640], DEFAULT_LIMITS))
    assert [(p.page, p.path.name) for p in pictures] == [
        (page, f"page-000{page}-{width}.webp") for page in (1, 2, 3) for width in (640, 160)
    ]
    for picture, (width, height) in zip(
        pictures, [A4, A4, A4_LANDSCAPE, A4_LANDSCAPE, LETTER, LETTER], strict=True
    ):
        assert picture.path.parent == tmp_path / "shown"
        assert picture.size == picture.path.stat().st_size
        with Image.open(picture.path) as image:
            assert image.format == "WEBP"
            assert image.size == (picture.width, picture.height)
            assert picture.width in (640, 160)
            assert picture.height == round(picture.width * height / width)
            # the left half is the page's black half
            grey = image.convert("L")
            left = grey.getpixel((picture.width // 4, picture.height // 2))
            right = grey.getpixel((picture.width * 3 // 4, picture.height // 2))
            assert isinstance(left, int) and isinstance(right, int)
            assert left < 40 and right > 215
    assert sorted(p.name for p in (tmp_path / "shown").iterdir()) == sorted(
        p.path.name for p in pictures
    )


def test_one_page(tmp_path: Path) -> None:
    path = write(tmp_path, pages_pdf([A4, A4_LANDSCAPE, LETTER]))
    pictures = list(page_pictures(path, tmp_path, [320], DEFAULT_LIMITS, page=2))
    assert pictures == [Picture(tmp_path / "page-0002-320.webp", 320, 226, pictures[0].size, 2)]


@pytest.mark.parametrize("page", [0, 4])
def test_a_page_the_pdf_does_not_have(tmp_path: Path, page: int) -> None:
    path = write(tmp_path, pages_pdf([A4, A4, A4]))
    with pytest.raises(Refused) as refused:
        list(page_pictures(path, tmp_path, [320], DEFAULT_LIMITS, page=page))
    assert refused.value.code == Refusal.NO_SUCH_PAGE
    expected = "numbered from 1" if page == 0 else "There is no page 4: this PDF has 3 page(s)."
    assert expected in refused.value.message


def test_a_page_too_tall_for_webp_is_drawn_narrower(tmp_path: Path) -> None:
    path = write(tmp_path, pages_pdf([(10, 14_400)]))
    [picture] = page_pictures(path, tmp_path, [1280], DEFAULT_LIMITS)
    assert (picture.width, picture.height) == (11, 16_383)


def test_not_a_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, b"%PDF-1.7\nnothing else\n")
    with pytest.raises(Refused) as refused:
        list(page_pictures(path, tmp_path, [320], DEFAULT_LIMITS))
    assert refused.value.code == Refusal.BAD_PDF


def test_a_page_that_cannot_be_drawn_in_its_budget(tmp_path: Path) -> None:
    """Page 1 is drawn; page 2 would draw 10^11 rectangles: the kernel stops the child at its
    CPU allowance for that page (long before the generous wall-clock limit), and the refusal
    names it."""
    path = write(tmp_path, fine_then_exponential())
    limits = Limits(page_cpu_seconds=1, page_wall_seconds=60)
    drawn: list[Picture] = []
    start = time.monotonic()
    with pytest.raises(Refused) as refused:
        for picture in page_pictures(path, tmp_path / "shown", [320], limits):
            drawn.append(picture)
    assert time.monotonic() - start < 30
    assert refused.value.code == Refusal.PDF_TOO_COMPLEX
    assert refused.value.message.startswith("Page 2 of this PDF")
    assert [picture.page for picture in drawn] == [1]
    assert [p.name for p in (tmp_path / "shown").iterdir()] == ["page-0001-320.webp"]


def test_the_wall_clock_budget_stops_the_child(tmp_path: Path) -> None:
    path = write(tmp_path, pages_pdf([A4]))
    with pytest.raises(Refused) as refused:
        list(page_pictures(path, tmp_path, [320], Limits(page_wall_seconds=0.01)))
    assert refused.value.code == Refusal.PDF_TOO_COMPLEX


def jpeg_with_orientation(path: Path, orientation: int) -> Path:
    """400 × 200 as stored, left half red, right half blue, tagged with `orientation` and the
    camera's make."""
    image = Image.new("RGB", (400, 200), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneCo"
    image.save(path, format="JPEG", exif=exif, quality=95)
    return path


def test_a_photo_comes_out_upright_without_its_metadata(tmp_path: Path) -> None:
    # 6: "turn 90° clockwise to show", so the stored left half is the top
    path = jpeg_with_orientation(tmp_path / "photo.jpg", 6)
    pictures = display_images(path, "image/jpeg", tmp_path / "shown", [100, 50], DEFAULT_LIMITS)
    assert [(p.path.name, p.width, p.height, p.page) for p in pictures] == [
        ("image-100.webp", 100, 200, None),
        ("image-50.webp", 50, 100, None),
    ]
    with Image.open(pictures[0].path) as image:
        assert image.format == "WEBP"
        assert image.size == (100, 200)
        assert "exif" not in image.info and "xmp" not in image.info
        assert not image.getexif()
        top = image.convert("RGB").getpixel((50, 40))
        bottom = image.convert("RGB").getpixel((50, 160))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 200 and top[2] < 60  # red
        assert bottom[2] > 200 and bottom[0] < 60  # blue


def test_an_image_is_never_scaled_up(tmp_path: Path) -> None:
    path = tmp_path / "small.png"
    Image.new("RGBA", (50, 30), (0, 128, 0, 128)).save(path, format="PNG")
    [picture] = display_images(path, "image/png", tmp_path, [320], DEFAULT_LIMITS)
    assert (picture.path.name, picture.width, picture.height) == ("image-320.webp", 50, 30)
    with Image.open(picture.path) as image:
        assert image.mode == "RGBA"


def test_a_damaged_image_is_refused(tmp_path: Path) -> None:
    path = jpeg_with_orientation(tmp_path / "photo.jpg", 1)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(Refused) as refused:
        display_images(path, "image/jpeg", tmp_path, [320], DEFAULT_LIMITS)
    assert refused.value.code == Refusal.BAD_IMAGE
