"""Checks on a participant's offer before it reaches the peer connection.

aiortc applies a remote offer section by section and cannot roll back: an offer it fails on
halfway leaves transceivers, codecs and the signaling state changed. Its parser also lets
assertions, index errors and StopIteration out for malformed lines. So an offer is parsed and
checked here first, and refused with a reason a person can act on.
"""

import re
from collections.abc import Sequence

from aiortc.codecs import CODECS
from aiortc.rtcpeerconnection import find_common_codecs
from aiortc.sdp import MediaDescription, SessionDescription

MAX_NEW_MEDIA_SECTIONS = 4
"""Media sections an offer may add to those already negotiated: a participant publishes a
camera and a microphone (perhaps a screen), while the sections the server added for what they
receive are already negotiated when they offer."""

FINGERPRINT_BYTES = {"sha-1": 20, "sha-224": 28, "sha-256": 32, "sha-384": 48, "sha-512": 64}
"""The DTLS certificate fingerprint algorithms we check, with their digest sizes."""

MEDIA_KINDS = ("audio", "video")

NegotiatedSections = Sequence[tuple[str, str]]
"""(mid, kind) of each media section negotiated so far, in order."""


def parse_description(sdp: str, what: str = "offer") -> SessionDescription:
    """`sdp` parsed by aiortc's parser; ValueError (with the reason) for anything it fails on."""
    try:
        return SessionDescription.parse(sdp)
    except StopIteration as exc:  # its lookup of the codec an a=fmtp line names
        reason = "an a=fmtp names a payload type with no a=rtpmap"
        raise ValueError(f"unparsable {what}: {reason}") from exc
    except Exception as exc:  # the parser asserts and indexes without guard
        reason = str(exc) or type(exc).__name__
        raise ValueError(f"unparsable {what}: {reason}") from exc


def check_offer(sdp: str, negotiated: NegotiatedSections = ()) -> SessionDescription:
    """Parse and check a participant's offer against what was negotiated before.

    Raise ValueError naming the first problem found.
    """
    sections = len(re.findall(r"^m=", sdp, re.MULTILINE))
    if sections == 0:
        raise ValueError("offer has no media section")
    if sections > len(negotiated) + MAX_NEW_MEDIA_SECTIONS:
        raise ValueError(
            f"offer has {sections} media sections, at most {MAX_NEW_MEDIA_SECTIONS} more "
            f"than the {len(negotiated)} negotiated"
        )
    description = parse_description(sdp)
    mids: list[str] = []
    for index, media in enumerate(description.media):
        problem = _section_problem(media)
        if problem is not None:
            raise ValueError(f"media section {index}: {problem}")
        assert media.rtp.muxId is not None
        if media.rtp.muxId in mids:
            raise ValueError(f"media section {index}: mid {media.rtp.muxId!r} is used twice")
        mids.append(media.rtp.muxId)
    for index, (mid, kind) in enumerate(negotiated):
        if index >= len(description.media):
            raise ValueError(f"media section {index} (mid {mid!r}) is missing")
        media = description.media[index]
        if (media.rtp.muxId, media.kind) != (mid, kind):
            raise ValueError(f"media section {index} must stay {kind} with mid {mid!r}")
    for group in description.group:
        unknown = [mid for mid in group.items if mid not in mids]
        if group.semantic == "BUNDLE" and unknown:
            raise ValueError(f"BUNDLE names mids no media section has: {unknown}")
    return description


def _section_problem(media: MediaDescription) -> str | None:
    if media.kind not in MEDIA_KINDS:
        return f"{media.kind} is not taken, only audio and video"
    if not media.rtp.muxId:
        return "no a=mid"
    if not media.rtcp_mux:
        return "no a=rtcp-mux"
    if media.ice is None or not media.ice.usernameFragment or not media.ice.password:
        return "no a=ice-ufrag or a=ice-pwd"
    if media.dtls is None:
        return "no a=setup"
    if not media.dtls.fingerprints:
        return "no a=fingerprint"
    for fingerprint in media.dtls.fingerprints:
        problem = _fingerprint_problem(fingerprint.algorithm, fingerprint.value)
        if problem is not None:
            return problem
    return _codec_problem(media)


def _fingerprint_problem(algorithm: str, value: str) -> str | None:
    size = FINGERPRINT_BYTES.get(algorithm.lower())
    if size is None:
        return f"fingerprint algorithm {algorithm!r} is not one of {sorted(FINGERPRINT_BYTES)}"
    if not re.fullmatch(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*", value) or len(value) != size * 3 - 1:
        return f"{algorithm} fingerprint must be {size} hex bytes separated by colons"
    return None


def _codec_problem(media: MediaDescription) -> str | None:
    formats = [int(pt) for pt in media.fmt]
    if not formats:
        return "no payload type"
    out_of_range = [pt for pt in formats if not 0 <= pt <= 127]
    if out_of_range:
        return f"payload types {out_of_range} are outside 0-127"
    mapped = [codec.payloadType for codec in media.rtp.codecs]
    if len(set(mapped)) != len(mapped):
        return "a payload type has two a=rtpmap lines"
    unlisted = [pt for pt in mapped if pt not in formats]
    if unlisted:
        return f"a=rtpmap for payload types {unlisted} not on the m= line"
    if not find_common_codecs(CODECS[media.kind], media.rtp.codecs):
        offered = sorted({codec.mimeType.split("/")[-1] for codec in media.rtp.codecs})
        return f"no {media.kind} codec we can take (offered: {', '.join(offered) or 'none'})"
    return None
