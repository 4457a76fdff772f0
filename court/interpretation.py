"""Interpretation in a hearing: an interpreter works between a pair of languages, spoken or
signed, and each person chooses whom they listen to (docs/architecture.md#interpretation). Pure.

A spoken interpreter's voice is a channel of its own: a person listening to the floor does not
hear it, one listening to the interpretation hears it at full volume and the floor low beneath
it. A sign-language interpreter is seen, not heard: those who need them keep their picture
beside the speaker's."""

from __future__ import annotations

SIGN_LANGUAGES = frozenset({"csl"})
"""中国手语 (Chinese Sign Language)."""

LANGUAGE_LABELS: dict[str, tuple[str, str]] = {
    "zh": ("普通话", "Mandarin Chinese"),
    "yue": ("粤语", "Cantonese"),
    "en": ("英语", "English"),
    "ja": ("日语", "Japanese"),
    "ko": ("韩语", "Korean"),
    "ru": ("俄语", "Russian"),
    "fr": ("法语", "French"),
    "de": ("德语", "German"),
    "es": ("西班牙语", "Spanish"),
    "pt": ("葡萄牙语", "Portuguese"),
    "ar": ("阿拉伯语", "Arabic"),
    "vi": ("越南语", "Vietnamese"),
    "th": ("泰语", "Thai"),
    "ug": ("维吾尔语", "Uyghur"),
    "bo": ("藏语", "Tibetan"),
    "mn": ("蒙古语", "Mongolian"),
    "csl": ("中国手语", "Chinese Sign Language"),
}
"""The languages an interpreter may work between, in Chinese and English."""

PAIR = r"^[a-z]{2,3}-[a-z]{2,3}$"
"""How a pair is written: two codes of `LANGUAGE_LABELS` with a hyphen (``zh-en``)."""


def pair_refusal(pair: str) -> str | None:
    """Why ``pair`` (``zh-en``) is no language pair an interpreter works between (None: it is)."""
    first, _, second = pair.partition("-")
    unknown = [code for code in (first, second) if code not in LANGUAGE_LABELS]
    if unknown:
        return f"unknown language {unknown[0]!r}; one of {', '.join(LANGUAGE_LABELS)}"
    if first == second:
        return "an interpreter works between two different languages"
    return None


def signs(pair: str | None) -> bool:
    """Whether the interpreter of ``pair`` signs (seen, not heard as a channel)."""
    return pair is not None and any(code in SIGN_LANGUAGES for code in pair.split("-"))
