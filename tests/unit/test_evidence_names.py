"""The name an exhibit is shown under: the file's name as given, safe to store and to show
(evidence/names.py)."""

import pytest

from evidence import display_name
from evidence.names import FALLBACK, MAX_BYTES


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("Exhibit A – lease (signed).pdf", "Exhibit A – lease (signed).pdf"),
        ("../../etc/passwd", ".._.._etc_passwd"),
        ("C:\\Users\\anna\\photo.jpg", "C:_Users_anna_photo.jpg"),
        ("bill\x00\x07\x1b[31m.pdf", "bill[31m.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("line\u2028break.pdf", "line break.pdf"),
        ("  padded.pdf \t", "padded.pdf"),
        ("Cafe\u0301.pdf", "Café.pdf"),
        ("lone\ud800surrogate.pdf", "lonesurrogate.pdf"),
        ("مستند\u200cها.pdf", "مستند\u200cها.pdf"),
        ("", FALLBACK),
        ("..", FALLBACK),
        ("\x00\x01", FALLBACK),
    ],
)
def test_display_name(given: str, shown: str) -> None:
    assert display_name(given) == shown


def test_three_hundred_chinese_characters_keep_as_many_as_fit_and_the_extension() -> None:
    shown = display_name("证" * 300 + ".pdf")
    assert shown == "证" * 83 + ".pdf"
    assert len(shown.encode()) <= MAX_BYTES


def test_a_long_name_without_an_extension_is_cut_between_characters() -> None:
    assert display_name("证" * 300) == "证" * 85
    assert display_name("a" + "😀" * 100) == "a" + "😀" * 63


def test_a_long_suffix_is_part_of_the_name() -> None:
    shown = display_name("x" * 300 + "." + "y" * 40)
    assert shown == "x" * MAX_BYTES
