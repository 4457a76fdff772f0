"""Reads one video statement of a staggered hearing in a process of its own, under
`budget_child`'s budget (hearing_server/statement_media.py runs it; the server never imports
it). This file imports only the standard library and PyAV.

`probe(PATH, DEMUXER)` reads the file only with DEMUXER (FFmpeg's name) and returns
{"duration": SECONDS} or {"refused": WHY}. A statement needs a picture and sound: both streams,
one frame of the picture decoded (the codec is real), and a length. A browser's MediaRecorder
writes WebM without a length in its header: the length is then where the last sound packet
ends (the packets are read, not decoded).
"""

from typing import Any

import av


def probe(path: str, demuxer: str) -> dict[str, Any]:
    try:
        with av.open(path, format=demuxer) as file:
            if not (file.streams.video and file.streams.audio):
                return {"refused": "a statement needs both picture and sound"}
            video = file.streams.video[0]
            video.codec_context.thread_count = 1
            if next(iter(file.decode(video)), None) is None:
                return {"refused": "not one frame of its picture can be decoded"}
            duration = file.duration / av.time_base if file.duration else _last_sound(path, demuxer)
    except MemoryError:
        raise
    except (av.FFmpegError, OSError, ValueError):
        return {"refused": "it is damaged, incomplete, or not of the type declared"}
    if not duration or duration <= 0:
        return {"refused": "it has no length"}
    return {"duration": duration}


def _last_sound(path: str, demuxer: str) -> float:
    end = 0.0
    with av.open(path, format=demuxer) as file:
        audio = file.streams.audio[0]
        for packet in file.demux(audio):
            if packet.pts is None or packet.time_base is None:
                continue
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return end
