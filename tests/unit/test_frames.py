"""VP8 frame reassembly for the recorder, on packets from aiortc's real encoder."""

from recording.frames import Vp8Assembler
from recording.packets import Arrived, EncodedFrame
from tests.integration.synthetic_rtp import Packet, SyntheticVideo


def frames_of(packets: list[Packet], drop: frozenset[int] = frozenset()) -> list[EncodedFrame]:
    assembler = Vp8Assembler()
    out: list[EncodedFrame] = []
    for index, packet in enumerate(packets):
        if index not in drop:
            out += assembler.push(Arrived(packet, index, float(index)))
    return out


def stream(count: int, keyframe_at: int | None = None) -> tuple[list[Packet], list[int]]:
    """Packets of `count` pictures, and the index of each picture's first packet."""
    video = SyntheticVideo()
    packets: list[Packet] = []
    starts: list[int] = []
    for number in range(count):
        starts.append(len(packets))
        packets += video.next_frame(keyframe=number == keyframe_at)
    return packets, starts


def test_pictures_are_rebuilt_whole_starting_at_a_keyframe() -> None:
    packets, starts = stream(5)
    frames = frames_of(packets)
    assert len(frames) == 5
    assert frames[0].keyframe and (frames[0].width, frames[0].height) == (320, 240)
    assert not any(f.keyframe for f in frames[1:])
    assert [f.arrival for f in frames] == [float(s) for s in starts]


def test_nothing_before_the_first_keyframe() -> None:
    packets, starts = stream(6, keyframe_at=4)
    frames = frames_of(packets[starts[1] :])
    assert [f.keyframe for f in frames] == [True, False]


def test_a_lost_packet_drops_pictures_until_the_next_keyframe() -> None:
    packets, starts = stream(6, keyframe_at=4)
    frames = frames_of(packets, drop=frozenset({starts[2] + 1}))
    assert [f.keyframe for f in frames] == [True, False, True, False]
    assert frames[2].timestamp == packets[starts[4]].timestamp
