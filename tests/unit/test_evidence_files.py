"""Exhibit files other than PDF: the kind decided by the content, images measured before they
are decoded, audio and video read from their headers (evidence/inspection.py, sniff.py,
image.py, media.py). Every file is made in the test."""

import hashlib
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from evidence import Inspection, Kind, Limits, Refusal, Refused, inspect_file
from evidence.limits import DEFAULT_LIMITS


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> Refusal:
    with pytest.raises(Refused) as refused:
        inspect_file(path, limits)
    return refused.value.code


def tone(path: Path, container: str, codec: str, seconds: float = 1.0) -> Path:
    """A 440 Hz tone, mono."""
    with av.open(str(path), "w", format=container) as file:
        stream = file.add_stream(codec, rate=16000)
        assert isinstance(stream, av.AudioStream)
        samples = np.arange(int(16000 * seconds)) / 16000
        wave = (np.sin(2 * np.pi * 440 * samples) * 10000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(wave, format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            file.mux(packet)
    return path


def film(path: Path, seconds: int = 1) -> Path:
    """An MP4 of grey H.264 frames, 64 × 48 at 10 frames a second, and an AAC tone."""
    with av.open(str(path), "w", format="mp4") as file:
        video = file.add_stream("libx264", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = file.add_stream("aac", rate=16000)
        for index in range(10 * seconds):
            picture = np.full((48, 64, 3), 128, np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 10)
            for packet in video.encode(frame):
                file.mux(packet)
        for packet in video.encode(None):
            file.mux(packet)
        sound = av.AudioFrame.from_ndarray(
            np.zeros((1, 16000 * seconds), np.int16), format="s16", layout="mono"
        )
        sound.sample_rate = 16000
        for packet in [*audio.encode(sound), *audio.encode(None)]:
            file.mux(packet)
    return path


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose header announces `width` × `height` pixels, with a few bytes of
    image data: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "exhibit.pdf"
    path.write_bytes(b"")
    assert refusal(path) == Refusal.EMPTY_FILE


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exhibit.pdf"
    with path.open("wb") as file:
        file.truncate(100_000_001)  # sparse: costs no disk
    with pytest.raises(Refused) as refused:
        inspect_file(path)
    assert refused.value.code == Refusal.TOO_LARGE
    assert refused.value.message == "This file is larger than 100 MB."


@pytest.mark.parametrize(
    ("format", "media_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_images(tmp_path: Path, format: str, media_type: str) -> None:
    path = tmp_path / "photo.bin"
    Image.new("RGB", (40, 30), "red").save(path, format=format)
    data = path.read_bytes()
    assert inspect_file(path) == Inspection(
        media_type=media_type,
        kind=Kind.IMAGE,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=40,
        height=30,
    )


def test_a_truncated_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    noise = np.random.default_rng(1).integers(0, 255, (64, 64, 3), np.uint8)
    Image.fromarray(noise).save(path, format="JPEG")
    path.write_bytes(path.read_bytes()[:600])
    assert refusal(path) == Refusal.BAD_IMAGE


def test_an_image_over_the_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(png_claiming(10_000, 6_000))
    with pytest.raises(Refused) as refused:
        inspect_file(path)
    assert refused.value.code == Refusal.TOO_MANY_PIXELS
    assert refused.value.message == "This image has more than 50 megapixels."


def test_a_decompression_bomb_header_is_refused_before_decoding(tmp_path: Path) -> None:
    """Ten billion pixels announced in a file of 100 bytes (past Pillow's own guard too)."""
    path = tmp_path / "photo.png"
    path.write_bytes(png_claiming(100_000, 100_000))
    assert path.stat().st_size < 200
    assert refusal(path) == Refusal.TOO_MANY_PIXELS


def test_wav(tmp_path: Path) -> None:
    path = tone(tmp_path / "hearing.wav", "wav", "pcm_s16le")
    facts = inspect_file(path)
    assert (facts.media_type, facts.kind, facts.duration) == ("audio/wav", Kind.AUDIO, 1.0)
    assert facts.width is None and facts.pages is None


def test_mp3(tmp_path: Path) -> None:
    facts = inspect_file(tone(tmp_path / "call.mp3", "mp3", "libmp3lame"))
    assert (facts.media_type, facts.kind) == ("audio/mpeg", Kind.AUDIO)
    assert facts.duration == pytest.approx(1.0, abs=0.1)


def test_m4a_is_mp4_with_sound_only(tmp_path: Path) -> None:
    facts = inspect_file(tone(tmp_path / "voicemail.m4a", "mp4", "aac"))
    assert (facts.media_type, facts.kind) == ("audio/mp4", Kind.AUDIO)
    assert facts.duration == pytest.approx(1.0, abs=0.1)


def test_mp4_video(tmp_path: Path) -> None:
    path = film(tmp_path / "dashcam.mp4")
    facts = inspect_file(path)
    assert (facts.media_type, facts.kind, facts.width, facts.height) == (
        "video/mp4",
        Kind.VIDEO,
        64,
        48,
    )
    assert facts.duration == pytest.approx(1.0, abs=0.1)
    assert facts.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_too_long(tmp_path: Path) -> None:
    path = tone(tmp_path / "hearing.wav", "wav", "pcm_s16le")
    with pytest.raises(Refused) as refused:
        inspect_file(path, Limits(max_duration=0.5))
    assert refused.value.code == Refusal.TOO_LONG


def test_a_video_picture_over_the_pixel_limit(tmp_path: Path) -> None:
    path = film(tmp_path / "dashcam.mp4")
    assert refusal(path, Limits(max_pixels=64 * 48 - 1)) == Refusal.TOO_MANY_PIXELS


def test_a_truncated_mp4(tmp_path: Path) -> None:
    path = film(tmp_path / "dashcam.mp4")
    path.write_bytes(path.read_bytes()[:400])
    assert refusal(path) == Refusal.BAD_MEDIA


@pytest.mark.parametrize("brand", [b"qt  ", b"heic", b"avif"])
def test_other_iso_media_brands_are_not_accepted(tmp_path: Path, brand: bytes) -> None:
    """QuickTime films and HEIC/AVIF photos share MP4's box structure, not its type."""
    path = tmp_path / "exhibit.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00" + brand + bytes(64))
    assert refusal(path) == Refusal.UNSUPPORTED_TYPE


def test_sound_that_is_not_mp3_behind_an_mp3_name(tmp_path: Path) -> None:
    """ADTS AAC starts with a frame sync like MP3's but another layer."""
    path = tmp_path / "call.mp3"
    path.write_bytes(b"\xff\xf1\x50\x80" + bytes(100))
    assert refusal(path) == Refusal.UNSUPPORTED_TYPE
