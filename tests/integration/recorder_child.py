"""Child process of the kill -9 test: records synthetic media until it is killed.

Prints "frame COUNTER" after each video frame has been handed to the recorder, so the parent
knows what had been sent when it killed us.

    python -m tests.integration.recorder_child OUTPUT_DIR

`record_until_killed` runs it so and kills it.
"""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from recording.recorder import TrackRecorder
from tests.integration.synthetic_rtp import SyntheticAudio, SyntheticVideo, play


async def main(directory: Path) -> None:
    video, audio = SyntheticVideo(), SyntheticAudio()

    def failed(error: Exception) -> None:
        print(f"error {error}", flush=True)

    recorders = [
        TrackRecorder(
            directory,
            "video",
            "video/VP8",
            90000,
            on_segment=lambda info: None,
            on_error=failed,
            request_keyframe=video.request_keyframe,
        ),
        TrackRecorder(
            directory, "audio", "audio/opus", 48000, on_segment=lambda info: None, on_error=failed
        ),
    ]

    await play(
        3600,
        video,
        audio,
        lambda packet: recorders[0].forward_now(packet, 0.0, 0),
        lambda packet: recorders[1].forward_now(packet, 0.0, 0),
        lambda counter: print(f"frame {counter}", flush=True),
    )


def record_until_killed(directory: Path, frames: int) -> int:
    """Run this module in a child process recording into ``directory`` and kill -9 it once it
    has sent video frame ``frames``; the last frame counter it reported."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.recorder_child", str(directory)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    sent = -1
    try:
        for line in child.stdout:
            assert not line.startswith("error"), line
            sent = int(line.split()[1])
            if sent >= frames:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    return sent


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
