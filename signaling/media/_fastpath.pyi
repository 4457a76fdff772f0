import socket

Buffer = bytes | bytearray | memoryview

class Srtp:
    """One libsrtp transform of a session, and UDP send (see _fastpath.c)."""

    def __init__(self, transform: int, context: int, owner: object, max_trailer: int) -> None: ...
    def transform(self, data: Buffer, /) -> bytes: ...
    def connect(self, sock: socket.socket, host: str, port: int, /) -> None: ...
    def send(self, data: Buffer, /) -> bytes | None: ...
    def take_bytes(self) -> int: ...

class HeaderWriter:
    """Writes RTP packets of one header layout (see _fastpath.c)."""

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
