"""A MediaSession given a real Chromium offer sending its camera as simulcast (the offer of
test_numbering, its video section as Chromium writes it with three layers): the answer asks
for the layers, and the published camera has them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aioice.ice
import pytest
from aiortc.codecs import HEADER_EXTENSIONS
from aiortc.sdp import SessionDescription

from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from signaling.media.simulcast import REPAIRED_RID_URI, RID_URI, offered_layers
from tests.unit.test_numbering import CHROME_OFFER
from tests.unit.test_simulcast_sdp import RECEIVE_Q_H_F

LAYERS = ("a=rid:q send", "a=rid:h send", "a=rid:f send", "a=simulcast:send q;h;f")


def simulcast_offer(only: tuple[str, ...] = ()) -> str:
    """CHROME_OFFER with its video section sent as simulcast: Chromium then announces no SSRC
    (a layer's packets carry its rid) but the track in a=msid; `only`: the payload types it
    keeps (all if empty)."""
    head, video = CHROME_OFFER.split("m=video", 1)
    lines = [line for line in video.split("\r\n") if line and not line.startswith("a=ssrc")]
    if only:
        port, protocol = lines[0].split()[:2]  # the m= line after "m=video"
        lines[0] = " ".join(["", port, protocol, *only])
        lines = [line for line in lines if not _names_other_format(line, only)]
    lines += ["a=msid:- fce91c09-1f45-4609-ba39-28f1e58ae316", *LAYERS]
    return head + "m=video" + "\r\n".join(lines) + "\r\n"


def _names_other_format(line: str, kept: tuple[str, ...]) -> bool:
    for attribute in ("a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"):
        if line.startswith(attribute):
            return line[len(attribute) :].split()[0] not in kept
    return False


@pytest.fixture(autouse=True)
def no_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to connect to: gathering yields no candidate and opens no socket."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [])


@pytest.fixture
async def session() -> AsyncIterator[MediaSession]:
    made = MediaSession(on_track=lambda track: None)
    yield made
    await made.close()


def video_section(sdp: str) -> list[str]:
    return ("m=video" + sdp.split("m=video", 1)[1]).split("\r\n")


def camera(session: MediaSession) -> PublishedTrack:
    [video] = [t for t in session.published if t.kind == "video"]
    return video


async def test_the_answer_asks_for_the_layers_and_the_camera_has_them(
    session: MediaSession,
) -> None:
    offer = simulcast_offer()
    assert offered_layers(offer) == {"1": ("q", "h", "f")}
    answer = await session.accept_offer(offer)
    assert answer is not None
    section = video_section(answer)
    mid = section.index("a=mid:1")
    assert section[mid + 1 : mid + 5] == RECEIVE_Q_H_F
    assert answer.count("a=rid:") == 3  # in the video section only
    # the layers' packets are told apart by the stream id extensions, which the answer takes
    [media] = [m for m in SessionDescription.parse(answer).media if m.kind == "video"]
    uris = {extension.uri for extension in media.rtp.headerExtensions}
    assert {RID_URI, REPAIRED_RID_URI} <= uris
    track = camera(session)
    assert track.simulcast
    assert [layer.rid for layer in track.layers] == ["q", "h", "f"]


async def test_our_offers_keep_the_layers(session: MediaSession) -> None:
    assert await session.accept_offer(simulcast_offer()) is not None
    session.subscribe(camera(session))  # anything to send makes an offer of ours
    offer = await session.create_offer()
    assert offer is not None
    assert "a=simulcast:recv q;h;f" in video_section(offer)


async def test_a_camera_sending_another_codec_is_taken_as_one_layer(
    session: MediaSession,
) -> None:
    offer = simulcast_offer(only=("102", "103"))  # H264: its keyframes are not recognised
    answer = await session.accept_offer(offer)
    assert answer is not None
    assert "a=simulcast" not in answer and "a=rid:" not in answer
    track = camera(session)
    assert track.codec.name == "H264"
    assert not track.simulcast and len(track.layers) == 1


def test_the_rid_extensions_take_ids_no_other_extension_has() -> None:
    """A bundle's sections share extension ids: aiortc's own offers (a headless participant's)
    must not give the rid the id audio levels have in the audio section."""
    meaning: dict[int, str] = {}
    for kind in HEADER_EXTENSIONS.values():
        for extension in kind:
            assert meaning.setdefault(extension.id, extension.uri) == extension.uri, extension
    assert {RID_URI, REPAIRED_RID_URI} <= set(meaning.values())
