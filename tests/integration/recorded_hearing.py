"""A short hearing recorded through the real `TrackRecorder`s on a simulated clock, for the
renderer's tests: several participants who join and leave at chosen times, a recess (the
recorders are paused, the packets keep coming), and on one participant a flash and a beep that
start at the same instant, to check lip sync in the archive.

With `sender_reports`, each stream also sends RTCP sender reports (about once a second, from a
sender clock far off ours), and a person's audio may start later than their video, its first
packets held back on the way (network jitter): the recorders then have to line the two up from
the reports.

Video is `draw_counter` pictures (the counter is the frame number since the participant
joined) encoded by aiortc's VP8 encoder; audio is aiortc's Opus encoding of a tone, a beep or
silence. Packets are stamped with RTP timestamps from the schedule and handed to the recorder
in time order, with the recorder's clocks set to the schedule, so seconds of hearing are
recorded in a fraction of that.
"""

import asyncio
import fractions
import heapq
import math
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from av import AudioFrame, VideoFrame

from recording.anchor import NTP_FRACTION, SenderClock
from recording.recorder import TrackRecorder
from recording.render import Interval, SegmentRef, TrackPlan
from recording.render.layout import Rect
from recording.segment import SegmentInfo
from tests.integration.media_sources import BLOCK, HEIGHT, draw_counter
from tests.integration.synthetic_rtp import Packet

FPS = 30
VIDEO_CLOCK = 90000
AUDIO_RATE = 48000
OPUS_SAMPLES = 960
FLASH_SECONDS = 0.4
FLASH_ROW = 3 * BLOCK
"""Rows from here down turn white in a flash (the counter rows above stay readable)."""
BEEP_HZ = 1000
BEEP_LEVEL = 0.5
SENDER_CLOCK_OFFSET = 3_600_000.25
"""How far the publishers' NTP clock is from ours (seconds)."""
REPORT_INTERVAL = 1.0


@dataclass
class Person:
    participant_id: str
    name: str
    role: str
    joins: float
    leaves: float
    """Seconds from the session start."""
    tone_level: float = 0.0
    """A steady 440 Hz tone at this amplitude (0: silence)."""
    flash_at: float | None = None
    """Picture white and a 1 kHz beep from this instant, for FLASH_SECONDS."""
    audio_starts: float | None = None
    """Seconds from the session start at which the microphone starts (None: on joining)."""
    audio_hold: float = 0.0
    """The first audio packets reach the server this much after the audio starts, in one
    burst (all later ones on time)."""
    colour: tuple[int, int] | None = None
    """The picture's chroma (U, V) where it is not grey (e.g. a shared screen's own colour)."""
    kinds: tuple[str, ...] = ("video", "audio")
    """The tracks recorded (a shared screen: video alone)."""
    track: str = ""
    """Added to the files' names after the kind (a second video track of one participant,
    "-screen1", as the recording service names tracks)."""


@dataclass
class _Keyframe:
    wanted: bool = False

    async def request(self) -> None:
        self.wanted = True


@dataclass
class _Stream:
    person: Person
    kind: str
    recorder: TrackRecorder
    keyframe: _Keyframe
    ssrc: int
    start: float
    """Session seconds of the stream's first frame."""
    count: int = 0
    last_report: float | None = None
    sequence: int = 0
    video: Vp8Encoder = field(default_factory=Vp8Encoder)
    audio: OpusEncoder = field(default_factory=OpusEncoder)

    def packets(self, at: float) -> list[Packet]:
        """The packets of this stream's frame number `count`, taken at session time `at`."""
        person, index = self.person, self.count
        self.count += 1
        flashing = person.flash_at is not None and 0 <= at - person.flash_at < FLASH_SECONDS
        if self.kind == "video":
            picture = draw_counter(index & 0xFFFF)
            if flashing:
                luma = np.frombuffer(memoryview(picture.planes[0]), np.uint8)
                rows = luma.copy().reshape(picture.height, picture.planes[0].line_size)
                rows[FLASH_ROW:] = 235
                picture.planes[0].update(rows.tobytes())
            if person.colour is not None:
                for plane, value in zip(picture.planes[1:], person.colour, strict=True):
                    plane.update(bytes([value]) * plane.buffer_size)
            timestamp = index * VIDEO_CLOCK // FPS
            payloads = self._encode_video(picture, timestamp)
        else:
            timestamp = index * OPUS_SAMPLES
            payloads = self.audio.encode(self._audio_frame(at, timestamp))[0]
        packets = []
        for i, payload in enumerate(payloads):
            marker = i == len(payloads) - 1
            packets.append(Packet(self.ssrc, self.sequence, timestamp, marker, payload))
            self.sequence = (self.sequence + 1) & 0xFFFF
        return packets

    def _encode_video(self, picture: VideoFrame, timestamp: int) -> list[bytes]:
        picture.pts = timestamp
        picture.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        payloads, _ = self.video.encode(picture, self.keyframe.wanted)
        self.keyframe.wanted = False
        return payloads

    def _audio_frame(self, at: float, timestamp: int) -> AudioFrame:
        t = at + np.arange(OPUS_SAMPLES) / AUDIO_RATE
        samples = self.person.tone_level * np.sin(2 * math.pi * 440 * t)
        if self.person.flash_at is not None:
            since = t - self.person.flash_at
            beep = (since >= 0) & (since < FLASH_SECONDS)
            samples = np.where(beep, BEEP_LEVEL * np.sin(2 * math.pi * BEEP_HZ * since), samples)
        pcm = (samples * 32767).astype(np.int16).reshape(1, -1)
        frame = AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = timestamp
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        return frame


def flashing_part(rect: Rect) -> tuple[slice, slice]:
    """The part of a person's picture, placed at ``rect`` in an archive frame, that a flash
    turns white: below the counter's marks, inside the edges."""
    return (
        slice(rect.y + round(FLASH_ROW * rect.height / HEIGHT) + 4, rect.y + rect.height - 4),
        slice(rect.x + 4, rect.x + rect.width - 4),
    )


def beep_starts(archive: Path) -> float:
    """Archive seconds at which the first beep sounds (above half its level)."""
    with av.open(str(archive)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        pcm = np.concatenate(
            [
                f.to_ndarray().reshape(-1)
                for frame in container.decode(audio=0)
                for f in resampler.resample(frame)
            ]
        )
    return int(np.argmax(np.abs(pcm) > BEEP_LEVEL / 2)) / AUDIO_RATE


async def record_hearing(
    directory: Path,
    start: float,
    people: list[Person],
    duration: float,
    recess: Interval,
    sender_reports: bool = False,
) -> list[TrackPlan]:
    """Record `duration` seconds from wall-clock `start`; recorders pause during `recess`
    (wall-clock). Returns the tracks as a render plan wants them."""
    now = 0.0
    streams: list[_Stream] = []
    segments: dict[int, list[SegmentInfo]] = {}
    errors: list[Exception] = []
    for number, person in enumerate(people):
        clock = SenderClock() if sender_reports else None
        for kind, mime, rate in (
            ("video", "video/VP8", VIDEO_CLOCK),
            ("audio", "audio/opus", AUDIO_RATE),
        ):
            if kind not in person.kinds:
                continue
            ssrc = 1000 + 10 * number + (kind == "audio")
            keyframe = _Keyframe()
            recorder = TrackRecorder(
                directory,
                f"{person.participant_id}-{kind}{person.track}",
                mime,
                rate,
                on_segment=segments.setdefault(ssrc, []).append,
                on_error=errors.append,
                request_keyframe=keyframe.request,
                sender_clock=clock,
                segment_seconds=2.0,
                wall_clock=lambda: start + now,
                monotonic=lambda: now,
            )
            first = person.joins
            if kind == "audio" and person.audio_starts is not None:
                first = person.audio_starts
            streams.append(_Stream(person, kind, recorder, keyframe, ssrc, first))
    # (time, order, stream index): each stream's next frame, earliest first
    queue = [(s.start, i, i) for i, s in enumerate(streams)]
    heapq.heapify(queue)
    paused = False
    order = len(queue)
    while queue:
        at, _, index = heapq.heappop(queue)
        stream = streams[index]
        if at >= min(duration, stream.person.leaves):
            continue
        now = at
        if stream.kind == "audio":
            now = max(at, stream.start + stream.person.audio_hold)
        in_recess = recess.start - start <= at < recess.end - start
        if in_recess != paused:
            for other in streams:
                (other.recorder.pause if in_recess else other.recorder.resume)()
            paused = in_recess
        packets = stream.packets(at)
        for packet in packets:
            stream.recorder.forward_now(packet, 0.0, 0)
        await asyncio.sleep(0)  # a keyframe the recorder asked for (a task) comes next
        if (
            sender_reports
            and packets
            and (stream.last_report is None or at - stream.last_report >= REPORT_INTERVAL)
        ):
            stream.last_report = at
            ntp = round((start + at + SENDER_CLOCK_OFFSET) * NTP_FRACTION)
            stream.recorder.sender_report(stream.ssrc, ntp, packets[0].timestamp)
        step = 1 / FPS if stream.kind == "video" else OPUS_SAMPLES / AUDIO_RATE
        order += 1
        heapq.heappush(queue, (stream.start + stream.count * step, order, index))
    for stream in streams:
        await stream.recorder.close()
    assert not errors, errors
    return [
        TrackPlan(
            s.person.participant_id,
            s.person.name,
            s.person.role,
            s.kind,
            tuple(SegmentRef.from_info(i) for i in segments[s.ssrc]),
        )
        for s in streams
    ]
