import socket

Buffer = bytes | bytearray | memoryview

class SrtpSender:
    """SRTP protect and UDP send of RTP packets (see _rtp_out.c)."""

    def __init__(self, protect: int, context: int, owner: object, max_trailer: int) -> None: ...
    def protect(self, data: Buffer, /) -> bytes: ...
    def connect(self, sock: socket.socket, host: str, port: int, /) -> None: ...
    def send(self, data: Buffer, /) -> bytes | None: ...
    def take_protected_bytes(self) -> int: ...

class HeaderWriter:
    """Writes RTP packets of one header layout (see _rtp_out.c)."""

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
