"""A peer connection's numbering: which payload type and header extension id mean what.

aiortc writes every offer from its fixed tables (Opus 96, VP8 97, mid 1, ...), also for media
sections negotiated before under the browser's numbers (Chrome: Opus 111, VP8 96, mid 4, ...).
A browser refuses an offer that gives a negotiated number a new meaning, and one BUNDLE
transport has one header extension map, so every media section must agree. `Numbering` learns
what each number means from every description applied, and rewrites aiortc's offers to match:
a codec or extension seen before keeps its number, a new one gets a number nobody uses yet.

Codecs are told apart by MIME type, clock rate, channels and the fmtp parameters that make a
different format (H264 profile and packetization mode, VP9 and AV1 profile); RTX by the codec it
retransmits.
"""

import logging
from dataclasses import dataclass

from aiortc.codecs import is_rtx
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.sdp import SessionDescription

logger = logging.getLogger(__name__)

STATIC_PAYLOAD_TYPES = range(0, 35)
"""Assigned by RFC 3551 (PCMU 0, PCMA 8, G722 9, ...): kept as they are."""
FREE_PAYLOAD_TYPES = (*range(96, 128), *range(35, 64))
"""Where a new codec's payload type is taken from, in this order (browsers use 35-63 too once
96-127 run out)."""
FREE_EXTENSION_IDS = (*range(1, 15), *range(16, 256))
"""One-byte header extension ids first; two-byte ones only if those run out."""
FORMAT_PARAMETERS = ("packetization-mode", "profile-level-id", "profile-id", "profile")
"""fmtp parameters under which one MIME type names different formats."""


@dataclass(frozen=True, slots=True)
class CodecKey:
    """What a payload type means, independent of its number."""

    mime_type: str
    """Lower-case, e.g. "video/vp8"."""
    clock_rate: int
    channels: int
    format: tuple[tuple[str, str], ...] = ()
    repairs: "CodecKey | None" = None
    """For RTX: the codec it retransmits."""


def codec_keys(codecs: list[RTCRtpCodecParameters]) -> dict[int, CodecKey]:
    """Payload type -> key for the codecs of one media section (RTX whose `apt` names no codec
    of the section is left out)."""
    keys: dict[int, CodecKey] = {}
    for codec in codecs:
        if codec.payloadType is None or is_rtx(codec):
            continue
        keys[codec.payloadType] = CodecKey(
            mime_type=codec.mimeType.lower(),
            clock_rate=codec.clockRate,
            channels=codec.channels or 1,
            format=tuple(
                (name, str(codec.parameters[name]).lower())
                for name in FORMAT_PARAMETERS
                if codec.parameters.get(name) is not None
            ),
        )
    for codec in codecs:
        if codec.payloadType is None or not is_rtx(codec):
            continue
        apt = codec.parameters.get("apt")
        repaired = keys.get(apt) if isinstance(apt, int) else None
        if repaired is not None:
            keys[codec.payloadType] = CodecKey(
                mime_type=codec.mimeType.lower(),
                clock_rate=codec.clockRate,
                channels=codec.channels or 1,
                repairs=repaired,
            )
    return keys


class Numbering:
    """The payload types and header extension ids of one peer connection (all its media
    sections share them: they are bundled on one transport)."""

    def __init__(self) -> None:
        self._payload_types: dict[CodecKey, int] = {}
        self._codecs: dict[int, CodecKey] = {}
        self._extension_ids: dict[str, int] = {}
        self._extensions: dict[int, str] = {}

    def payload_type(self, key: CodecKey) -> int | None:
        return self._payload_types.get(key)

    def extension_id(self, uri: str) -> int | None:
        return self._extension_ids.get(uri)

    def learn(self, sdp: str) -> None:
        """Note the numbers of a description applied to the connection (an offer or answer,
        local or remote). A number already meaning something else keeps its first meaning."""
        for media in SessionDescription.parse(sdp).media:
            if media.kind not in ("audio", "video"):
                continue
            for payload_type, key in codec_keys(media.rtp.codecs).items():
                self._learn_codec(payload_type, key)
            for extension in media.rtp.headerExtensions:
                if extension.id is not None:
                    self._learn_extension(extension.id, extension.uri)

    def renumber_offer(self, sdp: str) -> str:
        """`sdp` (an offer aiortc wrote) with every media section under this numbering; codecs
        and extensions not known yet get free numbers, which are learned."""
        description = SessionDescription.parse(sdp)
        for media in description.media:
            if media.kind not in ("audio", "video"):
                continue
            keys = codec_keys(media.rtp.codecs)
            renumbered = {old: self._payload_type_for(old, key) for old, key in keys.items()}
            # an RTX format repairing nothing in the section has no meaning to keep: left out
            media.rtp.codecs = [c for c in media.rtp.codecs if c.payloadType in renumbered]
            for codec in media.rtp.codecs:
                assert codec.payloadType is not None
                codec.payloadType = renumbered[codec.payloadType]
                apt = codec.parameters.get("apt")
                if is_rtx(codec) and isinstance(apt, int):
                    codec.parameters["apt"] = renumbered[apt]
            media.fmt = [renumbered[pt] for pt in media.fmt if pt in renumbered]
            for extension in media.rtp.headerExtensions:
                extension.id = self._extension_id_for(extension.id, extension.uri)
        return str(description)

    def _learn_codec(self, payload_type: int, key: CodecKey) -> None:
        known = self._codecs.setdefault(payload_type, key)
        if known != key:
            logger.warning("payload type %d already means %s, not %s", payload_type, known, key)
            return
        self._payload_types.setdefault(key, payload_type)

    def _learn_extension(self, ext_id: int, uri: str) -> None:
        known = self._extensions.setdefault(ext_id, uri)
        if known != uri:
            logger.warning("header extension id %d already means %s, not %s", ext_id, known, uri)
            return
        self._extension_ids.setdefault(uri, ext_id)

    def _payload_type_for(self, current: int, key: CodecKey) -> int:
        known = self._payload_types.get(key)
        if known is not None:
            return known
        if current in STATIC_PAYLOAD_TYPES or current not in self._codecs:
            chosen = current
        else:
            chosen = next((pt for pt in FREE_PAYLOAD_TYPES if pt not in self._codecs), -1)
            if chosen < 0:
                raise ValueError("no payload type left for " + key.mime_type)
        self._learn_codec(chosen, key)
        return chosen

    def _extension_id_for(self, current: int | None, uri: str) -> int:
        known = self._extension_ids.get(uri)
        if known is not None:
            return known
        if current is not None and current not in self._extensions:
            chosen = current
        else:
            chosen = next((i for i in FREE_EXTENSION_IDS if i not in self._extensions), -1)
            if chosen < 0:
                raise ValueError("no header extension id left for " + uri)
        self._learn_extension(chosen, uri)
        return chosen
