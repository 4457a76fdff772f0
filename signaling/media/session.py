"""One participant's peer connection to the server, with the calls the signaling layer makes.

Negotiation follows "perfect negotiation" with the server as the impolite peer (aiortc cannot
roll back): the browser offers what it publishes, the server offers what the participant
subscribes to, and a browser offer that crosses a server offer is ignored (the browser, being
polite, rolls back, answers ours and offers again).

Once connected, RTP is read from the socket the short way (`transport.ReceivePath`).

The browser keeps its own payload types and header extension ids: every description applied
teaches the session's `Numbering`, and our offers are rewritten to it (aiortc would renumber
negotiated media sections from its fixed tables, which browsers refuse).

Subscriptions get their transceivers only when the server creates its offer, so a browser
offer can never claim a transceiver meant for a subscription. A subscription that ends keeps
its transceiver, negotiated to inactive, and a later subscription of the same kind and codec
reuses it, so the SDP does not grow with every change.

A camera the participant offers as simulcast (VP8 only, where keyframes are recognised) is
answered with the same layers (`simulcast`), and our own offers repeat them, or the browser
would fall back to one layer.

The participant's receive estimate is shared among its subscriptions (`sharing`): videos its
link cannot carry are paused, and `on_video_paused` is told. Videos the participant does not
show now are hidden (`hide_video`): not sent, left out of the sharing, and sent again from a
keyframe when shown; neither renegotiates.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.codecs import CODECS, is_rtx
from aiortc.exceptions import InternalError, InvalidAccessError, OperationError
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcconfiguration import RTCBundlePolicy
from aiortc.rtcpeerconnection import find_common_codecs
from aiortc.sdp import SessionDescription, candidate_from_sdp
from aiortc.stats import RTCOutboundRtpStreamStats

from . import internals, negotiation_state
from .numbering import Numbering
from .offer_check import check_offer, parse_description
from .publisher import DEFAULT_MAX_BITRATE, PublishedTrack
from .sender_reports import SenderReports
from .sharing import BandwidthSharing
from .simulcast import REPAIRED_RID_URI, RID_URI, Layers, offered_layers, with_receive_layers
from .subscriber import MAX_LAYER, SilentTrack, Subscription
from .transport import ReceivePath

logger = logging.getLogger(__name__)

OPUS_FEC = {"useinbandfec": 1}
"""What our answers ask of an Opus publisher (RFC 7587): each packet also carries a coarse
copy of the one before, so the audio of a packet lost on a weak uplink is recovered by every
subscriber and the recording alike (browsers send it only when the answer asks for it)."""

internals.negotiate_stream_ids((RID_URI, REPAIRED_RID_URI))

# what aiortc raises for a description it cannot parse or apply
SDP_ERRORS = (
    ValueError,
    AssertionError,
    LookupError,
    InternalError,
    InvalidAccessError,
    OperationError,
)


class MediaSession:
    def __init__(
        self,
        ice_servers: Sequence[RTCIceServer] = (),
        *,
        max_bitrate: int = DEFAULT_MAX_BITRATE,
        on_track: Callable[[PublishedTrack], None] | None = None,
        on_negotiation_needed: Callable[[], None] | None = None,
        on_connection_state: Callable[[str], None] | None = None,
        on_video_paused: Callable[[], None] | None = None,
    ) -> None:
        """`ice_servers` is always used as given: an empty list means host candidates only
        (aiortc would otherwise fall back to a public STUN server).

        `on_track` is called for each track the participant publishes; `on_negotiation_needed`
        when subscriptions changed and `create_offer` should be called (once the current
        negotiation, if any, is over); `on_connection_state` with aiortc's connection state;
        `on_video_paused` when `paused_video` changed.
        """
        self._pc = RTCPeerConnection(
            RTCConfiguration(iceServers=list(ice_servers), bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        self._max_bitrate = max_bitrate
        self._on_track = on_track
        self._on_negotiation_needed = on_negotiation_needed
        self._on_connection_state = on_connection_state
        self._numbering = Numbering()
        self._lock = asyncio.Lock()
        self._negotiation_needed = False
        self._closed = False
        self._offered: SessionDescription | None = None
        """The participant's offer being applied (its tracks are announced while it is)."""
        self._simulcast: Layers = {}
        """The sections the participant sends as simulcast, with their layers."""
        self.published: list[PublishedTrack] = []
        self.subscriptions: list[Subscription] = []
        self.hidden_video: frozenset[PublishedTrack] = frozenset()
        """Videos the participant does not show now: not sent, nor subscribed later."""
        self._small_video: frozenset[PublishedTrack] = frozenset()
        self.sharing = BandwidthSharing(self.subscriptions, on_video_paused)
        self._reports = SenderReports(self.subscriptions)
        self._pc.on("track", self._track_added)
        self._pc.on("connectionstatechange", self._connection_state_changed)

    @property
    def connection_state(self) -> str:
        return self._pc.connectionState

    @property
    def paused_video(self) -> frozenset[PublishedTrack]:
        """The videos not sent to this participant because its connection cannot carry them."""
        return self.sharing.paused_video

    async def accept_offer(self, sdp: str) -> str | None:
        """Apply the participant's offer and return the answer SDP.

        Return None if the offer crossed one of ours (glare): the participant must roll back and
        answer ours instead. Raise ValueError for an offer aiortc cannot parse or apply.
        """
        async with self._lock:
            self._check_open()
            if self._pc.signalingState != "stable":
                return None
            self._offered = check_offer(sdp, negotiation_state.negotiated_sections(self._pc))
            rollback = negotiation_state.OfferRollback(self._pc)
            published = list(self.published)
            simulcast = self._simulcast
            try:
                self._simulcast = _vp8_only(offered_layers(sdp), self._offered)
                await self._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
                _ask_for_opus_fec(self._pc.getTransceivers())
                await self._pc.setLocalDescription(await self._pc.createAnswer())
            except Exception as exc:  # whatever aiortc raises, the offer is refused, not applied
                await rollback.restore()
                for track in self.published[len(published) :]:
                    await track.stop()
                self.published = published
                self._simulcast = simulcast
                reason = str(exc) or type(exc).__name__
                raise ValueError(f"unusable offer: {reason}") from exc
            answer = with_receive_layers(self._pc.localDescription.sdp, self._simulcast)
            self._numbering.learn(sdp)
            self._numbering.learn(answer)
            await self._end_unpublished()
        self._announce_negotiation()
        return answer

    async def create_offer(self) -> str | None:
        """Create the server's offer for the current subscriptions.

        Return None when there is nothing to negotiate or a negotiation is already under way
        (`on_negotiation_needed` fires again once it is over), or when the session was closed
        while this call waited for that negotiation (a participant leaving mid-negotiation).
        """
        self._check_open()
        async with self._lock:
            if self._closed:
                return None
            if not self._negotiation_needed or self._pc.signalingState != "stable":
                return None
            self._negotiation_needed = False
            for subscription in self.subscriptions:
                if subscription.transceiver is None:
                    subscription.bind(self._new_sending_transceiver(subscription.kind))
            negotiated = negotiation_state.negotiated_parameters(self._pc.getTransceivers())
            offer = await self._pc.createOffer()
            negotiation_state.restore_parameters(negotiated)
            sdp = self._numbering.renumber_offer(offer.sdp)
            await self._pc.setLocalDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            return with_receive_layers(self._pc.localDescription.sdp, self._simulcast)

    async def accept_answer(self, sdp: str) -> None:
        """Apply the participant's answer to our last offer."""
        async with self._lock:
            self._check_open()
            if self._pc.signalingState != "have-local-offer":
                raise ValueError("no offer is waiting for an answer")
            parse_description(sdp, "answer")
            try:
                await self._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
            except SDP_ERRORS as exc:
                raise ValueError(f"unusable answer: {exc}") from exc
            self._numbering.learn(sdp)
            await self._end_unpublished()
        self._announce_negotiation()

    async def add_ice_candidate(
        self, candidate: str | None, sdp_mid: str | None = None, sdp_mline_index: int | None = None
    ) -> None:
        """Add a trickled candidate (the browser's `candidate` string); None or "" ends them."""
        async with self._lock:
            self._check_open()
            if not candidate:
                await self._pc.addIceCandidate(None)
                return
            try:
                parsed = candidate_from_sdp(candidate.removeprefix("candidate:"))
            except (AssertionError, ValueError, IndexError) as exc:
                raise ValueError(f"malformed ICE candidate {candidate!r}") from exc
            parsed.sdpMid = sdp_mid
            parsed.sdpMLineIndex = sdp_mline_index
            if sdp_mid is None and sdp_mline_index is None:
                parsed.sdpMLineIndex = 0  # everything is bundled on the first transport
            await self._pc.addIceCandidate(parsed)

    def subscribe(self, track: PublishedTrack) -> Subscription:
        """Forward `track` to this participant (media flows after the next negotiation)."""
        self._check_open()
        for subscription in self.subscriptions:
            if subscription.publisher is track:
                return subscription
        parked = next(
            (s for s in self.subscriptions if self._is_parked(s) and s.can_carry(track)), None
        )
        if parked is not None:
            parked.resume(track)
            assert parked.transceiver is not None
            parked.transceiver.direction = "sendonly"
            subscription = parked
        else:
            subscription = Subscription(
                track,
                retransmissions=self.sharing.retransmissions,
                on_estimate=self.sharing.estimates.report,
            )
            self.subscriptions.append(subscription)
        if track in self.hidden_video:
            subscription.hide()
        subscription.max_layer = 0 if track in self._small_video else MAX_LAYER
        self._mark_negotiation_needed()
        return subscription

    @property
    def small_video(self) -> frozenset[PublishedTrack]:
        """Videos the participant shows as thumbnails: sent at their lowest layer."""
        return self._small_video

    @small_video.setter
    def small_video(self, tracks: frozenset[PublishedTrack]) -> None:
        self._small_video = tracks
        for subscription in self.subscriptions:
            subscription.max_layer = 0 if subscription.publisher in tracks else MAX_LAYER

    async def hide_video(self, tracks: frozenset[PublishedTrack]) -> None:
        """Send none of the video `tracks` (the participant does not show them now) and all the
        others again; a later subscription to one of `tracks` starts hidden."""
        self.hidden_video = tracks
        for subscription in self.subscriptions:
            if subscription.kind != "video" or subscription.publisher is None:
                continue
            if subscription.publisher in tracks:
                subscription.hide()
            else:
                await subscription.show()

    def unsubscribe(self, track: PublishedTrack) -> None:
        """Stop forwarding `track` to this participant at once."""
        for subscription in list(self.subscriptions):
            if subscription.publisher is not track:
                continue
            subscription.stop()
            if subscription.transceiver is None:
                self.subscriptions.remove(subscription)
            else:
                subscription.transceiver.direction = "inactive"
                self._mark_negotiation_needed()

    async def sent_bytes(self) -> int:
        """Bytes of media sent to this participant so far, from aiortc's sender statistics
        (brought up to date first: the forwarder writes them at each sender report)."""
        for subscription in self.subscriptions:
            subscription.flush_counters()
        total = 0
        for sender in self._pc.getSenders():
            for stats in (await sender.getStats()).values():
                if isinstance(stats, RTCOutboundRtpStreamStats):
                    total += stats.bytesSent
        return total

    def received_datagrams(self) -> int:
        """Datagrams (RTP, RTCP, DTLS) received from the participant so far: while the count
        grows, their end is alive, muted or not (RTCP reports keep coming)."""
        transports = {t.receiver.transport for t in self._pc.getTransceivers()}
        return sum(internals.received_datagrams(transport) for transport in transports)

    async def close(self) -> None:
        """End every publication and subscription and close the peer connection."""
        if self._closed:
            return
        self._closed = True
        await self.sharing.stop()
        await self._reports.stop()
        for subscription in self.subscriptions:
            subscription.stop()
        for track in self.published:
            await track.stop()
        await self._pc.close()

    def _new_sending_transceiver(self, kind: str) -> RTCRtpTransceiver:
        return self._pc.addTransceiver(SilentTrack(kind), direction="sendonly")

    @staticmethod
    def _is_parked(subscription: Subscription) -> bool:
        transceiver = subscription.transceiver
        return (
            subscription.publisher is None
            and transceiver is not None
            and transceiver.direction == "inactive"
        )

    def _track_added(self, track: MediaStreamTrack) -> None:
        transceiver = next(t for t in self._pc.getTransceivers() if t.receiver.track is track)
        track_id = _declared_track_id(self._offered, transceiver.mid) or track.id
        published = PublishedTrack(
            transceiver,
            track_id,
            max_bitrate=self._max_bitrate,
            rids=self._simulcast.get(transceiver.mid or "", ()),
        )
        published.start()
        self.published.append(published)
        if self._on_track is not None:
            self._on_track(published)

    async def _end_unpublished(self) -> None:
        """End published tracks whose transceiver the participant no longer sends on."""
        for track in list(self.published):
            if track.transceiver.currentDirection not in (None, "recvonly", "sendrecv"):
                self.published.remove(track)
                await track.stop()

    def _mark_negotiation_needed(self) -> None:
        self._negotiation_needed = True
        self._announce_negotiation()

    def _announce_negotiation(self) -> None:
        if (
            self._negotiation_needed
            and not self._closed
            and self._pc.signalingState == "stable"
            and self._on_negotiation_needed is not None
        ):
            self._on_negotiation_needed()

    def _connection_state_changed(self) -> None:
        if self._pc.connectionState == "connected":
            for transport in {t.receiver.transport for t in self._pc.getTransceivers()}:
                ReceivePath.install(transport)
            if not self._closed:
                self.sharing.start()
                self._reports.start()
        if self._on_connection_state is not None:
            self._on_connection_state(self._pc.connectionState)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("media session is closed")


def _declared_track_id(offer: SessionDescription | None, mid: str | None) -> str | None:
    """The track id the participant's offer gives the section ``mid`` (``a=msid:<stream>
    <track>``). aiortc takes it only when the stream is listed in ``a=msid-semantic``, which
    Chromium does for the camera's stream but not for a second one (a shared screen)."""
    if offer is None:
        return None
    for media in offer.media:
        if media.rtp.muxId == mid and media.msid is not None:
            parts = media.msid.split()
            return parts[1] if len(parts) == 2 else None
    return None


def _vp8_only(layers: Layers, offer: SessionDescription) -> Layers:
    """The simulcast sections of `offer` whose preferred codec we take is VP8."""
    kept: Layers = {}
    for media in offer.media:
        mid = media.rtp.muxId
        if mid not in layers:
            continue
        common = find_common_codecs(CODECS["video"], media.rtp.codecs)
        first = next((codec for codec in common if not is_rtx(codec)), None)
        if first is not None and first.mimeType.lower() == "video/vp8":
            kept[mid] = layers[mid]
    return kept


def _ask_for_opus_fec(transceivers: Sequence[RTCRtpTransceiver]) -> None:
    """Add OPUS_FEC to the Opus format of the answer about to be made (aiortc answers with its
    own table's parameters, which have none)."""
    for transceiver in transceivers:
        for codec in internals.transceiver_codecs(transceiver):
            if codec.mimeType.lower() == "audio/opus":
                codec.parameters = {**codec.parameters, **OPUS_FEC}
