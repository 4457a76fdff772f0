"""The public broadcast of public hearings (docs/architecture.md#public-broadcast)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

MIN_DELAY_SECONDS = 2.0
"""The broadcast reads the recording's files as they are written, which is at most about a
second late (the recorder's reorder buffer, its writer's batches, half-second clusters): a
shorter delay would show people before what they said is on disk."""


class BroadcastSettings(BaseModel):
    enabled: bool = Field(
        default=True, description="Broadcast the hearings the court marks public."
    )
    directory: Path | None = Field(
        default=None,
        description="Where the live HLS files are written and served from (a folder named "
        "broadcasts next to recordings_dir if unset). Put a CDN in front of the server's "
        "/public/ paths for a large audience.",
    )
    delay_seconds: float = Field(
        default=30.0,
        ge=MIN_DELAY_SECONDS,
        le=600,
        description="How late the public sees the hearing: a cut by the court withholds all "
        "that the public has not seen yet, so this is the time a judge has to cut.",
    )
    width: int = Field(default=1280, ge=320, le=3840, multiple_of=2)
    height: int = Field(default=720, ge=180, le=2160, multiple_of=2)
    fps: Literal[25, 30, 50] = 25
    segment_seconds: int = Field(
        default=2,
        ge=1,
        le=10,
        description="Seconds per HLS segment. Players stay three segments behind the live "
        "edge: 1 s brings the public closer (about 5 s behind the courtroom at the shortest "
        "delay, 8 s with 2-s segments) for twice the requests and a larger stream.",
    )
    preset: str = Field(
        default="superfast",
        pattern=r"^(ultrafast|superfast|veryfast|faster|fast|medium)$",
        description="libx264's speed: slower presets cost more CPU for a smaller stream.",
    )
    s3_bucket: str | None = Field(
        default=None,
        description="Also publish the live files to this S3-compatible bucket (a public one, "
        "not the recordings' bucket), at s3_prefix/<hearing id>/, for a CDN to carry; the "
        "public page then plays them from public_base_url. The endpoint, region and "
        "credentials are the recordings' (s3_endpoint_url, s3_region, AWS_* variables).",
    )
    s3_prefix: str = Field(default="broadcasts", pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
    public_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s?#]+[^/\s?#]$",
        description="Where the public fetches the bucket's s3_prefix from (the CDN or the "
        "bucket's web address, no trailing slash): the playlist is <it>/<hearing id>/"
        "index.m3u8. The bucket must allow GET from the server's origin (CORS).",
    )

    @model_validator(mode="after")
    def _bucket_has_an_address(self) -> BroadcastSettings:
        if self.s3_bucket is not None and self.public_base_url is None:
            raise ValueError("broadcast.s3_bucket needs broadcast.public_base_url")
        return self
