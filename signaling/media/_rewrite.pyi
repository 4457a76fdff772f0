Buffer = bytes | bytearray | memoryview

class HeaderWriter:
    """Writes RTP packets of one header layout (see _rewrite.c)."""

    def __init__(self, template: bytes, abs_send_time: int, audio_level: int) -> None: ...
    def packet(
        self,
        second: int,
        sequence: int,
        timestamp: int,
        ssrc: int,
        abs_send_time: int,
        audio_level: int | None,
        payload: Buffer,
        padding: int,
        /,
    ) -> bytes: ...

class Rewriter:
    """A downtrack's rewrite state and its per-packet forward (see _rewrite.c)."""

    header: HeaderWriter
    header_with_level: HeaderWriter
    ssrc: int
    payload_type: int
    waiting: bool
    started: bool
    source_ssrc: int
    """-1 before the first segment."""
    last_sequence: int
    last_timestamp: int
    segment_length: int
    sequence_offset: int
    timestamp_offset: int
    picture_id_offset: int
    tl0picidx_offset: int

    def __init__(
        self,
        header: HeaderWriter,
        header_with_level: HeaderWriter,
        ssrc: int,
        payload_type: int,
        clock_rate: int,
        wait_for_keyframe: bool,
        initial_sequence: int,
        initial_timestamp: int,
    ) -> None: ...
    def forward(self, packet: object, now: float, abs_send_time: int, /) -> bytes | None: ...
