"""The kind of a file from its first bytes (its "magic"), never from its name or the type the
browser claims: both are whatever the uploader's device says, and a file renamed `.pdf` is
still what its bytes are. Sniffing only picks the parser; the parser then decides for real
(`evidence.inspection`)."""

from enum import StrEnum

HEAD = 16
"""Bytes of the file `sniff` needs."""

MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4A ", b"M4V "}
)
"""ISO base media brands of MP4 and M4A files. The same box structure also carries QuickTime
(`qt  `), HEIF/HEIC and AVIF images and 3GP, which are not accepted."""


class Container(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    MP3 = "mp3"
    WAV = "wav"
    MP4 = "mp4"


def sniff(head: bytes) -> Container | None:
    """The container the first `HEAD` bytes announce, None for anything else."""
    if head.startswith(b"%PDF-"):
        return Container.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return Container.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Container.PNG
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Container.WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return Container.WAV
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return Container.MP4
    if head.startswith(b"ID3") or is_mp3_frame(head):
        return Container.MP3
    return None


def is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio frame header of layer III: 11 sync bits, then the layer bits 01 (ADTS AAC,
    whose layer bits are 00, is not MP3)."""
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 == 0x02
