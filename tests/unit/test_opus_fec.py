"""Opus in-band FEC is asked of every publisher: a browser sends it only when the answer's
Opus format says `useinbandfec=1`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aioice.ice
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import SessionDescription

from signaling.media.session import MediaSession
from tests.unit.test_numbering import CHROME_OFFER


@pytest.fixture(autouse=True)
def no_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to connect to: gathering yields no candidate and opens no socket."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [])


def opus_parameters(sdp: str) -> list[dict[str, int | str | None]]:
    """The Opus format parameters of each audio section."""
    return [
        codec.parameters
        for media in SessionDescription.parse(sdp).media
        if media.kind == "audio"
        for codec in media.rtp.codecs
        if codec.mimeType.lower() == "audio/opus"
    ]


@pytest.fixture
async def session() -> AsyncIterator[MediaSession]:
    made = MediaSession(on_track=lambda track: None)
    yield made
    await made.close()


async def test_a_browser_publisher_is_asked_for_fec(session: MediaSession) -> None:
    assert opus_parameters(CHROME_OFFER) == [{"minptime": 10, "useinbandfec": 1}]
    answer = await session.accept_offer(CHROME_OFFER)
    assert answer is not None
    assert [p.get("useinbandfec") for p in opus_parameters(answer)] == [1]
    assert "a=fmtp:111 useinbandfec=1" in answer  # the browser's own payload type


async def test_a_publisher_that_offers_no_fec_parameter_is_asked_too(
    session: MediaSession,
) -> None:
    publisher = RTCPeerConnection()
    try:
        publisher.addTransceiver("audio", direction="sendonly")
        await publisher.setLocalDescription(await publisher.createOffer())
        offer = publisher.localDescription.sdp
        assert opus_parameters(offer) == [{}]
        answer = await session.accept_offer(offer)
        assert answer is not None
        assert opus_parameters(answer) == [{"useinbandfec": 1}]
        # and aiortc takes the answer as any other
        await publisher.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    finally:
        await publisher.close()


async def test_asking_again_at_a_renegotiation_keeps_one_parameter(
    session: MediaSession,
) -> None:
    first = await session.accept_offer(CHROME_OFFER)
    assert first is not None
    again = await session.accept_offer(CHROME_OFFER)
    assert again is not None
    assert again.count("useinbandfec=1") == first.count("useinbandfec=1") == 1
