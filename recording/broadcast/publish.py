"""The live HLS files copied to an S3-compatible bucket, for a CDN to carry to the public.

Segments only: a bucket cannot hold a player's request until the next part exists, which
low-latency HLS needs, so the bucket's playlist names no parts (`playlist.without_parts`).

The encoder writes its playlist and segments to a local folder (`hls`); a `Publisher` thread
beside it uploads each segment the playlist names, then the playlist, so a player never reads
a playlist naming a segment the bucket lacks. Segments are immutable (`Cache-Control` of a
day), the playlist is fetched again every second. A segment that has left the playlist and
the folder is deleted from the bucket. The encoder never waits for the bucket: an upload that
fails (the bucket refusing, the network gone) is logged, at most once a minute, and tried
again on the next round, the broadcast going on meanwhile.
"""

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .playlist import PLAYLIST, SEGMENT_NAME, without_parts

log = logging.getLogger(__name__)

ROUND_SECONDS = 0.25
"""How often the folder is looked at (a segment lasts a second at least)."""
COMPLAIN_SECONDS = 60.0
PLAYLIST_HEADERS = {
    "ContentType": "application/vnd.apple.mpegurl",
    "CacheControl": "public, max-age=1",
}
SEGMENT_HEADERS = {"ContentType": "video/mp2t", "CacheControl": "public, max-age=86400, immutable"}


@dataclass(frozen=True, slots=True)
class BucketTarget:
    """Where a hearing's live files go: `prefix`/index.m3u8 and `prefix`/seg-NNNNN.ts."""

    bucket: str
    prefix: str
    endpoint_url: str | None = None
    region: str | None = None

    def client(self) -> Any:
        import boto3  # optional: only a server configured for S3 needs it

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region)


class Publisher:
    def __init__(self, folder: Path, target: BucketTarget, client: Any = None) -> None:
        self.folder = folder
        self.target = target
        self._client = client if client is not None else target.client()
        self._uploaded: set[str] = set()
        self._playlist = b""
        """The playlist as last uploaded."""
        self._complained_at = float("-inf")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0
        """Rounds that failed (each retried)."""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hls-publisher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after one last round (the playlist's end, written as the encoder closed)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.sync()

    def sync(self) -> bool:
        """One round: the new segments, then the playlist, then the old segments gone.
        Returns whether the bucket now holds what the folder does."""
        try:
            playlist = without_parts((self.folder / PLAYLIST).read_bytes())
        except FileNotFoundError:
            return True  # nothing written yet
        except OSError as error:
            return self._failed(f"cannot read the playlist: {error}")
        if playlist == self._playlist:
            return True
        named = [
            line
            for line in playlist.decode(errors="replace").split()
            if SEGMENT_NAME.fullmatch(line)
        ]
        try:
            for name in named:
                if name not in self._uploaded:
                    try:
                        body = (self.folder / name).read_bytes()
                    except FileNotFoundError:
                        continue  # the bucket fell a whole playlist behind: lost
                    self._put(name, body, SEGMENT_HEADERS)
                    self._uploaded.add(name)
            self._put(PLAYLIST, playlist, PLAYLIST_HEADERS)
            self._playlist = playlist
            for name in sorted(self._uploaded - set(named)):
                if not (self.folder / name).exists():  # the encoder let it go too
                    self._client.delete_object(Bucket=self.target.bucket, Key=self._key(name))
                    self._uploaded.discard(name)
        except Exception as error:  # the bucket or the network: tried again next round
            return self._failed(f"{type(error).__name__}: {error}")
        return True

    def _run(self) -> None:
        while not self._stop.wait(ROUND_SECONDS):
            self.sync()

    def _put(self, name: str, body: bytes, headers: dict[str, str]) -> None:
        self._client.put_object(
            Bucket=self.target.bucket, Key=self._key(name), Body=body, **headers
        )

    def _key(self, name: str) -> str:
        return f"{self.target.prefix.rstrip('/')}/{name}"

    def _failed(self, why: str) -> bool:
        self.failures += 1
        now = time.monotonic()
        if now - self._complained_at >= COMPLAIN_SECONDS:
            self._complained_at = now
            log.warning("the live files of %s cannot reach the bucket: %s", self.folder, why)
        return False
