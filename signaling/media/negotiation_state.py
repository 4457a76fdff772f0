"""aiortc 1.16.0's private negotiation state of a peer connection, kept and put back.

aiortc has no rollback: applying a remote offer changes transceivers (new ones, mids, codecs,
header extensions, directions, remote tracks), the remote ICE and DTLS parameters and the
signaling state before it answers, and a failure on the way leaves all of that behind (the
connection then stays in "have-remote-offer" and every later offer is taken for glare).
`OfferRollback` notes that state before an offer and puts it back if the offer fails.

Like `internals`, this is the one place that touches these private attributes;
tests/unit/test_aiortc_internals.py fails loudly if they move.
"""

from dataclasses import dataclass
from typing import Any

from aiortc import RTCPeerConnection
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcdtlstransport import RTCDtlsTransport
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters
from aiortc.rtcrtptransceiver import RTCRtpTransceiver

_PREFIX = "_RTCPeerConnection__"
_TRANSCEIVERS = _PREFIX + "transceivers"
_SEEN_MIDS = _PREFIX + "seenMids"
_REMOTE_DTLS = _PREFIX + "remoteDtls"
_REMOTE_ICE = _PREFIX + "remoteIce"
_DTLS_TRANSPORTS = _PREFIX + "dtlsTransports"
_ICE_TRANSPORTS = _PREFIX + "iceTransports"
_SIGNALING_STATE = _PREFIX + "signalingState"
_PENDING_REMOTE = _PREFIX + "pendingRemoteDescription"
_PENDING_LOCAL = _PREFIX + "pendingLocalDescription"
_RECEIVER_TRACK = "_track"


NegotiatedParameters = list[
    tuple[RTCRtpTransceiver, list[RTCRtpCodecParameters], list[RTCRtpHeaderExtensionParameters]]
]


def negotiated_parameters(transceivers: list[RTCRtpTransceiver]) -> NegotiatedParameters:
    """The codecs and header extensions negotiated for each transceiver that has been in a
    description (aiortc's private `_codecs` / `_headerExtensions`, which its senders and
    receivers start with)."""
    return [(t, t._codecs, t._headerExtensions) for t in transceivers if t.mid is not None]


def restore_parameters(negotiated: NegotiatedParameters) -> None:
    """Undo what aiortc's `createOffer` does to negotiated transceivers: it resets their codecs
    and extensions to its default tables until the answer comes, and a sender or receiver
    starting in between (its transport connecting) would start with aiortc's numbers."""
    for transceiver, codecs, extensions in negotiated:
        transceiver._codecs = codecs
        transceiver._headerExtensions = extensions


def negotiated_sections(pc: RTCPeerConnection) -> list[tuple[str, str]]:
    """(mid, kind) of each media section negotiated so far, in media section order."""
    placed = [
        (index, t.mid, t.kind)
        for t in pc.getTransceivers()
        if t.mid is not None and (index := t._get_mline_index()) is not None
    ]
    return [(mid, kind) for _, mid, kind in sorted(placed)]


@dataclass
class _TransceiverState:
    transceiver: RTCRtpTransceiver
    mid: str | None
    mline_index: int | None
    codecs: list[RTCRtpCodecParameters]
    extensions: list[RTCRtpHeaderExtensionParameters]
    offer_direction: str | None
    track: MediaStreamTrack | None


class OfferRollback:
    """What applying a remote offer may change on `pc`, noted now, to put back with `restore`."""

    def __init__(self, pc: RTCPeerConnection) -> None:
        self._pc = pc
        self._transceivers = [
            _TransceiverState(
                t,
                t.mid,
                t._get_mline_index(),
                t._codecs,
                t._headerExtensions,
                t._offerDirection,
                t.receiver.track,
            )
            for t in pc.getTransceivers()
        ]
        self._private: dict[str, Any] = {
            name: _copy(getattr(pc, name))
            for name in (
                _SEEN_MIDS,
                _REMOTE_DTLS,
                _REMOTE_ICE,
                _DTLS_TRANSPORTS,
                _ICE_TRANSPORTS,
                _SIGNALING_STATE,
                _PENDING_REMOTE,
                _PENDING_LOCAL,
            )
        }

    async def restore(self) -> None:
        """Put the noted state back: transceivers the offer created are dropped (with the
        transports made for them), the others get back their mid, codecs, direction and track,
        and the signaling state is what it was."""
        kept = {id(state.transceiver) for state in self._transceivers}
        dropped = [t for t in self._pc.getTransceivers() if id(t) not in kept]
        getattr(self._pc, _TRANSCEIVERS)[:] = [s.transceiver for s in self._transceivers]
        for state in self._transceivers:
            transceiver = state.transceiver
            transceiver._set_mid(state.mid)  # type: ignore[arg-type]  # None before negotiation
            transceiver._set_mline_index(state.mline_index)  # type: ignore[arg-type]
            transceiver._codecs = state.codecs
            transceiver._headerExtensions = state.extensions
            transceiver._offerDirection = state.offer_direction
            setattr(transceiver.receiver, _RECEIVER_TRACK, state.track)
        for transceiver in dropped:
            await transceiver.stop()
        old_dtls: set[RTCDtlsTransport] = self._private[_DTLS_TRANSPORTS]
        for transport in set(getattr(self._pc, _DTLS_TRANSPORTS)) - old_dtls:
            await transport.stop()
            await transport.transport.stop()
        for name, value in self._private.items():
            setattr(self._pc, name, value)


def _copy(value: Any) -> Any:
    """A shallow copy of a container (the descriptions and the state string are replaced, not
    changed, by aiortc: kept as they are)."""
    if isinstance(value, set | dict | list):
        return type(value)(value)
    return value
