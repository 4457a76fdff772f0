"""Track anchors: RTP time on the wall-clock, from first arrivals or the publisher's RTCP
sender reports; what a crash leaves of a segment."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hearing_server.db.models import HearingEvent
from hearing_server.records.render import session_timeline
from recording.anchor import NTP_FRACTION, Anchor, SenderClock, ntp_seconds, rtp_difference
from recording.recorder import TrackRecorder
from recording.render import INTERRUPTED, RECESS, Interval
from recording.segment import SegmentInfo, recover
from tests.integration.synthetic_rtp import SyntheticAudio

WALL = 1_767_000_000.0


def test_rtp_differences_wrap() -> None:
    assert rtp_difference(10, 0xFFFFFFF0) == 26
    assert rtp_difference(0xFFFFFFF0, 10) == -26
    assert ntp_seconds(5 * NTP_FRACTION + NTP_FRACTION // 4) == 5.25


def test_a_publishers_clock_offset_is_its_least_delayed_report() -> None:
    clock = SenderClock()
    assert clock.wall_clock(100.0, arrival=WALL + 0.03) == WALL + 0.03
    # a later report delayed more maps through the same offset: its tracks move together
    assert clock.wall_clock(101.0, arrival=WALL + 1.2) == pytest.approx(WALL + 1.03)
    # one delayed less lowers it: a busy moment at the first report does not push media late
    assert clock.wall_clock(102.0, arrival=WALL + 2.01) == pytest.approx(WALL + 2.01)
    assert clock.wall_clock(103.0, arrival=WALL + 3.5) == pytest.approx(WALL + 3.01)
    # a report claiming far less delay than any other is a clock jump: not believed
    assert clock.wall_clock(200.0, arrival=WALL + 4.0) == pytest.approx(WALL + 100.01)


def test_anchors_written_before_reports_were_used_read_as_arrival() -> None:
    old = {"wall_clock": WALL, "rtp_timestamp": 7, "clock_rate": 48000}
    assert Anchor.from_json(old).source == "arrival"
    anchor = Anchor(WALL, 7, 48000, "rtcp")
    assert Anchor.from_json(json.loads(json.dumps(anchor.to_json()))) == anchor


async def _record_audio(
    directory: Path, reports: list[tuple[float, float]], packets: int = 100
) -> list[SegmentInfo]:
    """Opus packets arriving on time from WALL; `reports`: (session seconds sent, sender
    clock seconds it claims) delivered as the packets go."""
    now = 0.0
    audio = SyntheticAudio()
    segments: list[SegmentInfo] = []
    recorder = TrackRecorder(
        directory,
        "a",
        "audio/opus",
        48000,
        on_segment=segments.append,
        on_error=lambda error: pytest.fail(str(error)),
        sender_clock=SenderClock(),
        wall_clock=lambda: WALL + now,
        monotonic=lambda: now,
    )
    pending = sorted(reports)
    for n in range(packets):
        now = n * 0.02
        packet = audio.next_packet()
        recorder.forward_now(packet, 0.0, 0)
        while pending and pending[0][0] <= now:
            _, claimed = pending.pop(0)
            recorder.sender_report(packet.ssrc, round(claimed * NTP_FRACTION), packet.timestamp)
    await recorder.close()
    return segments


async def test_reports_anchor_a_track_and_wild_ones_are_ignored(tmp_path: Path) -> None:
    # the first report fixes the sender clock's offset (and puts the anchor where the
    # arrivals did); the second says the media at 1.2 s was sent 0.1 s earlier than that
    # offset makes it: the anchor keeps the earliest, least delayed, of the two
    [segment] = await _record_audio(tmp_path / "good", [(0.5, 5000.5), (1.2, 5001.1)])
    assert segment.anchor.source == "rtcp"
    assert segment.anchor.wall_clock == pytest.approx(WALL - 0.1, abs=0.005)
    # a report claiming the media was sent 30 s away from when it arrived is not believed
    [segment] = await _record_audio(tmp_path / "wild", [(0.5, 5000.5), (1.0, 4970.0)])
    assert segment.anchor.source == "rtcp"
    assert segment.anchor.wall_clock == pytest.approx(WALL, abs=0.005)


async def test_a_segment_a_crash_left_empty_is_placed_where_it_began(tmp_path: Path) -> None:
    [segment] = await _record_audio(tmp_path, [], packets=150)
    sidecar = segment.sidecar
    data = json.loads(sidecar.read_text())
    data["state"], data["first_ticks"] = "recording", 96000  # opened 2 s in, then killed
    sidecar.write_text(json.dumps(data))
    segment.path.write_bytes(b"")  # nothing reached the disk
    info = await asyncio.to_thread(recover, sidecar)
    assert info.frames == 0
    assert info.start == info.end == pytest.approx(segment.anchor.wall_clock + 2.0)


def _event(kind: str, seconds: float) -> HearingEvent:
    return HearingEvent(
        hearing_id=1, kind=kind, at=datetime.fromtimestamp(WALL + seconds, UTC), actor="recording"
    )


def test_an_interruption_runs_until_recording_starts_again() -> None:
    start = datetime.fromtimestamp(WALL, UTC)
    events = [
        _event("recording_started", 0),
        _event("recording_paused", 10),
        _event("recording_resumed", 20),
        _event("recording_interrupted", 30),
        _event("recording_started", 45),
        _event("recording_interrupted", 50),
    ]
    timeline = session_timeline(start, start + timedelta(seconds=60), events, None)
    assert timeline.recesses == (
        Interval(WALL + 10, WALL + 20, RECESS),
        Interval(WALL + 30, WALL + 45, INTERRUPTED),
        Interval(WALL + 50, WALL + 60, INTERRUPTED),  # closed without recording again
    )
