"""The server keeps the browser's payload types and header extension ids in its own offers."""

from collections.abc import AsyncIterator

import aioice.ice
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import MediaDescription, SessionDescription

from signaling.media import internals
from signaling.media.numbering import CodecKey, Numbering, codec_keys
from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from signaling.media.simulcast import REPAIRED_RID_URI, RID_URI

# A Chromium 156 offer (microphone and camera, sendonly, max-bundle), as the web client sends it.
CHROME_OFFER = """\
v=0
o=- 8254669519345383147 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1
a=extmap-allow-mixed
a=msid-semantic: WMS
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:RvWG
a=ice-pwd:sXfSsqXRZ1f+7oUJK2Gz+fjO
a=ice-options:trickle
a=fingerprint:sha-256 EA:06:BB:DB:D0:E0:EA:DD:03:E7:FF:D9:BE:67:7C:98:46:F9:22:C4:0A:2B:27:62:C0:1D:5B:75:16:3D:DF:2E
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendonly
a=msid:- 9ef6d45c-2310-4dcb-8f48-6c1aeb71be71
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:903955261 cname:dDUy2076txAfA2u1
a=ssrc:903955261 msid:- 9ef6d45c-2310-4dcb-8f48-6c1aeb71be71
m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 107 108 109 114 115 116 117 39 40 45 46 98 99 100 101 118 119 120
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:RvWG
a=ice-pwd:sXfSsqXRZ1f+7oUJK2Gz+fjO
a=ice-options:trickle
a=fingerprint:sha-256 EA:06:BB:DB:D0:E0:EA:DD:03:E7:FF:D9:BE:67:7C:98:46:F9:22:C4:0A:2B:27:62:C0:1D:5B:75:16:3D:DF:2E
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:13 urn:3gpp:video-orientation
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=sendonly
a=msid:- fce91c09-1f45-4609-ba39-28f1e58ae316
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 transport-cc
a=rtcp-fb:102 ccm fir
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=rtpmap:104 H264/90000
a=rtcp-fb:104 goog-remb
a=rtcp-fb:104 transport-cc
a=rtcp-fb:104 ccm fir
a=rtcp-fb:104 nack
a=rtcp-fb:104 nack pli
a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
a=rtpmap:107 rtx/90000
a=fmtp:107 apt=104
a=rtpmap:108 H264/90000
a=rtcp-fb:108 goog-remb
a=rtcp-fb:108 transport-cc
a=rtcp-fb:108 ccm fir
a=rtcp-fb:108 nack
a=rtcp-fb:108 nack pli
a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:109 rtx/90000
a=fmtp:109 apt=108
a=rtpmap:114 H264/90000
a=rtcp-fb:114 goog-remb
a=rtcp-fb:114 transport-cc
a=rtcp-fb:114 ccm fir
a=rtcp-fb:114 nack
a=rtcp-fb:114 nack pli
a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
a=rtpmap:115 rtx/90000
a=fmtp:115 apt=114
a=rtpmap:116 H264/90000
a=rtcp-fb:116 goog-remb
a=rtcp-fb:116 transport-cc
a=rtcp-fb:116 ccm fir
a=rtcp-fb:116 nack
a=rtcp-fb:116 nack pli
a=fmtp:116 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
a=rtpmap:117 rtx/90000
a=fmtp:117 apt=116
a=rtpmap:39 H264/90000
a=rtcp-fb:39 goog-remb
a=rtcp-fb:39 transport-cc
a=rtcp-fb:39 ccm fir
a=rtcp-fb:39 nack
a=rtcp-fb:39 nack pli
a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
a=rtpmap:40 rtx/90000
a=fmtp:40 apt=39
a=rtpmap:45 AV1/90000
a=rtcp-fb:45 goog-remb
a=rtcp-fb:45 transport-cc
a=rtcp-fb:45 ccm fir
a=rtcp-fb:45 nack
a=rtcp-fb:45 nack pli
a=fmtp:45 level-idx=5;profile=0;tier=0
a=rtpmap:46 rtx/90000
a=fmtp:46 apt=45
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 goog-remb
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 ccm fir
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:100 VP9/90000
a=rtcp-fb:100 goog-remb
a=rtcp-fb:100 transport-cc
a=rtcp-fb:100 ccm fir
a=rtcp-fb:100 nack
a=rtcp-fb:100 nack pli
a=fmtp:100 profile-id=2
a=rtpmap:101 rtx/90000
a=fmtp:101 apt=100
a=rtpmap:118 red/90000
a=rtpmap:119 rtx/90000
a=fmtp:119 apt=118
a=rtpmap:120 ulpfec/90000
a=ssrc-group:FID 774484706 3226682062
a=ssrc:774484706 cname:dDUy2076txAfA2u1
a=ssrc:774484706 msid:- fce91c09-1f45-4609-ba39-28f1e58ae316
a=ssrc:3226682062 cname:dDUy2076txAfA2u1
a=ssrc:3226682062 msid:- fce91c09-1f45-4609-ba39-28f1e58ae316
""".replace("\n", "\r\n")

AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
MID = "urn:ietf:params:rtp-hdrext:sdes:mid"
CHROME_EXTENSION_IDS = {AUDIO_LEVEL: 1, ABS_SEND_TIME: 2, MID: 4, RID_URI: 10, REPAIRED_RID_URI: 11}
CHROME_PAYLOAD_TYPES = {"opus": 111, "vp8": 96, "vp8 rtx": 97, "h264 42001f": 102}


@pytest.fixture(autouse=True)
def no_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to connect to: gathering yields no candidate and opens no socket."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [])


def payload_types(media: MediaDescription) -> dict[str, int]:
    """Readable names of some codecs of a media section -> their payload types."""
    names: dict[str, int] = {}
    for pt, key in codec_keys(media.rtp.codecs).items():
        base = key.repairs or key
        name = base.mime_type.split("/")[1]
        profile = dict(base.format).get("profile-level-id")
        if profile is not None and dict(base.format).get("packetization-mode") == "1":
            name += " " + profile
        names[name + (" rtx" if key.repairs else "")] = pt
    return names


def extension_ids(media: MediaDescription) -> dict[str, int]:
    return {x.uri: x.id for x in media.rtp.headerExtensions if x.id is not None}


def assert_one_meaning(*sdps: str) -> None:
    """No payload type or extension id means two things anywhere in these descriptions."""
    codecs: dict[int, CodecKey] = {}
    uris: dict[int, str] = {}
    for sdp in sdps:
        for media in SessionDescription.parse(sdp).media:
            assert len(set(media.fmt)) == len(media.fmt)
            for pt, key in codec_keys(media.rtp.codecs).items():
                assert codecs.setdefault(pt, key) == key, f"payload type {pt}"
            for uri, ext_id in extension_ids(media).items():
                assert uris.setdefault(ext_id, uri) == uri, f"extension id {ext_id}"


class Participant:
    def __init__(self) -> None:
        self.published: list[PublishedTrack] = []
        self.session = MediaSession(on_track=self.published.append)

    def track(self, kind: str) -> PublishedTrack:
        return next(t for t in self.published if t.kind == kind)


@pytest.fixture
async def participants() -> AsyncIterator[list[Participant]]:
    made: list[Participant] = []
    yield made
    for participant in made:
        await participant.session.close()


async def chrome_publisher(participants: list[Participant]) -> Participant:
    participant = Participant()
    participants.append(participant)
    answer = await participant.session.accept_offer(CHROME_OFFER)
    assert answer is not None
    return participant


async def answer_like_a_browser(session: MediaSession, offer: str) -> str:
    """Answer `offer` as a browser does for these purposes: with the offer's numbers."""
    browser = RTCPeerConnection()
    try:
        await browser.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await browser.setLocalDescription(await browser.createAnswer())
        answer = browser.localDescription.sdp
    finally:
        await browser.close()
    await session.accept_answer(answer)
    return answer


async def test_server_offers_keep_the_browsers_numbers(participants: list[Participant]) -> None:
    judge = await chrome_publisher(participants)
    party = await chrome_publisher(participants)
    judge.session.subscribe(party.track("audio"))
    judge.session.subscribe(party.track("video"))

    offer = await judge.session.create_offer()
    assert offer is not None
    media = SessionDescription.parse(offer).media
    assert [(m.kind, m.rtp.muxId) for m in media] == [
        ("audio", "0"),
        ("video", "1"),
        ("audio", "2"),
        ("video", "3"),
    ]
    for section in media:
        names = payload_types(section)
        for name, pt in CHROME_PAYLOAD_TYPES.items():
            if name in names:
                assert names[name] == pt, (section.rtp.muxId, name)
        for uri, ext_id in extension_ids(section).items():
            assert ext_id == CHROME_EXTENSION_IDS[uri], (section.rtp.muxId, uri)
    assert payload_types(media[2]) == {"opus": 111}
    assert payload_types(media[3]) == {"vp8": 96, "vp8 rtx": 97}
    assert extension_ids(media[2]) == {MID: 4, AUDIO_LEVEL: 1}
    # every video section may carry simulcast layers: the rid extensions are on all of them
    assert extension_ids(media[3]) == {
        MID: 4,
        ABS_SEND_TIME: 2,
        RID_URI: 10,
        REPAIRED_RID_URI: 11,
    }
    assert_one_meaning(CHROME_OFFER, offer)

    # until the answer, what the browser negotiated stays in force for its own sections
    for transceiver in judge.session._pc.getTransceivers()[:2]:
        assert internals.transceiver_codecs(transceiver)[0].payloadType in (111, 96)

    answer = await answer_like_a_browser(judge.session, offer)
    codecs = [internals.transceiver_codecs(t) for t in judge.session._pc.getTransceivers()]
    assert [c[0].payloadType for c in codecs] == [111, 96, 111, 96]

    # the next renegotiation (another participant admitted) numbers the same way
    witness = await chrome_publisher(participants)
    judge.session.subscribe(witness.track("video"))
    again = await judge.session.create_offer()
    assert again is not None
    media = SessionDescription.parse(again).media
    assert len(media) == 5
    assert payload_types(media[4]) == {"vp8": 96, "vp8 rtx": 97}
    assert extension_ids(media[4]) == extension_ids(SessionDescription.parse(offer).media[3])
    assert_one_meaning(CHROME_OFFER, offer, answer, again)


async def test_a_receive_only_participant_gets_consistent_numbers(
    participants: list[Participant],
) -> None:
    """Nothing learned from the browser yet: aiortc's numbers, one meaning each."""
    party = await chrome_publisher(participants)
    terminal = Participant()
    participants.append(terminal)
    terminal.session.subscribe(party.track("audio"))
    terminal.session.subscribe(party.track("video"))
    offer = await terminal.session.create_offer()
    assert offer is not None
    media = SessionDescription.parse(offer).media
    assert payload_types(media[0]) == {"opus": 96}
    assert payload_types(media[1]) == {"vp8": 97, "vp8 rtx": 98}
    assert_one_meaning(offer)


def test_new_codecs_and_extensions_get_free_numbers() -> None:
    numbering = Numbering()
    numbering.learn(CHROME_OFFER)
    # an aiortc-style offer whose numbers all mean something else in Chrome's table
    offer = "\r\n".join(
        [
            "v=0",
            "o=- 1 1 IN IP4 0.0.0.0",
            "s=-",
            "t=0 0",
            "m=video 9 UDP/TLS/RTP/SAVPF 99 100",
            "c=IN IP4 0.0.0.0",
            "a=mid:0",
            "a=extmap:2 urn:example:new-extension",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=rtcp-mux",
            "a=rtpmap:99 H265/90000",
            "a=rtcp-fb:99 nack pli",
            "a=rtpmap:100 rtx/90000",
            "a=fmtp:100 apt=99",
            "a=ice-ufrag:abcd",
            "a=ice-pwd:abcdefghijklmnopqrstuvwx",
            "",
        ]
    )
    media = SessionDescription.parse(numbering.renumber_offer(offer)).media[0]
    h265, rtx = media.rtp.codecs
    assert (h265.payloadType, rtx.payloadType) == (105, 106)  # the first two Chrome left free
    assert rtx.parameters["apt"] == 105
    assert [f.parameter for f in h265.rtcpFeedback] == ["pli"]
    assert media.fmt == [105, 106]
    assert extension_ids(media) == {"urn:example:new-extension": 9, MID: 4}
    key = codec_keys(media.rtp.codecs)[105]
    assert numbering.payload_type(key) == 105
    assert numbering.extension_id("urn:example:new-extension") == 9
