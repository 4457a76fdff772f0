"""Exhibit files other than PDF: the kind decided by the content, images measured before they
are decoded, audio and video read from their headers, both in a child process under a budget
(evidence/inspection.py, sniff.py, image.py, image_probe.py, media.py, media_probe.py). Every
file is made in the test."""

import hashlib
import struct
import time
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from evidence import Exceeded, Inspection, Kind, Limits, Refusal, Refused, Unit, inspect_file
from evidence.limits import DEFAULT_LIMITS

BOUND = 10
"""Seconds within which every refusal here comes (the wall-time budgets are 20)."""


def refused(path: Path, limits: Limits = DEFAULT_LIMITS) -> Refused:
    start = time.monotonic()
    with pytest.raises(Refused) as refused:
        inspect_file(path, limits)
    assert time.monotonic() - start < BOUND
    return refused.value


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> Refusal:
    return refused(path, limits).code


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


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, data: bytes) -> bytes:
    """A PNG of `width` × `height` RGB pixels, 8 bits each, whose compressed rows are `data`."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose header announces `width` × `height` pixels, with a few bytes of
    image data: a decompression bomb's header."""
    return png(width, height, zlib.compress(b"\0" * 64))


def png_inflating(width: int, height: int) -> bytes:
    """A whole black PNG: `width` × `height` × 3 bytes once decoded, a thousandth of that as a
    file (a decompression bomb within the pixel limit)."""
    deflate = zlib.compressobj(9)
    row = bytes(1 + 3 * width)  # each row starts with its filter type
    data = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    return png(width, height, data)


def boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    """ISO media boxes in a row: each one's type and its whole bytes."""
    out = []
    offset = 0
    while offset < len(data):
        size, kind = struct.unpack_from(">I4s", data, offset)
        out.append((kind, data[offset : offset + size]))
        offset += size
    return out


def mp4_with_tracks(path: Path, count: int) -> Path:
    """`film` (a picture and a sound track) with copies of its picture track, each with an ID of
    its own, to `count` tracks in all."""
    top = boxes(film(path).read_bytes())
    inside = boxes(next(box for kind, box in top if kind == b"moov")[8:])
    trak = bytearray(next(box for kind, box in inside if kind == b"trak"))
    copies = []
    for number in range(3, count + 1):
        struct.pack_into(">I", trak, trak.find(b"tkhd") + 16, number)  # track_ID
        copies.append(bytes(trak))
    body = b"".join(box for _, box in inside) + b"".join(copies)
    moov = struct.pack(">I", 8 + len(body)) + b"moov" + body
    path.write_bytes(b"".join(moov if kind == b"moov" else box for kind, box in top))
    return path


def mp4_claiming_hours(path: Path) -> Path:
    """`film` with each track's sample durations (stts), length (mdhd) and edit list (elst)
    stretched to 0x10000000 ticks: a file of a second that claims seven hours."""
    data = bytearray(film(path).read_bytes())
    long = 0x10000000
    for kind, offset in ((b"mdhd", 20), (b"elst", 12)):  # duration, segment_duration
        at = data.find(kind)
        while at != -1:
            struct.pack_into(">I", data, at + offset, long)
            at = data.find(kind, at + 4)
    at = data.find(b"stts")
    while at != -1:
        for entry in range(struct.unpack_from(">I", data, at + 8)[0]):
            struct.pack_into(">I", data, at + 16 + 8 * entry, long)  # sample_delta
        at = data.find(b"stts", at + 4)
    path.write_bytes(data)
    return path


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "exhibit.pdf"
    path.write_bytes(b"")
    assert refusal(path) == Refusal.EMPTY_FILE


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exhibit.pdf"
    with path.open("wb") as file:
        file.truncate(100_000_001)  # sparse: costs no disk
    refusal = refused(path)
    assert refusal.code == Refusal.TOO_LARGE
    assert refusal.message == "This file is larger than 100 MB."
    assert refusal.exceeded == Exceeded(100_000_000, Unit.BYTES, 100_000_001)


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
    refusal = refused(path)
    assert refusal.code == Refusal.TOO_MANY_PIXELS
    assert refusal.message == "This image has more than 50 megapixels."
    assert refusal.exceeded == Exceeded(50_000_000, Unit.PIXELS, 60_000_000)


def test_a_decompression_bomb_header_is_refused_before_decoding(tmp_path: Path) -> None:
    """Ten billion pixels announced in a file of 100 bytes (past Pillow's own guard too)."""
    path = tmp_path / "photo.png"
    path.write_bytes(png_claiming(100_000, 100_000))
    assert path.stat().st_size < 200
    refusal = refused(path)
    assert refusal.code == Refusal.TOO_MANY_PIXELS
    assert refusal.exceeded == Exceeded(50_000_000, Unit.PIXELS, 10**10)


def test_a_decompression_bomb_is_stopped_by_the_memory_budget(tmp_path: Path) -> None:
    """150 MB of pixels from 150 KB of PNG, within the pixel limit: the child reading it runs
    out of address space; the server's own memory is never asked for it. With the default
    budget the same image is read whole."""
    path = tmp_path / "photo.png"
    path.write_bytes(png_inflating(10_000, 5_000))
    assert path.stat().st_size < 200_000
    assert refusal(path, Limits(image_memory_bytes=128 << 20)) == Refusal.IMAGE_TOO_COMPLEX
    facts = inspect_file(path)
    assert (facts.kind, facts.width, facts.height) == (Kind.IMAGE, 10_000, 5_000)


def test_an_image_past_the_wall_time_budget(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (40, 30), "red").save(path, format="JPEG")
    assert refusal(path, Limits(image_wall_seconds=0.01)) == Refusal.IMAGE_TOO_COMPLEX


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
    refusal = refused(path, Limits(max_duration=0.5))
    assert refusal.code == Refusal.TOO_LONG
    assert refusal.exceeded == Exceeded(0.5, Unit.SECONDS, 1.0)


def test_a_second_of_film_claiming_seven_hours(tmp_path: Path) -> None:
    """Refused from the header: nothing of the claimed hours is decoded."""
    refusal = refused(mp4_claiming_hours(tmp_path / "dashcam.mp4"))
    assert refusal.code == Refusal.TOO_LONG
    assert refusal.message == "This recording is longer than 2 hours."
    assert refusal.exceeded is not None
    assert (refusal.exceeded.limit, refusal.exceeded.unit) == (7200, Unit.SECONDS)
    assert refusal.exceeded.actual == pytest.approx(0x10000000 / 10240)


def test_garbage_behind_an_mp4_header(tmp_path: Path) -> None:
    path = tmp_path / "dashcam.mp4"
    noise = np.random.default_rng(3).integers(0, 256, 100_000, np.uint8).tobytes()
    path.write_bytes(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + noise)
    assert refusal(path) == Refusal.BAD_MEDIA


@pytest.mark.parametrize(
    ("tracks", "limits"),
    [(1001, DEFAULT_LIMITS), (900, Limits(media_memory_bytes=256 << 20))],
    ids=["past-ffmpegs-own-limit", "past-the-memory-budget"],
)
def test_a_film_with_hundreds_of_tracks(tmp_path: Path, tracks: int, limits: Limits) -> None:
    """FFmpeg refuses more than 1000 streams as out of memory; fewer still cost it a decoder
    each, which the memory budget bounds (the film itself is read within it)."""
    path = mp4_with_tracks(tmp_path / "dashcam.mp4", tracks)
    assert refusal(path, limits) == Refusal.MEDIA_TOO_COMPLEX
    assert inspect_file(film(tmp_path / "one.mp4"), limits).kind == Kind.VIDEO


def test_a_recording_past_the_wall_time_budget(tmp_path: Path) -> None:
    path = tone(tmp_path / "hearing.wav", "wav", "pcm_s16le")
    assert refusal(path, Limits(media_wall_seconds=0.01)) == Refusal.MEDIA_TOO_COMPLEX


def test_a_video_picture_over_the_pixel_limit(tmp_path: Path) -> None:
    path = film(tmp_path / "dashcam.mp4")
    refusal = refused(path, Limits(max_pixels=64 * 48 - 1))
    assert refusal.code == Refusal.TOO_MANY_PIXELS
    assert refusal.exceeded == Exceeded(64 * 48 - 1, Unit.PIXELS, 64 * 48)


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
