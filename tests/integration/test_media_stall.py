"""A participant whose device freezes (nothing arrives from it, its socket.io connection stays)
is reported to the bench within seconds, and again when it comes back; one who only stops
sending media (muted, camera off: RTCP reports still come) is not."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.headless import HeadlessParticipant
from tests.integration.courtroom import Courtroom, presence, receiving, room_shows, start
from tests.integration.peers import wait_until

STALL_SECONDS = 5.0
"""The server's default media_stall_seconds."""
CHECK_SECONDS = 1.0
"""How often the server looks."""


def is_rtp(datagram: bytes) -> bool:
    """An (S)RTP packet, not RTCP, STUN or DTLS (RFC 5761 and RFC 7983 demultiplexing)."""
    return 127 < datagram[0] < 192 and not 192 <= datagram[1] <= 223


@contextmanager
def sending_only(person: HeadlessParticipant, keep: Callable[[bytes], bool]) -> Iterator[None]:
    """While inside, ``person``'s device sends only the datagrams ``keep`` lets through."""
    transports = person.peer._udp_transports()
    for transport in transports:
        send = transport.sendto

        def filtered(data: Any, addr: Any = None, send: Any = send) -> None:
            if keep(bytes(data)):
                send(data, addr)

        setattr(transport, "sendto", filtered)  # noqa: B010
    try:
        yield
    finally:
        for transport in transports:
            delattr(transport, "sendto")


def stalled(viewer: HeadlessParticipant, participant_id: int) -> bool:
    members = viewer.signal.room["members"]
    return any(m["id"] == participant_id and m["media_stalled"] for m in members)


async def test_a_frozen_device_is_reported_to_the_bench_and_its_return_too(
    courtroom: Courtroom,
) -> None:
    people = await start(courtroom, "party_a")
    judge, party = people["judge"], people["party_a"]
    await receiving(judge, party.id, frames=10)
    alerts = judge.signal.received["alert"]

    # like someone muted with the camera off: no media, the RTCP reports go on
    with sending_only(party, lambda datagram: not is_rtp(datagram)):
        silent = time.monotonic()
        await wait_until(lambda: time.monotonic() - silent > STALL_SECONDS + 3, 10, "a muted while")
        assert [a for a in alerts if a["kind"] == "media_stopped"] == []
        assert not stalled(judge, party.id)

    # the device freezes: nothing at all leaves it, its socket.io connection stays up
    with sending_only(party, lambda datagram: False):
        frozen = time.monotonic()
        alert = await judge.signal.wait_for(
            "alert", lambda a: a["kind"] == "media_stopped", within=STALL_SECONDS + 5
        )
        took = time.monotonic() - frozen
        assert alert["participant_id"] == party.id
        assert STALL_SECONDS - 0.5 <= took <= STALL_SECONDS + CHECK_SECONDS + 1.5, took
        await room_shows(judge, lambda room: stalled(judge, party.id))
        assert presence(judge, party.id) == "in_hearing"
        assert party.signal.connected

    back = await judge.signal.wait_for(
        "alert", lambda a: a["kind"] == "media_resumed", within=CHECK_SECONDS + 3
    )
    assert back["participant_id"] == party.id
    await room_shows(judge, lambda room: not stalled(judge, party.id))
    await receiving(judge, party.id, frames=10, since=time.monotonic())  # the picture moves
