"""A participant's offer is checked before it reaches the peer connection."""

import re
from collections.abc import Callable

import pytest

from signaling.media.offer_check import MAX_NEW_MEDIA_SECTIONS, check_offer, parse_description
from tests.unit.test_numbering import CHROME_OFFER

AUDIO, VIDEO = re.split(r"(?=^m=)", CHROME_OFFER, flags=re.MULTILINE)[1:]
HEADER = CHROME_OFFER[: CHROME_OFFER.index("m=audio")]


def sections(*media: str) -> str:
    return HEADER + "".join(media)


def with_mid(section: str, mid: str) -> str:
    return re.sub(r"a=mid:[^\r\n]*", f"a=mid:{mid}", section)


HOSTILE: list[tuple[str, Callable[[str], str], str]] = [
    ("two sections with mid 0", lambda sdp: sdp.replace("a=mid:1", "a=mid:0"), "used twice"),
    (
        "300 video sections",
        lambda _: sections(*(with_mid(VIDEO, str(i)) for i in range(300))),
        "300 media sections",
    ),
    ("truncated in the audio section", lambda sdp: sdp[: sdp.index("a=setup")], "no a=mid"),
    (
        "truncated in the video section",
        lambda sdp: sdp[: sdp.index("a=ice-ufrag", sdp.index("m=video"))],
        "media section 1: no a=mid",
    ),
    ("truncated in an attribute", lambda sdp: sdp[: sdp.index("a=rtpmap:111") + 9], "unparsable"),
    (
        "H264 renumbered to 97",
        lambda sdp: sdp.replace("a=rtpmap:102 H264", "a=rtpmap:97 H264"),
        "a=fmtp names a payload type with no a=rtpmap",
    ),
    (
        "a codec on no payload type of the m= line",
        lambda sdp: sdp + "a=rtpmap:127 VP9/90000\r\n",
        "not on the m= line",
    ),
    ("no fingerprint", lambda sdp: re.sub(r"a=fingerprint:.*\r\n", "", sdp), "no a=fingerprint"),
    (
        "a fingerprint that is not hex",
        lambda sdp: re.sub(r"(a=fingerprint:sha-256) \S+", r"\1 ZZ:11", sdp),
        "32 hex bytes",
    ),
    (
        "a fingerprint one byte short",
        lambda sdp: re.sub(r"(a=fingerprint:sha-256 \S+):2E", r"\1", sdp),
        "32 hex bytes",
    ),
    (
        "an unknown fingerprint algorithm",
        lambda sdp: sdp.replace("a=fingerprint:sha-256", "a=fingerprint:md5"),
        "'md5'",
    ),
    ("no ICE password", lambda sdp: re.sub(r"a=ice-pwd:.*\r\n", "", sdp), "a=ice-pwd"),
    ("no RTCP mux", lambda sdp: sdp.replace("a=rtcp-mux\r\n", ""), "rtcp-mux"),
    (
        "a payload type above 127",
        lambda sdp: sdp.replace(" 111 63 ", " 111 200 63 "),
        "outside 0-127",
    ),
    (
        "only codecs we cannot take",
        lambda _: sections(
            re.sub(r"a=rtpmap:(\d+) (opus|PCMU|PCMA|G722)", r"a=rtpmap:\1 X", AUDIO), VIDEO
        ),
        "no audio codec we can take",
    ),
    ("a data channel", lambda sdp: sdp.replace("m=video", "m=application"), "only audio"),
    ("BUNDLE naming no section", lambda sdp: sdp.replace("BUNDLE 0 1", "BUNDLE 7 0 1"), "['7']"),
    ("no media", lambda _: HEADER, "no media section"),
]


def test_a_browser_offer_passes() -> None:
    description = check_offer(CHROME_OFFER)
    assert [m.kind for m in description.media] == ["audio", "video"]


@pytest.mark.parametrize(
    ("mutate", "reason"), [(m, r) for _, m, r in HOSTILE], ids=[name for name, _, _ in HOSTILE]
)
def test_hostile_offers_are_refused_with_a_reason(
    mutate: Callable[[str], str], reason: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        check_offer(mutate(CHROME_OFFER))


def test_a_later_offer_keeps_the_negotiated_sections() -> None:
    negotiated = [("0", "audio"), ("1", "video"), ("2", "video")]
    received = with_mid(VIDEO, "2")
    assert len(check_offer(sections(AUDIO, VIDEO, received), negotiated).media) == 3
    with pytest.raises(ValueError, match=r"section 2 \(mid '2'\) is missing"):
        check_offer(CHROME_OFFER, negotiated)
    with pytest.raises(ValueError, match="section 0 must stay audio with mid '0'"):
        check_offer(sections(with_mid(VIDEO, "0"), with_mid(AUDIO, "1"), received), negotiated)
    extra = [with_mid(AUDIO, f"x{i}") for i in range(MAX_NEW_MEDIA_SECTIONS)]
    assert check_offer(sections(AUDIO, VIDEO, received, *extra), negotiated)
    with pytest.raises(ValueError, match="at most"):
        check_offer(sections(AUDIO, VIDEO, received, *extra, with_mid(AUDIO, "y")), negotiated)


def test_an_unparsable_answer_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unparsable answer"):
        parse_description("v=0\nm=video nine UDP/TLS/RTP/SAVPF x\n", "answer")
