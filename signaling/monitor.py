"""A live hearing's periodic look at its media: who speaks, whose connection is poor, whose
device stopped sending.

Reads only what the forwarder already keeps (RFC 6464 audio levels, packet counts); decodes
nothing. Large meetings forward the video of the bench and the last few speakers only.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from signaling.liveness import DEFAULT_STALL_SECONDS, MediaLiveness
from signaling.quality import ConnectionQuality
from signaling.router import MediaRouter
from signaling.speakers import ActiveSpeakers

TICK_SECONDS = 0.25
QUALITY_EVERY_TICKS = 20
"""Connection quality is judged over ~5 s windows."""
LIVENESS_EVERY_TICKS = 4
"""Whether each sender's packets still arrive is looked at every second."""
LAST_N = 9
"""Cameras a large meeting forwards besides the bench: the last speakers, topped up in order."""
LARGE_MEETING = 12
"""More video publishers than this (a 4×3 grid) and a meeting forwards only the bench and
LAST_N others."""


class MediaMonitor:
    def __init__(
        self,
        router: MediaRouter,
        bench: Callable[[], set[int]],
        on_speaker: Callable[[int], None],
        on_poor_connection: Callable[[int, float], None],
        clock: Callable[[], float] = time.monotonic,
        on_stall: Callable[[int, bool], None] = lambda member_id, stalled: None,
        stall_seconds: float = DEFAULT_STALL_SECONDS,
    ) -> None:
        """``on_stall(member_id, True)``: a member who was sending stopped (nothing at all
        arrived from them for ``stall_seconds``); ``on_stall(member_id, False)``: it arrives
        again."""
        self.router = router
        self.bench = bench
        self.on_speaker = on_speaker
        self.on_poor_connection = on_poor_connection
        self.clock = clock
        self.speakers = ActiveSpeakers()
        self.quality = ConnectionQuality()
        self.liveness = MediaLiveness(stall_seconds)
        self.on_stall = on_stall
        self._ticks = 0

    def tick(self) -> None:
        """One look: called every TICK_SECONDS by the live hearing."""
        now = self.clock()
        levels: dict[int, tuple[int, bool, float]] = {}
        for member_id, tracks in self.router.tracks.items():
            for track in tracks:
                level = track.audio_level if track.kind == "audio" else None
                if level is not None:
                    levels[member_id] = (level.level, level.voice, level.at)
        if self.speakers.update(levels, now) and self.speakers.current is not None:
            self.on_speaker(self.speakers.current)
            self.apply_last_n()
        self._ticks += 1
        if self._ticks % QUALITY_EVERY_TICKS == 0:
            self._check_quality(now)
        if self._ticks % LIVENESS_EVERY_TICKS == 0:
            self._check_liveness(now)

    def apply_last_n(self) -> None:
        """Limit forwarded video in a large meeting; sync the router if the set changed."""
        publishers = [
            m for m, tracks in self.router.tracks.items() if any(t.kind == "video" for t in tracks)
        ]
        sources = None
        if len(publishers) > LARGE_MEETING:
            bench = self.bench()
            chosen = [m for m in self.speakers.last(LAST_N) if m not in bench]
            # Before enough people have spoken, fill the remaining tiles in a stable order.
            chosen += [m for m in sorted(publishers) if m not in bench and m not in chosen]
            sources = bench | set(chosen[:LAST_N])
        if sources != self.router.video_sources:
            self.router.video_sources = sources
            self.router.sync()

    def forget(self, member_id: int) -> None:
        self.speakers.forget(member_id)
        self.quality.forget(member_id)
        self.liveness.forget(member_id)

    def _check_quality(self, now: float) -> None:
        for member_id, tracks in self.router.tracks.items():
            expected = received = 0
            for track in tracks:
                e, r = track.reception()
                expected, received = expected + e, received + r
            loss = self.quality.sample(member_id, expected, received, now)
            if loss is not None:
                self.on_poor_connection(member_id, loss)

    def _check_liveness(self, now: float) -> None:
        for member_id, tracks in self.router.tracks.items():
            session = self.router.sessions.get(member_id)
            # only someone who has sent media can stop sending it
            if session is None or not any(track.reception()[1] for track in tracks):
                continue
            change = self.liveness.sample(member_id, session.received_datagrams(), now)
            if change is not None:
                self.on_stall(member_id, change)
