"""evidence/statement_probe.py, in its child process (hearing_server/statement_media.py): a
staggered hearing's video statement needs picture and sound and a length, read as the declared
container only; MediaRecorder's WebM, without a length in its header, gets it from its packets."""

from pathlib import Path

import pytest

from evidence.limits import Limits
from hearing_server.statement_media import BadMedia, file_sha256, probe
from tests.staggered import make_video


async def test_a_recording_with_a_length_in_its_header(tmp_path: Path) -> None:
    path = tmp_path / "a.webm"
    make_video(path, seconds=1.0)
    assert 0.9 < (await probe(path, "video/webm", Limits())).duration_s < 1.2


async def test_a_mediarecorder_webm_gets_its_length_from_its_packets(tmp_path: Path) -> None:
    path = tmp_path / "live.webm"
    make_video(path, seconds=2.0, live=True)
    assert 1.9 < (await probe(path, "video/webm", Limits())).duration_s < 2.2


@pytest.mark.parametrize("kind", ["silent", "garbage", "wrong_container", "empty"])
async def test_what_is_no_statement(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.webm"
    media_type = "video/webm"
    if kind == "silent":
        make_video(path, sound=False)
    elif kind == "garbage":
        path.write_bytes(b"%PDF-1.4\n" * 100)
    elif kind == "wrong_container":
        make_video(path)
        media_type = "video/mp4"
    else:
        path.write_bytes(b"")
    with pytest.raises(BadMedia):
        await probe(path, media_type, Limits())


def test_the_hash_is_of_the_bytes_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
