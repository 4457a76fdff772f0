"""The `/hearing` socket.io namespace: connection → identity → live hearing, one handler per event.

Every event's payload is validated against its model before a handler sees it, and every
handler answers through the acknowledgement: ``{"ok": true, ...}`` or ``{"error": {...}}``.
A refused or malformed event never disconnects anyone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

import socketio
from pydantic import ValidationError

from court.permissions import Action
from court.protocol import (
    BenchChatIn,
    ByeOut,
    CandidateIn,
    ConnectAuth,
    Empty,
    FloorIn,
    HandIn,
    HiddenVideosIn,
    IdentityCheckIn,
    ListenIn,
    MediaStateIn,
    MessageIn,
    MuteIn,
    Payload,
    PhaseIn,
    PresentIn,
    PresentViewIn,
    SdpIn,
    SelfTestIn,
    ShareIn,
    TargetIn,
    error,
)
from court.states import HearingState
from court.vote_protocol import BallotIn, MotionIn
from signaling.cluster.live_hearings import LiveHearings, Moved
from signaling.live import ActionError, LiveHearing
from signaling.log_context import bind
from signaling.store import AuthenticationError, Identity

log = logging.getLogger(__name__)

NAMESPACE = "/hearing"
INVITATION_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
"""The characters of an invitation token (URL-safe base64)."""


def hearing_room(hearing_id: int) -> str:
    """The socket.io room of everyone connected to a hearing, on whichever process."""
    return f"hearing:{hearing_id}"


Reply = dict[str, Any]
Handler = Callable[[LiveHearing, Identity, Any], Awaitable[Reply | None]]


@dataclass
class Connection:
    live: LiveHearing
    identity: Identity
    link: SocketLink


class SocketLink:
    """A member's socket.io connection as the live hearing sees it."""

    def __init__(self, server: socketio.AsyncServer, sid: str) -> None:
        self.server = server
        self.sid = sid

    async def emit(self, event: str, data: Any) -> None:
        await self.server.emit(event, data, to=self.sid, namespace=NAMESPACE)

    async def close(self, reason: str) -> None:
        bye = ByeOut(reason=reason).model_dump(mode="json")
        await self.server.emit("bye", bye, to=self.sid, namespace=NAMESPACE)
        await self.server.disconnect(self.sid, namespace=NAMESPACE)


def _state(target: HearingState, action: Action) -> Handler:
    async def change(live: LiveHearing, who: Identity, _: Empty) -> None:
        await live.change_state(who, action, target)

    return change


async def _offer(live: LiveHearing, who: Identity, p: SdpIn) -> Reply:
    answer = await live.offer(who.participant_id, p.sdp)
    return {"ok": True, "glare": True} if answer is None else {"ok": True, "sdp": answer}


async def _answer(live: LiveHearing, who: Identity, p: SdpIn) -> None:
    await live.answer(who.participant_id, p.sdp)


async def _candidate(live: LiveHearing, who: Identity, p: CandidateIn) -> None:
    await live.candidate(who.participant_id, p.candidate, p.sdpMid, p.sdpMLineIndex)


async def _admit_all(live: LiveHearing, who: Identity, _: Empty) -> Reply:
    return {"ok": True, "admitted": await live.admit_all(who)}


async def _leave(live: LiveHearing, who: Identity, _: Empty) -> None:
    await live.leave(who.participant_id)


EVENTS: dict[str, tuple[type[Payload], Handler]] = {
    "offer": (SdpIn, _offer),
    "answer": (SdpIn, _answer),
    "candidate": (CandidateIn, _candidate),
    "open": (Empty, _state(HearingState.OPEN, Action.OPEN)),
    "start_session": (Empty, _state(HearingState.IN_SESSION, Action.START_SESSION)),
    "recess": (Empty, _state(HearingState.RECESS, Action.RECESS)),
    "resume": (Empty, _state(HearingState.IN_SESSION, Action.RESUME)),
    "close": (Empty, _state(HearingState.CLOSED, Action.CLOSE)),
    "set_phase": (PhaseIn, lambda live, who, p: live.set_phase(who, p.phase)),
    "admit": (TargetIn, lambda live, who, p: live.admit(who, p.participant_id)),
    "admit_all": (Empty, _admit_all),
    "send_back": (TargetIn, lambda live, who, p: live.send_back(who, p.participant_id)),
    "mute": (MuteIn, lambda live, who, p: live.mute(who, p.participant_id, p.muted)),
    "mute_all": (Empty, lambda live, who, _: live.mute_all(who)),
    "remove": (TargetIn, lambda live, who, p: live.remove(who, p.participant_id)),
    "verify_identity": (
        IdentityCheckIn,
        lambda live, who, p: live.verify_identity(who, p.participant_id, p.document_type, p.digits),
    ),
    "raise_hand": (HandIn, lambda live, who, p: live.raise_hand(who, p.raised)),
    "listen": (ListenIn, lambda live, who, p: live.listen(who, p.interpreter_id)),
    "set_media": (MediaStateIn, lambda live, who, p: live.set_media(who, p.audio, p.video)),
    "hidden_videos": (
        HiddenVideosIn,
        lambda live, who, p: live.hide_videos(
            who, frozenset(p.participant_ids), frozenset(p.shown_small)
        ),
    ),
    "message": (MessageIn, lambda live, who, p: live.message(who, p.to, p.text)),
    "consult": (TargetIn, lambda live, who, p: live.consult(who, p.participant_id)),
    "end_consultation": (Empty, lambda live, who, _: live.end_consultation(who)),
    "self_test": (
        SelfTestIn,
        lambda live, who, p: live.self_test(who, p.camera, p.microphone, p.network),
    ),
    "share": (ShareIn, lambda live, who, p: live.share(who, p.on, p.track_id)),
    "stop_share": (TargetIn, lambda live, who, p: live.stop_share(who, p.participant_id)),
    "give_floor": (FloorIn, lambda live, who, p: live.give_floor(who, p.participant_id, p.allowed)),
    "present": (PresentIn, lambda live, who, p: live.present(who, p.exhibit_id, p.file_id, p.page)),
    "present_view": (PresentViewIn, lambda live, who, p: live.present_view(who, p.shown())),
    "stop_presenting": (Empty, lambda live, who, _: live.stop_presenting(who)),
    "hand_over": (TargetIn, lambda live, who, p: live.hand_over(who, p.participant_id)),
    "bench_chat": (BenchChatIn, lambda live, who, p: live.bench_chat(who, p.text)),
    "open_vote": (MotionIn, lambda live, who, p: live.open_vote(who, p.motion_id)),
    "cast_ballot": (
        BallotIn,
        lambda live, who, p: live.cast_ballot(who, p.motion_id, p.choice, p.creditor_id, p.opinion),
    ),
    "close_vote": (MotionIn, lambda live, who, p: live.close_vote(who, p.motion_id)),
    "leave": (Empty, _leave),
}


class HearingNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, hearings: LiveHearings) -> None:
        super().__init__(NAMESPACE)
        self.hearings = hearings
        self.connections: dict[str, Connection] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any) -> None:
        """Authenticate and place the member; a refusal reaches the client as a connect error."""
        try:
            given = ConnectAuth.model_validate(auth)
        except ValidationError:
            raise _refused(
                "bad_auth",
                "connect with auth {hearing_id: a positive integer, invitation?: a string,"
                " offers_first?: true or false}",
            ) from None
        if given.invitation is not None and not INVITATION_TOKEN.fullmatch(given.invitation):
            # a mangled link, or characters no token has (a lone surrogate cannot even be hashed)
            raise _refused("invitation_invalid", "this invitation link is not valid")
        try:
            identity = await self.hearings.store.identify(
                given.hearing_id, given.invitation, _cookies(environ)
            )
            bind(hearing_id=identity.hearing_id, participant_id=identity.participant_id)
            live = await self.hearings.get(identity.hearing_id)
            link = SocketLink(self.server, sid)
            self.connections[sid] = Connection(live, identity, link)
            await live.connect(identity, link, offers_first=given.offers_first)
            await self.enter_room(sid, hearing_room(identity.hearing_id))
        except (AuthenticationError, ActionError) as exc:
            self.connections.pop(sid, None)
            extra = {"node_url": exc.node.url} if isinstance(exc, Moved) else {}
            raise _refused(exc.code, str(exc), **extra) from exc

    async def on_disconnect(self, sid: str, reason: str | None = None) -> None:
        connection = self.connections.pop(sid, None)
        if connection is not None:
            bind(
                hearing_id=connection.identity.hearing_id,
                participant_id=connection.identity.participant_id,
            )
            await connection.live.disconnect(connection.identity.participant_id, connection.link)
            await self.hearings.left(connection.identity.hearing_id)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event in ("connect", "disconnect"):
            return await super().trigger_event(event, *args)
        sid = args[0]
        connection = self.connections.get(sid)
        if connection is None:
            return error("not_connected", "connect to a hearing first")
        bind(
            hearing_id=connection.identity.hearing_id,
            participant_id=connection.identity.participant_id,
        )
        spec = EVENTS.get(event)
        if spec is None:
            return error("unknown_event", f"there is no event {event!r}")
        model, handler = spec
        raw = args[1] if len(args) > 1 else {}
        try:
            payload = model.model_validate(raw if raw is not None else {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'payload'}: {e['msg']}" for e in exc.errors()
            )
            return error("invalid_payload", problems)
        named = payload.named_participant()
        if named is not None and named not in connection.live.room.members:
            return error("not_found", f"participant {named} is not in this hearing")
        try:
            reply = await handler(connection.live, connection.identity, payload)
        except ActionError as exc:
            return error(exc.code, exc.message)
        except Exception:
            log.exception(
                "event %s from participant %s failed", event, connection.identity.participant_id
            )
            return error("internal_error", "the server could not do this; it was logged")
        return reply if reply is not None else {"ok": True}


def _cookies(environ: dict[str, Any]) -> dict[str, str]:
    header = environ.get("HTTP_COOKIE", "")
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _refused(code: str, message: str, **more: str) -> socketio.exceptions.ConnectionRefusedError:
    """A connect refusal; clients get ``{"message": message, "data": {"code", "message", ...}}``
    (``moved`` adds ``node_url``: where to connect instead)."""
    return socketio.exceptions.ConnectionRefusedError(
        message, {"code": code, "message": message, **more}
    )
