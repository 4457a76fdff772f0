"""The media monitor on a real room and router with stand-in tracks: speakers, last-N, poor links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from signaling.hearing import HearingState
from signaling.kinds import HearingKind
from signaling.media.publisher import AudioLevel, PublishedTrack
from signaling.monitor import LARGE_MEETING, LAST_N, QUALITY_EVERY_TICKS, MediaMonitor
from signaling.roles import Role
from signaling.room import Member, Room
from signaling.router import MediaRouter


@dataclass
class StandInTrack:
    """What the monitor reads of a published track."""

    kind: str
    audio_level: AudioLevel | None = None
    counts: tuple[int, int] = (0, 0)

    def reception(self) -> tuple[int, int]:
        return self.counts


def creditors_meeting(creditors: int) -> tuple[Room, MediaRouter, dict[int, list[StandInTrack]]]:
    members = [Member(1, Role.JUDGE, "审判长"), Member(2, Role.CLERK, "书记员")]
    members += [Member(10 + i, Role.CREDITOR, f"债权人{i}") for i in range(creditors)]
    room = Room(
        1,
        HearingKind.CREDITORS_MEETING,
        False,
        HearingState.IN_SESSION,
        members={m.id: m for m in members},
    )
    for member in members:
        room.arrive(member.id)
    room.admit_all()
    router = MediaRouter(room)
    tracks = {m.id: [StandInTrack("audio"), StandInTrack("video")] for m in members}
    router.tracks = cast(dict[int, list[PublishedTrack]], tracks)
    return room, router, tracks


def monitor_of(
    router: MediaRouter, now: list[float]
) -> tuple[MediaMonitor, list[int], list[tuple[int, float]]]:
    speakers: list[int] = []
    poor: list[tuple[int, float]] = []
    monitor = MediaMonitor(
        router,
        bench=lambda: {1, 2},
        on_speaker=speakers.append,
        on_poor_connection=lambda member, loss: poor.append((member, loss)),
        clock=lambda: now[0],
    )
    return monitor, speakers, poor


def speak(tracks: dict[int, list[StandInTrack]], member_id: int, at: float) -> None:
    tracks[member_id][0].audio_level = AudioLevel(level=20, voice=True, at=at)


def test_speaker_changes_are_announced() -> None:
    _, router, tracks = creditors_meeting(3)
    now = [100.0]
    monitor, speakers, _ = monitor_of(router, now)
    speak(tracks, 11, 100.0)
    monitor.tick()
    assert speakers == [11]
    monitor.tick()
    assert speakers == [11]  # no repeat while the same person speaks


def test_small_meetings_forward_everyones_video() -> None:
    _, router, _ = creditors_meeting(LARGE_MEETING - 2)
    monitor, _, _ = monitor_of(router, [0.0])
    monitor.apply_last_n()
    assert router.video_sources is None


def test_large_meetings_forward_the_bench_and_the_last_speakers() -> None:
    _, router, tracks = creditors_meeting(LARGE_MEETING + LAST_N)
    now = [0.0]
    monitor, _, _ = monitor_of(router, now)
    monitor.apply_last_n()
    assert router.video_sources == {1, 2} | set(range(10, 10 + LAST_N))  # nobody spoke yet
    talkers = range(10 + LAST_N, 10 + 2 * LAST_N + 2)  # none of them shown at first
    for i, member_id in enumerate(talkers):
        for other in tracks.values():
            other[0].audio_level = None
        for moment in (10.0 * (i + 1), 10.0 * (i + 1) + 2):  # each speaks for 2 s: past the hold
            now[0] = moment
            speak(tracks, member_id, moment)
            monitor.tick()
    recent = set(list(talkers)[-LAST_N:])
    assert router.video_sources == {1, 2} | recent
    assert len(router.video_sources) == LAST_N + 2


def test_poor_connection_is_reported() -> None:
    _, router, tracks = creditors_meeting(2)
    now = [0.0]
    monitor, _, poor = monitor_of(router, now)
    for tick in range(1, 2 * QUALITY_EVERY_TICKS + 1):
        now[0] = tick * 0.25
        tracks[10][1].counts = (tick * 20, tick * 15)  # a quarter of the packets lost
        tracks[11][1].counts = (tick * 20, tick * 20)
        monitor.tick()
    assert [member for member, _ in poor] == [10]
    assert 0.2 < poor[0][1] < 0.3
