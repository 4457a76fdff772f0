"""The media monitor on a real room and router with stand-in tracks: speakers, last-N, poor links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from court.kinds import HearingKind
from court.roles import Role
from court.states import HearingState
from signaling.liveness import MediaLiveness
from signaling.media.publisher import AudioLevel, PublishedTrack
from signaling.media.session import MediaSession
from signaling.monitor import LARGE_MEETING, LAST_N, QUALITY_EVERY_TICKS, TICK_SECONDS, MediaMonitor
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


@dataclass
class StandInSession:
    """What the monitor reads of a participant's media session."""

    datagrams: int = 0

    def received_datagrams(self) -> int:
        return self.datagrams


def test_a_sender_whose_device_stops_is_reported_stalled_and_back() -> None:
    _, router, tracks = creditors_meeting(2)
    sessions = {member_id: StandInSession() for member_id in tracks}
    router.sessions = cast(dict[int, MediaSession], sessions)
    tracks[10][1].counts = (100, 100)  # creditor 10 has sent video; the others sent nothing
    now = [0.0]
    stalls: list[tuple[int, bool, float]] = []
    monitor = MediaMonitor(
        router,
        bench=lambda: {1, 2},
        on_speaker=lambda member_id: None,
        on_poor_connection=lambda member_id, loss: None,
        clock=lambda: now[0],
        on_stall=lambda member_id, stalled: stalls.append((member_id, stalled, now[0])),
        stall_seconds=5.0,
    )

    def run(seconds: float, rtcp_every: float | None = None) -> None:
        """Tick for ``seconds``; creditor 10's device sends a report every ``rtcp_every`` s."""
        next_report = now[0]
        for _ in range(int(seconds / TICK_SECONDS)):
            now[0] += TICK_SECONDS
            if rtcp_every is not None and now[0] >= next_report:
                sessions[10].datagrams += 1
                next_report = now[0] + rtcp_every
            monitor.tick()

    run(20, rtcp_every=1.5)  # muted, camera off: reports only, the slowest aiortc sends them
    assert stalls == []
    run(10)  # frozen: nothing at all
    assert [(m, s) for m, s, _ in stalls] == [(10, True)]
    assert 20 + 5 <= stalls[0][2] <= 20 + 5 + 1 + TICK_SECONDS  # within a second of the bound
    run(3, rtcp_every=0.2)
    assert [(m, s) for m, s, _ in stalls] == [(10, True), (10, False)]
    assert stalls[1][2] <= 30 + 1 + TICK_SECONDS


def test_the_liveness_of_a_member_who_left_starts_afresh() -> None:
    liveness = MediaLiveness(stall_seconds=5.0)
    assert liveness.sample(7, 10, 0.0) is None
    assert liveness.sample(7, 10, 5.0) is True
    liveness.forget(7)
    assert liveness.stalled == set()
    assert liveness.sample(7, 10, 6.0) is None  # a new connection: no old silence counted
    assert liveness.sample(7, 10, 10.0) is None
