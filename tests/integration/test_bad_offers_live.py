"""A hostile offer over socket.io is refused with `bad_sdp` and a reason, and leaves the
participant's connection as it was: their next offer is answered and media flows on."""

import time
from collections.abc import Callable

from aiortc import RTCSessionDescription

from tests.integration.courtroom import Courtroom, receiving, start
from tests.integration.test_session import HOSTILE_OFFERS, sections_repeated

LIVE_OFFERS: dict[str, Callable[[str], str]] = {
    **{name: mutate for name, mutate in HOSTILE_OFFERS.items() if "300" not in name},
    # 300 of aiortc's sections would exceed the size of an event the server takes at all
    "30 video sections": lambda sdp: sections_repeated(sdp, 30),
}


async def test_hostile_offers_leave_the_connection_usable(courtroom: Courtroom) -> None:
    people = await start(courtroom, "party_a")
    judge, party = people["judge"], people["party_a"]
    await receiving(judge, courtroom.id("party_a"), frames=5)
    await receiving(party, courtroom.id("judge"), frames=5)
    peer = party.peer
    async with peer._negotiating:  # as the client would, between two negotiations
        await peer.pc.setLocalDescription(await peer.pc.createOffer())
        offer = peer.pc.localDescription.sdp
        for name, mutate in LIVE_OFFERS.items():
            reply = await party.signal.call("offer", {"sdp": mutate(offer)})
            error = reply.get("error", {})
            assert error.get("code") == "bad_sdp", (name, reply)
            assert error.get("message"), name
        reply = await party.signal.call("offer", {"sdp": offer})
        assert "sdp" in reply, reply  # answered, not taken for glare
        await peer.pc.setRemoteDescription(RTCSessionDescription(sdp=reply["sdp"], type="answer"))
    since = time.monotonic()
    assert (await receiving(judge, courtroom.id("party_a"), frames=10, since=since)).in_order
    assert (await receiving(party, courtroom.id("judge"), frames=10, since=since)).in_order
