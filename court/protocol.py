"""Typed payloads of the `/hearing` socket.io namespace, validated before anything acts on them.

Client → server events carry one of the ``*In`` models and are answered through the
socket.io acknowledgement with ``{"ok": true, ...}`` or ``{"error": {"code", "message"}}``.
Server → client events: ``welcome`` (first, with the ICE servers to use), ``room`` (a
:class:`RoomView` after every change, with the exhibit on screen), ``present_view`` (the
presenter moved: page, scroll, zoom, pointer, playback), ``speaker`` (the active speaker
changed), ``offer`` (the
server renegotiates what the client receives: ``{"sdp", "tracks": {mid: {"participant_id",
"kind", "source"}}}``, the source a camera or a shared screen), ``message``, ``alert`` (to the
bench), ``removed``, ``closed`` (``{"hearing_id", "verification_code"}``, the code of the sealed
record when there is one) and ``bye`` (just before the server ends the connection, with the
reason).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from court.consent import ConsentAnswer
from court.identity import DocumentType
from court.presence import Presence
from court.roles import Role
from court.states import HearingState
from court.vote_views import VoteView

MAX_SDP = 64 * 1024
MAX_TEXT = 2000
MAX_ID = 2**31 - 1

RecordId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
"""A hearing or participant id: a positive integer the database can hold (never a bool)."""


def error(code: str, message: str) -> dict[str, Any]:
    """The acknowledgement of a refused event."""
    return {"error": {"code": code, "message": message}}


class Model(BaseModel):
    """A protocol model: the docstring under a field describes it in the JSON Schema (and so in
    the browser's generated types)."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class ConnectAuth(Model):
    """The ``auth`` of a connection to the `/hearing` namespace."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    hearing_id: RecordId
    invitation: str | None = Field(default=None, min_length=1, max_length=256)
    offers_first: StrictBool = False


class Payload(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    def named_participant(self) -> int | None:
        """The participant the event acts on or writes to, if it names one."""
        return None


class Empty(Payload):
    pass


class SdpIn(Payload):
    sdp: str = Field(min_length=1, max_length=MAX_SDP)


class CandidateIn(Payload):
    candidate: str | None = Field(default=None, max_length=1024)
    sdpMid: str | None = Field(default=None, max_length=64)
    sdpMLineIndex: StrictInt | None = Field(default=None, ge=0, le=64)


class TargetIn(Payload):
    participant_id: RecordId

    def named_participant(self) -> int | None:
        return self.participant_id


class MuteIn(TargetIn):
    muted: bool = True


class IdentityCheckIn(TargetIn):
    """The bench checked a person's identity: the document the clerk read and the last 4 to 6
    digits of its number (the server takes a still of the person's camera itself)."""

    document_type: DocumentType
    digits: str = Field(min_length=1, max_length=16)


class PhaseIn(Payload):
    phase: str = Field(min_length=1, max_length=64)


class HandIn(Payload):
    raised: bool


class ListenIn(Payload):
    """Whom the person listens to: an interpreter's channel (a spoken interpreter in the room),
    or the floor (null)."""

    interpreter_id: RecordId | None = None

    def named_participant(self) -> int | None:
        return self.interpreter_id


class MediaStateIn(Payload):
    """The person's own microphone and camera switches."""

    audio: bool
    video: bool


MAX_HIDDEN_VIDEOS = 500
"""More people than any hearing's screen shows (a creditors' meeting's tiles included)."""


class HiddenVideosIn(Payload):
    """The people whose camera this screen does not show now (their tile scrolled out of view
    or not displayed, or the whole page in the background): the server sends none of their
    video to this person until a later list leaves them out. Audio always goes on.

    `shown_small`: those whose tile is small (a thumbnail): sent their camera's lowest layer
    only, when they send several."""

    participant_ids: list[RecordId] = Field(max_length=MAX_HIDDEN_VIDEOS)
    shown_small: list[RecordId] = Field(default_factory=list, max_length=MAX_HIDDEN_VIDEOS)


class SelfTestIn(Payload):
    """The result of the person's own self-test before joining (camera, microphone, network)."""

    camera: bool
    microphone: bool
    network: Literal["good", "poor", "failed"]


TrackId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
"""A track's id as the client's SDP names it (``a=msid:<stream> <track>``): printable ASCII."""


class ShareIn(Payload):
    """Start or stop sharing one's screen. To start, the client names the track it is about to
    add (its own, as its next offer's ``a=msid`` names it); the server takes that track of this
    participant for the screen and no other."""

    on: StrictBool
    track_id: TrackId | None = None

    @model_validator(mode="after")
    def _track_to_start(self) -> ShareIn:
        if self.on and self.track_id is None:
            raise ValueError("name the screen's track_id to start sharing")
        if not self.on and self.track_id is not None:
            raise ValueError("track_id is only for starting a share")
        return self


class FloorIn(TargetIn):
    """The judge lets a participant present exhibits (``allowed``) or takes that back."""

    allowed: StrictBool = True


MAX_PAGE = 100_000
MAX_POSITION = 24 * 3600
"""Seconds: no clip the court takes is longer."""
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
"""A place across or down a page: 0 its left or top edge, 1 its right or bottom edge."""


class PresentIn(Payload):
    """Put one file of an exhibit on everyone's screen (what was shown before gives way)."""

    exhibit_id: RecordId
    file_id: RecordId
    page: StrictInt = Field(default=1, ge=1, le=MAX_PAGE)


class Pointer(Model):
    """Where the presenter points, on the page."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    x: Fraction
    y: Fraction


class PresentedView(Model):
    """How the presented file is shown: every screen shows the same page around the same point
    at the same zoom, whatever its size (a phone's pinch-zoom stays its own)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    page: StrictInt = Field(default=1, ge=1, le=MAX_PAGE)
    zoom: float = Field(default=1.0, ge=1.0, le=8.0, allow_inf_nan=False)
    """1: the page's width fills the view's width; 2: half of it does."""
    x: Fraction = 0.5
    """The point of the page at the centre of the view, across (0.5 at zoom 1)."""
    y: Fraction = 0.0
    """The point of the page at the top of the view, down (0 at the start of the page)."""
    pointer: Pointer | None = None
    playing: StrictBool = False
    """An audio or video exhibit is playing (from ``position`` at the moment it was sent)."""
    position: float = Field(default=0.0, ge=0, le=MAX_POSITION, allow_inf_nan=False)
    """Seconds into an audio or video exhibit."""


class PresentViewIn(PresentedView, Payload):
    """The presenter moved: another page, scroll, zoom, pointer, play or pause."""

    def shown(self) -> PresentedView:
        return PresentedView.model_validate(self.model_dump())


class MessageIn(Payload):
    to: RecordId | Literal["bench"] = Field(
        description="A participant id (from the bench) or 'bench'."
    )
    text: str = Field(min_length=1, max_length=MAX_TEXT)

    def named_participant(self) -> int | None:
        return self.to if isinstance(self.to, int) else None


class BenchChatIn(Payload):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class BenchMessageOut(Model):
    """A message of the bench's private channel (docs/architecture.md#bench): sent to the
    judges, assessors and clerk connected, nobody else; kept nowhere."""

    from_id: int
    from_name: str
    text: str
    at: datetime


class ConsentView(Model):
    """Whether a party or lawyer agreed to take part online (their latest answer counts)."""

    answer: ConsentAnswer
    at: datetime | None = None
    """When they answered (none while pending)."""


class MemberView(Model):
    id: int
    role: Role
    name: str
    side: str | None
    presence: Presence
    audio_muted: bool
    bench_muted: bool
    camera_off: bool
    hand_raised: bool
    identity_verified: bool
    in_consultation: bool
    represents_id: int | None = None
    """The client this lawyer (agent or counsel) represents: whom they may consult with."""
    no_camera: bool = False
    """Their self-test found no usable camera: they take part without being seen."""
    no_microphone: bool = False
    """Their self-test found no usable microphone: they cannot be heard (they may write)."""
    paused_video: list[int] = []
    """Whose video is paused for them because their connection cannot carry it (weak
    connection: they still hear everyone, and get the video back when their link recovers)."""
    sharing_screen: bool = False
    """They share their screen now (one person at a time)."""
    media_stalled: bool = False
    """Nothing at all (no media, no RTCP) arrives from their device although they were sending
    and are still connected: their picture is frozen (the bench was alerted)."""
    may_present: bool = False
    """The judge gave them the floor to present exhibits (the bench may always)."""
    consent: ConsentView | None = None
    """To the bench (and to the person themself): their answer on taking part online; none
    for roles not asked (court/consent.py) and in others' views."""
    presiding: bool = False
    """The judge who conducts the hearing (审判长) now."""
    interprets: str | None = None
    """An interpreter's language pair, e.g. ``zh-en`` (court/interpretation.py)."""
    listening: int | None = None
    """The interpreter whose channel they listen to; none: the floor."""


class PresentationView(Model):
    """The exhibit on everyone's screen, as one member is sent it: the links to its pictures
    and its file work for that member alone (an ``<img>`` or ``<video>`` cannot send their
    invitation), each use audited under their name."""

    exhibit_id: int
    label: str
    """The exhibit's place in its side's list, e.g. 原告证据1."""
    label_en: str
    """The same in English ("Plaintiff's exhibit 1")."""
    title: str
    file_id: int
    media_type: str
    name: str
    """The file's name as it was given."""
    pages: int | None
    """A PDF's pages, 1 for a picture, None for audio and video."""
    presenter_id: int
    presenter_name: str
    since: datetime
    seq: int
    """Counts the presenter's moves; a client ignores a view older than the one it shows."""
    view: PresentedView
    file_url: str
    """The file itself (audio and video play from it)."""
    page_url: str
    """A page's picture: replace ``{page}`` (from 1) and ``{width}`` (480, 960 or 1600)."""


class PresentViewOut(Model):
    """The presenter moved (sent to those in the hearing proper, the presenter too)."""

    exhibit_id: int
    file_id: int
    seq: int
    view: PresentedView


RecordingState = Literal["off", "recording", "paused", "failed"]
"""Of the hearing's record: "failed" once recording failed (until close: what was recorded
before is sealed then)."""


class RoomView(Model):
    """The room as one member may see it."""

    hearing_id: int
    state: HearingState
    phase: str | None
    phases: list[str]
    recording: bool
    """Media is being recorded right now."""
    recording_state: RecordingState
    you: MemberView
    members: list[MemberView]
    presentation: PresentationView | None = None
    """The exhibit on screen, for those in the hearing proper (the waiting room and a
    consultation see nothing of it)."""
    vote: VoteView | None = None
    """A creditors' meeting: the motion being voted on, or the last one, for those in the
    hearing proper (court/vote_views.py)."""


class MessageOut(Model):
    from_id: int
    from_name: str
    to: int | Literal["bench"]
    text: str
    at: datetime


class AlertOut(Model):
    kind: Literal[
        "dropped",
        "reconnected",
        "connection_failed",
        "poor_connection",
        "recording_failed",
        "self_test_failed",
        "media_stopped",
        "media_resumed",
        "consent_refused",
        "left_without_leave",
    ]
    participant_id: int | None
    message: str
    at: datetime
    failed: list[Literal["camera", "microphone", "network"]] = []
    """With ``self_test_failed``: what did not work."""


class IceServer(Model):
    """One entry of RTCConfiguration's ``iceServers``."""

    urls: str | list[str]
    username: str | None = None
    credential: str | None = None


class WelcomeOut(Model):
    """The first event of a connection: what the client needs to build its peer connection."""

    hearing_id: int
    participant_id: int
    ice_servers: list[IceServer]


TrackSource = Literal["camera", "screen"]


class TrackOut(Model):
    participant_id: int
    kind: str
    source: TrackSource = "camera"
    """A participant's camera and microphone, or the screen they share (shown large)."""


class OfferOut(Model):
    """The server renegotiates what the client receives; ``tracks`` says whom each mid carries."""

    sdp: str
    tracks: dict[str, TrackOut]


class SpeakerOut(Model):
    participant_id: int


class NoticeOut(Model):
    """A court notice to everyone connected to a hearing, the waiting room too."""

    hearing_id: int
    text: str
    by: str
    at: datetime


class RemovedOut(Model):
    """``code``: "removed" by the bench, or why the invitation stopped working (invitation_*)."""

    reason: str
    code: str | None = None


class ClosedOut(Model):
    """The hearing closed; ``verification_code`` is its sealed record's, when there is one."""

    hearing_id: int
    verification_code: str | None = None


class ByeOut(Model):
    """Sent just before the server ends the connection."""

    reason: str


SERVER_EVENTS: dict[str, type[BaseModel]] = {
    "welcome": WelcomeOut,
    "room": RoomView,
    "speaker": SpeakerOut,
    "present_view": PresentViewOut,
    "offer": OfferOut,
    "message": MessageOut,
    "bench_message": BenchMessageOut,
    "alert": AlertOut,
    "notice": NoticeOut,
    "removed": RemovedOut,
    "closed": ClosedOut,
    "bye": ByeOut,
}
"""Every server → client event of the `/hearing` namespace and the payload it carries."""
