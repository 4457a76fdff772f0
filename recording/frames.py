"""Frame reassembly from in-order packets: VP8 pictures (RFC 7741) and Opus packets.

VP8 packets are joined with aiortc's payload-descriptor parser; a picture is complete when
its packets run without a sequence gap from the one that starts partition 0 to the one
carrying the marker bit (or to the last one before the timestamp changes). After a gap every
picture up to the next keyframe is dropped, since it may reference what was lost: a recording
has a short freeze rather than corrupt pictures.
"""

from typing import Protocol

from aiortc.codecs.vpx import VpxPayloadDescriptor

from .packets import Arrived, EncodedFrame

VP8_START_CODE = b"\x9d\x01\x2a"


class FrameAssembler(Protocol):
    @property
    def needs_keyframe(self) -> bool:
        """True while frames are dropped until a keyframe arrives."""
        ...

    def push(self, item: Arrived) -> list[EncodedFrame]: ...

    def reset(self) -> None:
        """Forget the partial frame; a video assembler then waits for a keyframe."""
        ...


class OpusAssembler:
    """Every Opus RTP packet is one frame; a gap is just missing audio."""

    needs_keyframe = False

    def push(self, item: Arrived) -> list[EncodedFrame]:
        packet = item.packet
        if not packet.payload:
            return []
        return [EncodedFrame(packet.payload, packet.timestamp, True, item.arrival)]

    def reset(self) -> None:
        pass


class Vp8Assembler:
    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._timestamp = 0
        self._arrival = 0.0
        self._last_index: int | None = None
        self._needs_keyframe = True

    @property
    def needs_keyframe(self) -> bool:
        return self._needs_keyframe

    def reset(self) -> None:
        self._parts.clear()
        self._last_index = None
        self._needs_keyframe = True

    def push(self, item: Arrived) -> list[EncodedFrame]:
        packet = item.packet
        frames: list[EncodedFrame] = []
        if self._last_index is not None and item.index != self._last_index + 1:
            self._lose()
        self._last_index = item.index
        try:
            descriptor, data = VpxPayloadDescriptor.parse(packet.payload)
        except ValueError:
            self._lose()
            return frames
        if self._parts and packet.timestamp != self._timestamp:
            frames += self._finish()  # the previous picture ended without a marker
        if descriptor.partition_start and descriptor.partition_id == 0:
            if self._parts:
                self._lose()
            self._timestamp, self._arrival = packet.timestamp, item.arrival
            self._parts = [data]
        elif self._parts:
            self._parts.append(data)
        if packet.marker and self._parts:
            frames += self._finish()
        return frames

    def _lose(self) -> None:
        self._parts.clear()
        self._needs_keyframe = True

    def _finish(self) -> list[EncodedFrame]:
        data = b"".join(self._parts)
        self._parts.clear()
        if not data:
            return []
        keyframe = data[0] & 0x01 == 0
        if not keyframe and self._needs_keyframe:
            return []
        width = height = 0
        if keyframe:
            if len(data) < 10 or data[3:6] != VP8_START_CODE:
                self._needs_keyframe = True
                return []
            width = int.from_bytes(data[6:8], "little") & 0x3FFF
            height = int.from_bytes(data[8:10], "little") & 0x3FFF
            self._needs_keyframe = False
        return [EncodedFrame(data, self._timestamp, keyframe, self._arrival, width, height)]
