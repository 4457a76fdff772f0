"""The publisher-side view of one RTP packet, parsed once and shared by every subscriber."""

from dataclasses import dataclass

from .vp8 import Vp8Descriptor


@dataclass(slots=True)
class SourcePacket:
    """A received media packet (RTX already unwrapped) as handed to the downtracks.

    The payload is kept exactly as the publisher sent it; downtracks only rebuild the RTP header
    and, after a source switch, the VP8 picture id.
    """

    ssrc: int
    sequence_number: int
    timestamp: int
    marker: bool
    payload: bytes
    padding_size: int = 0
    audio_level: tuple[bool, int] | None = None
    """RFC 6464 (voice activity, level in -dBov) when the publisher sent the extension."""
    vp8: Vp8Descriptor | None = None

    @property
    def keyframe(self) -> bool:
        """Whether a subscriber waiting for a picture can start at this packet."""
        return self.vp8 is not None and self.vp8.keyframe
