"""The settings of a server that broadcasts its public hearings, for the tests about it: the
shortest delay, a small picture and the fastest encoder (tests need not pay for 720p)."""

from pathlib import Path

from config import Settings
from config.broadcast import MIN_DELAY_SECONDS
from tests.conftest import settings_with

DELAY = MIN_DELAY_SECONDS
SEGMENT = 2


def broadcasting(database_url: str, tmp_path: Path) -> Settings:
    return settings_with(
        database_url,
        tmp_path,
        broadcast={
            "delay_seconds": DELAY,
            "width": 640,
            "height": 360,
            "segment_seconds": SEGMENT,
            "preset": "ultrafast",
        },
    )
