"""One Matroska segment file of one track, muxed from encoded frames without re-encoding.

Matroska keeps the frames of a cluster in memory and writes the cluster whole; clusters are
cut every `flush_ms` and each written cluster is flushed to the file at once, so a process
killed mid-segment leaves a file that decodes up to about `flush_ms` before the kill. Each
segment starts at a keyframe (the recorder sees to it), so it decodes on its own.

Beside each `NAME.mkv` lies `NAME.json`, written when the segment opens (with the anchor) and
rewritten when it closes (with hash, size and times): the renderer reads anchors from there,
and after a crash `recover()` completes the sidecar of a segment that was never closed.
"""

import contextlib
import json
import os
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from .anchor import Anchor
from .digest import sha256_file
from .packets import EncodedFrame

FLUSH_MS = 500
"""Cluster length: with the reorder delay (0.35 s), the writer thread's batches (0.2 s) and a
loaded machine's lag, it keeps what a kill -9 loses under the ~2 s that court rules allow."""
OPUS_RATE = 48000


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """What a segment is opened with."""

    path: Path
    track: str
    index: int
    kind: str
    """"audio" or "video"."""
    codec: str
    """"vp8" or "opus"."""
    anchor: Anchor
    width: int = 0
    height: int = 0
    first_ticks: int = 0
    """Clock ticks after the anchor of the segment's first frame (where it starts, should a
    crash leave nothing of it readable)."""


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """A finished segment, as the server stores it."""

    path: Path
    track: str
    index: int
    kind: str
    codec: str
    sha256: str
    size: int
    """Bytes."""
    start: float
    """Wall-clock (UNIX seconds) of the first frame."""
    end: float
    """Wall-clock at which the last frame ends."""
    frames: int
    anchor: Anchor

    @property
    def sidecar(self) -> Path:
        return self.path.with_suffix(".json")


class SegmentWriter:
    """Blocking: meant to run in the recorder's writer thread."""

    def __init__(self, spec: SegmentSpec, flush_ms: int = FLUSH_MS) -> None:
        self.spec = spec
        self.frames = 0
        self._first_ticks: int | None = None
        self._last_ticks = 0
        self._last_step = 0
        self._time_base = Fraction(1, spec.anchor.clock_rate)
        spec.path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(spec.path.with_suffix(".json"), _sidecar(spec, state="recording"))
        # FFmpeg's own file output drops write errors (a full disk goes unnoticed); through an
        # unbuffered Python file they raise, and every flushed cluster reaches the OS at once.
        self._file = spec.path.open("wb", buffering=0)
        options = {"cluster_time_limit": str(flush_ms), "flush_packets": "1"}
        try:
            self._container = av.open(self._file, "w", format="matroska", options=options)
        except Exception:
            self._file.close()
            raise
        try:
            if spec.kind == "video":
                self._stream = self._container.add_mux_stream(
                    spec.codec, width=spec.width, height=spec.height
                )
            else:
                # an encoder context (never fed) writes the OpusHead a WebM reader needs
                self._stream = self._container.add_stream("libopus", rate=OPUS_RATE)
        except Exception:
            self.abandon()
            raise

    @property
    def duration(self) -> float:
        """Seconds of media written so far."""
        if self._first_ticks is None:
            return 0.0
        return (self._last_ticks - self._first_ticks) / self.spec.anchor.clock_rate

    def write(self, frame: EncodedFrame, ticks: int) -> None:
        """Mux `frame`, presented `ticks` clock units after the anchor (strictly increasing)."""
        packet = av.Packet(frame.data)
        packet.pts = packet.dts = ticks
        packet.time_base = self._time_base
        packet.stream = self._stream
        packet.is_keyframe = frame.keyframe
        self._container.mux(packet)
        if self._first_ticks is None:
            self._first_ticks = ticks
        else:
            self._last_step = ticks - self._last_ticks
        self._last_ticks = ticks
        self.frames += 1

    def set_anchor(self, anchor: Anchor) -> None:
        """A better wall-clock for the same RTP timestamp: the times written stay valid."""
        if anchor.rtp_timestamp != self.spec.anchor.rtp_timestamp:
            raise ValueError("a segment's anchor may change its wall-clock only")
        self.spec = replace(self.spec, anchor=anchor)
        _write_json(self.spec.path.with_suffix(".json"), _sidecar(self.spec, state="recording"))

    def close(self) -> SegmentInfo:
        """Finish the file (cues, duration), sync it to disk, hash it, complete the sidecar."""
        try:
            self._container.close()
            os.fsync(self._file.fileno())
        finally:
            self._file.close()
        anchor = self.spec.anchor
        first = self._first_ticks or 0
        info = SegmentInfo(
            path=self.spec.path,
            track=self.spec.track,
            index=self.spec.index,
            kind=self.spec.kind,
            codec=self.spec.codec,
            sha256=sha256_file(self.spec.path),
            size=self.spec.path.stat().st_size,
            start=anchor.wall_clock + first / anchor.clock_rate,
            end=anchor.wall_clock + (self._last_ticks + self._last_step) / anchor.clock_rate,
            frames=self.frames,
            anchor=anchor,
        )
        _write_json(info.sidecar, _sidecar(self.spec, state="closed", info=info))
        return info

    def abandon(self) -> None:
        """Close after a failure, keeping whatever reached the file."""
        with contextlib.suppress(Exception):  # the failure was already reported
            self._container.close()
        self._file.close()


def recover(sidecar: Path) -> SegmentInfo:
    """Complete a segment a crashed process left open: read how far its file decodes, hash it
    and rewrite the sidecar. A closed segment's sidecar is returned as it is."""
    data = json.loads(sidecar.read_text())
    spec = SegmentSpec(
        path=sidecar.with_suffix(".mkv"),
        track=data["track"],
        index=data["index"],
        kind=data["kind"],
        codec=data["codec"],
        anchor=Anchor.from_json(data["anchor"]),
        width=data.get("width", 0),
        height=data.get("height", 0),
        first_ticks=data.get("first_ticks", 0),
    )
    if data["state"] == "closed":
        return _info_from_json(spec, data)
    first: float | None = None
    last = 0.0
    frames = 0
    try:
        with av.open(str(spec.path)) as container:
            for packet in container.demux(container.streams[0]):
                if packet.pts is None or packet.time_base is None:
                    continue
                at = float(packet.pts * packet.time_base)
                first = at if first is None else first
                last = at + float((packet.duration or 0) * packet.time_base)
                frames += 1
    except (av.error.FFmpegError, OSError):  # a file cut before its header holds nothing
        pass
    if first is None:  # nothing readable: an empty segment where the lost one began
        first = last = spec.first_ticks / spec.anchor.clock_rate
    info = SegmentInfo(
        path=spec.path,
        track=spec.track,
        index=spec.index,
        kind=spec.kind,
        codec=spec.codec,
        sha256=sha256_file(spec.path) if spec.path.exists() else "",
        size=spec.path.stat().st_size if spec.path.exists() else 0,
        start=spec.anchor.wall_clock + first,
        end=spec.anchor.wall_clock + last,
        frames=frames,
        anchor=spec.anchor,
    )
    _write_json(sidecar, _sidecar(spec, state="recovered", info=info))
    return info


def _sidecar(spec: SegmentSpec, state: str, info: SegmentInfo | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "state": state,
        "track": spec.track,
        "index": spec.index,
        "kind": spec.kind,
        "codec": spec.codec,
        "file": spec.path.name,
        "anchor": spec.anchor.to_json(),
        "first_ticks": spec.first_ticks,
        "timestamps": "presentation time in seconds = wall_clock - anchor.wall_clock",
    }
    if spec.kind == "video":
        data |= {"width": spec.width, "height": spec.height}
    if info is not None:
        data |= {
            "sha256": info.sha256,
            "bytes": info.size,
            "start": info.start,
            "end": info.end,
            "frames": info.frames,
        }
    return data


def _info_from_json(spec: SegmentSpec, data: dict[str, Any]) -> SegmentInfo:
    return SegmentInfo(
        path=spec.path,
        track=spec.track,
        index=spec.index,
        kind=spec.kind,
        codec=spec.codec,
        sha256=data["sha256"],
        size=data["bytes"],
        start=data["start"],
        end=data["end"],
        frames=data["frames"],
        anchor=spec.anchor,
    )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace `path` atomically, so a crash leaves the old or the new sidecar, never half."""
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(temporary, path)
