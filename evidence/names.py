"""The name an exhibit is shown under: the file's name as the uploader's device gave it, made
safe to store and to show. The file itself is stored under its SHA-256, so the name is never a
path; it is still cleaned of what could pass for one, and of what could make it read as
something else on screen."""

import unicodedata

MAX_BYTES = 255
"""UTF-8 bytes: what a database column or a file system holds as one name."""
MAX_SUFFIX = 16
"""A longer "extension" is part of the name, not kept through shortening."""
FALLBACK = "unnamed"

SEPARATORS = {"/", "\\"}
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Direction overrides and marks: "invoice\u202efdp.exe" shows as "invoiceexe.pdf"."""


def display_name(given: str) -> str:
    """`given` in NFC form with path separators replaced by "_", control characters, direction
    overrides and unpaired surrogates dropped, line and paragraph breaks made spaces, spaces
    trimmed, and shortened to `MAX_BYTES` of UTF-8 without cutting a character (the extension
    kept). A name with nothing left is `FALLBACK`."""
    characters = []
    for character in unicodedata.normalize("NFC", given):
        category = unicodedata.category(character)
        if character in SEPARATORS:
            characters.append("_")
        elif category in ("Zl", "Zp"):
            characters.append(" ")
        elif category not in ("Cc", "Cs") and character not in BIDI_CONTROLS:
            characters.append(character)
    name = "".join(characters).strip()
    if name.strip(".") == "":
        return FALLBACK
    return shortened(name)


def shortened(name: str) -> str:
    if len(name.encode()) <= MAX_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX:
        return cut(name, MAX_BYTES)
    return cut(stem, MAX_BYTES - len(suffix.encode()) - 1).rstrip() + "." + suffix


def cut(text: str, limit: int) -> str:
    """The longest start of `text` whose UTF-8 takes at most `limit` bytes."""
    return text.encode()[:limit].decode(errors="ignore")
