"""The live HLS files published to an S3-compatible bucket (recording/broadcast/publish.py),
against a local S3 server (moto's server mode, over HTTP): real HLS written by the real encoder,
the bucket compared with the folder; a bucket that refuses, and the broadcast going on; the
broadcast process publishing; the public page pointing at the bucket's public address."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from multiprocessing import Pipe
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pytest
from av import VideoFrame

from config import Settings
from hearing_server.broadcast_process import BroadcastJob, run
from hearing_server.broadcasts import bucket_target, playlist_address
from recording.broadcast.hls import HlsSettings, HlsWriter
from recording.broadcast.playlist import PLAYLIST, SEGMENT_NAME, without_parts
from recording.broadcast.publish import BucketTarget, Publisher
from recording.render.plan import AUDIO_RATE
from tests.conftest import settings_with

HLS = HlsSettings(width=320, height=180, fps=25, segment_seconds=1, list_size=3, preset="ultrafast")


@pytest.fixture
def client(s3_endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=s3_endpoint)


def new_bucket(client: Any) -> str:
    name = f"public-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return name


def in_bucket(client: Any, bucket: str, prefix: str) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix + "/").get("Contents", [])
    return {
        item["Key"][len(prefix) + 1 :]: client.get_object(Bucket=bucket, Key=item["Key"])[
            "Body"
        ].read()
        for item in listed
    }


def in_folder(folder: Path) -> dict[str, bytes]:
    """The playlist as the bucket gets it, and the segments (not their parts)."""
    files = {PLAYLIST: without_parts((folder / PLAYLIST).read_bytes())}
    for path in folder.iterdir():
        if (match := SEGMENT_NAME.fullmatch(path.name)) and match[2] is None:
            files[path.name] = path.read_bytes()
    return files


class PutsSeen:
    """A real client that notes the order of its uploads (key, body)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.puts: list[tuple[str, bytes]] = []

    def put_object(self, **request: Any) -> Any:
        self.puts.append((request["Key"].rsplit("/", 1)[1], request["Body"]))
        return self.client.put_object(**request)

    def delete_object(self, **request: Any) -> Any:
        return self.client.delete_object(**request)


def write_seconds(writer: HlsWriter, seconds: float, shade: int) -> None:
    picture = np.full((HLS.height, HLS.width, 3), shade, np.uint8)
    for _ in range(round(seconds * HLS.fps)):
        frame = VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
        writer.write(frame, np.zeros(AUDIO_RATE // HLS.fps, np.float32))


def test_the_bucket_holds_each_segment_before_the_playlist_that_names_it(
    client: Any,
    s3_endpoint: str,
    tmp_path: Path,
) -> None:
    bucket = new_bucket(client)
    target = BucketTarget(bucket, "broadcasts/7", s3_endpoint)
    writer = HlsWriter(tmp_path, HLS)
    seen = PutsSeen(client)
    publisher = Publisher(tmp_path, target, seen)
    write_seconds(writer, 1.0, 0)  # the first segment is not whole yet: only its parts
    assert publisher.sync()
    early = in_bucket(client, bucket, "broadcasts/7")
    assert list(early) == [PLAYLIST] and b".ts" not in early[PLAYLIST]
    for second in range(1, 8):
        write_seconds(writer, 1.0, 30 * second)
        assert publisher.sync()
        published = in_bucket(client, bucket, "broadcasts/7")
        named = [line for line in published[PLAYLIST].decode().split() if line.endswith(".ts")]
        assert named and all(name in published for name in named), (named, sorted(published))
    writer.close()
    publisher.stop()  # never started: one last round
    published = in_bucket(client, bucket, "broadcasts/7")
    assert published == in_folder(tmp_path)  # older segments deleted from both
    assert b"#EXT-X-ENDLIST" in published[PLAYLIST]
    assert len(published) <= HLS.list_size + 3
    uploaded: set[str] = set()
    for name, body in seen.puts:  # each playlist went up after every segment it names
        if name == PLAYLIST:
            listed = {line for line in body.decode().split() if line.endswith(".ts")}
            assert listed <= uploaded, listed - uploaded
        uploaded.add(name)
    assert sum(name == PLAYLIST for name, _ in seen.puts) >= 7
    segment = next(name for name in published if name != PLAYLIST)
    head = client.head_object(Bucket=bucket, Key=f"broadcasts/7/{segment}")
    assert head["ContentType"] == "video/mp2t"
    assert head["CacheControl"] == "public, max-age=86400, immutable"
    head = client.head_object(Bucket=bucket, Key=f"broadcasts/7/{PLAYLIST}")
    assert head["ContentType"] == "application/vnd.apple.mpegurl"
    assert head["CacheControl"] == "public, max-age=1"


def test_a_bucket_that_refuses_costs_the_broadcast_nothing_and_is_caught_up(
    client: Any,
    s3_endpoint: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bucket = f"public-{uuid.uuid4().hex[:12]}"  # not made: every upload refused
    writer = HlsWriter(tmp_path, HLS)
    publisher = Publisher(tmp_path, BucketTarget(bucket, "broadcasts/8", s3_endpoint))
    write_seconds(writer, 1.0, 0)
    with caplog.at_level(logging.WARNING, logger="recording.broadcast.publish"):
        for second in range(1, 5):
            write_seconds(writer, 1.0, 40 * second)
            assert not publisher.sync()
    assert publisher.failures == 4
    assert len(caplog.records) == 1 and "NoSuchBucket" in caplog.records[0].getMessage()
    assert len(in_folder(tmp_path)) >= HLS.list_size  # the encoder went on
    client.create_bucket(Bucket=bucket)
    write_seconds(writer, 1.0, 200)
    assert publisher.sync()
    published = in_bucket(client, bucket, "broadcasts/8")
    local = in_folder(tmp_path)
    assert published[PLAYLIST] == local[PLAYLIST]
    assert {n for n in published} >= {n for n in local[PLAYLIST].decode().split() if ".ts" in n}
    writer.close()


def test_the_broadcast_process_publishes_to_the_bucket_until_its_end(
    client: Any,
    s3_endpoint: str,
    tmp_path: Path,
) -> None:
    bucket = new_bucket(client)
    settings = settings_with(
        "sqlite+aiosqlite:///unused.db",
        tmp_path,
        s3_endpoint_url=s3_endpoint,
        broadcast={
            "s3_bucket": bucket,
            "public_base_url": "https://cdn.courts.test/live",
            "delay_seconds": 2.0,
        },
    )
    target = bucket_target(settings, 9)
    assert target == BucketTarget(bucket, "broadcasts/9", s3_endpoint, None)
    job = BroadcastJob(
        hearing_id=9,
        recording=tmp_path / "recording",  # nothing recorded: the slate
        output=tmp_path / "hls",
        title="北京市朝阳区人民法院",
        footer="北京市朝阳区人民法院  (2026)京0105民初9号",
        timezone="Asia/Shanghai",
        language="zh",
        delay=2.0,
        hls=HLS,
        bucket=target,
    )
    ours, theirs = Pipe()
    process = threading.Thread(target=run, args=(job, theirs))
    process.start()
    deadline = time.monotonic() + 30
    while not any(name.startswith("seg-") for name in in_bucket(client, bucket, "broadcasts/9")):
        assert time.monotonic() < deadline, "a segment in the bucket"
        time.sleep(0.25)
    ours.send(("stop",))
    process.join(30)
    assert not process.is_alive()
    published = in_bucket(client, bucket, "broadcasts/9")
    assert b"#EXT-X-ENDLIST" in published[PLAYLIST]
    assert published == in_folder(tmp_path / "hls")


def test_the_public_page_plays_from_the_bucket_s_public_address(tmp_path: Path) -> None:
    local = settings_with("sqlite+aiosqlite:///unused.db", tmp_path)
    assert playlist_address(local, 3) == "/public/hearings/3/live/index.m3u8"
    assert bucket_target(local, 3) is None
    published = Settings(
        **(
            local.model_dump()
            | {
                "broadcast": {
                    "s3_bucket": "court-public",
                    "public_base_url": "https://cdn.courts.test/live",
                }
            }
        )
    )
    assert playlist_address(published, 3) == "https://cdn.courts.test/live/3/index.m3u8"
    for wrong in ({"s3_bucket": "court-public"}, {"public_base_url": "https://cdn.test/x/"}):
        with pytest.raises(ValueError):
            Settings(**(local.model_dump() | {"broadcast": wrong}))
