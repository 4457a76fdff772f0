"""Reads one audio or video file in a process of its own, under `budget_child`'s budget;
`evidence.media` runs it, the server never imports it.

FFmpeg (PyAV) reads the container's header for the streams and the length, and decodes one
frame of the main stream to prove the codec is real; nothing more is decoded, so a two-hour film
costs about as much as a ten-second clip. A crafted container may still claim thousands of
streams or an absurd length, or lead a demuxer written in C astray; here that costs only this
process, and what FFmpeg cannot allocate is over the budget (`budget_child`). This file imports only the standard library and PyAV.

`probe(PATH, DEMUXER, MAX_SECONDS, MAX_PIXELS)` reads the file only with DEMUXER (FFmpeg's name)
and returns {"duration": SECONDS, "size": [W, H] or null for sound only}, or
{"refused": CODE} with CODE a `Refusal` value, and with "actual" the seconds or the pixels for
too_long and too_many_pixels, "why" (a key of `evidence.media.WHY`) for bad_media.
"""

from typing import Any

import av
from av.stream import Disposition


def probe(path: str, demuxer: str, max_seconds: str, max_pixels: str) -> dict[str, Any]:
    try:
        with av.open(path, format=demuxer) as file:
            audio = list(file.streams.audio)
            # a cover picture in an MP3 or M4A is a one-frame "video" stream: not a video
            video = [
                stream
                for stream in file.streams.video
                if not stream.disposition & Disposition.attached_pic
            ]
            if not (audio or video):
                return {"refused": "bad_media", "why": "no_streams"}
            if not file.duration:
                return {"refused": "bad_media", "why": "no_length"}
            duration = file.duration / av.time_base
            if duration > float(max_seconds):
                return {"refused": "too_long", "actual": duration}
            size = [video[0].width, video[0].height] if video else None
            if size and size[0] * size[1] > int(max_pixels):
                return {"refused": "too_many_pixels", "actual": size[0] * size[1]}
            main = video[0] if video else audio[0]
            # one frame needs no threads; FFmpeg's default of one per core (each with its stack)
            # could take the whole address space on a large server
            main.codec_context.thread_count = 1
            if next(iter(file.decode(main)), None) is None:
                return {"refused": "bad_media", "why": "no_frame"}
    except MemoryError:
        # FFmpeg's ENOMEM too (av.error.MemoryError): at the budget's limit, or past a limit of
        # its own such as 1000 streams
        raise
    except (av.FFmpegError, OSError, ValueError):
        return {"refused": "bad_media", "why": "damaged"}
    return {"duration": duration, "size": size}
