"""One hearing while people are connected: the room, its media, its timeline.

Every action arrives here already parsed; it is checked against the permission table
and the room, applied, written to the timeline, and the room's new state is sent to
every connected member (each sees what their place allows). :class:`LiveHearing` puts the
parts together and is what the namespace and the registry call: members coming and going
(``members.py``), the bench's conduct (``conduct.py``), what participants do themselves
(``participation.py``), screen sharing (``sharing.py``), exhibits on screen
(``presenting.py``), a creditors' meeting's votes (``votes.py``), the media (``media.py``), the timeline
(``timeline.py``) and what each connected member is sent (``audience.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from court.permissions import Action
from court.protocol import ClosedOut, ConsentView, PresentedView
from court.states import HearingState
from court.votes import Choice
from signaling.background import BackgroundTasks
from signaling.ice import IceConfig
from signaling.live.audience import Audience, Link
from signaling.live.bench import Bench
from signaling.live.conduct import Conduct
from signaling.live.identity_check import IdentityChecks
from signaling.live.media import HearingMedia
from signaling.live.members import Members, newer_consent
from signaling.live.participation import Participation
from signaling.live.presenting import Presenting
from signaling.live.sharing import ScreenSharing
from signaling.live.timeline import Timeline
from signaling.live.votes import Votes
from signaling.liveness import DEFAULT_STALL_SECONDS
from signaling.observer import MediaObserver
from signaling.room import Room
from signaling.router import MediaRouter
from signaling.store import HearingRecord, HearingStore, Identity, ParticipantRecord

log = logging.getLogger(__name__)

CLOSE_LINGER_SECONDS = 2.0


class LiveHearing:
    def __init__(
        self,
        record: HearingRecord,
        store: HearingStore,
        ice: IceConfig | None = None,
        grace_seconds: float = 60.0,
        observer: MediaObserver | None = None,
        stall_seconds: float = DEFAULT_STALL_SECONDS,
    ) -> None:
        self.room = Room(
            hearing_id=record.id,
            kind=record.kind,
            public=record.public,
            state=record.state,
            phase=record.phase,
        )
        self.observer = observer
        self.tasks = BackgroundTasks(log, f"hearing {record.id} task")
        self.timeline = Timeline(self.room, store)
        self.router = MediaRouter(self.room)
        self.audience = Audience(self.room, self.router, store)
        self.sharing = ScreenSharing(
            self.room,
            self.timeline,
            self.audience,
            self.router,
            self.tasks,
            label=lambda member_id: self.members.label(member_id),
        )
        self.presenting = Presenting(self.room, store, self.timeline, self.audience, self.tasks)
        self.media = HearingMedia(
            self.room,
            self.router,
            self.audience,
            self.tasks,
            ice or IceConfig(),
            observer,
            stall_seconds,
            on_track_ended=self.sharing.track_ended,
        )
        self.members = Members(
            self.room, self.timeline, self.audience, self.media, self.tasks, grace_seconds
        )
        self.votes = Votes(self.room, store, self.timeline, self.audience, record.vote)
        self.audience.vote_view = self.votes.view
        self.conduct = Conduct(
            self.room,
            store,
            self.timeline,
            self.audience,
            self.router,
            self.members,
            close=self._close_all,
            closing=self.votes.close_with_hearing,
        )
        self.identity = IdentityChecks(self.room, store, self.timeline, self.audience, self.router)
        self.participation = Participation(self.room, self.timeline, self.audience, self.router)
        self.bench = Bench(self.room, store, self.timeline, self.audience)
        for participant in record.participants:
            self.members.add(participant)
        self.room.settle_presiding()

    def add_participant(self, p: ParticipantRecord) -> None:
        """Make a participant known (also one added to the hearing while it runs).

        ``admitted``/``removed``/``bench_muted`` come from the timeline when a hearing is loaded
        again (after a restart, or on another process): an admitted person rejoins without
        waiting again, and whom the bench muted stays muted.
        """
        self.members.add(p)
        if self.room.presiding_id is None:  # the first judge of a hearing that had none
            self.room.settle_presiding()

    @property
    def connected(self) -> int:
        return len(self.audience.links)

    @property
    def busy(self) -> bool:
        """Someone is connected (people who dropped may come back, but elsewhere if need be)."""
        return bool(self.audience.links)

    # Connections (members.py).

    async def connect(self, identity: Identity, link: Link, offers_first: bool = False) -> None:
        """A member's connection arrived; place them by role and admission.

        ``offers_first``: the client will offer what it publishes before anything else, and
        the server holds back its own offers until then. Clients that cannot roll back a
        crossed offer (aiortc) avoid glare this way; browsers roll back and need not.
        """
        await self.members.connect(identity, link, offers_first)

    async def disconnect(self, member_id: int, link: Link) -> None:
        await self.members.disconnect(member_id, link)

    async def end_invitation(self, member_id: int, code: str) -> None:
        await self.members.end_invitation(member_id, code)

    async def leave(self, member_id: int) -> None:
        await self.members.leave(member_id)

    async def consent_answered(self, member_id: int, consent: ConsentView) -> None:
        """A participant answered whether they agree to take part online (the answer is on the
        record already): the bench sees it at once, and is alerted to a refusal."""
        member = self.room.members.get(member_id)
        if member is None or not newer_consent(consent, member.consent):
            return
        member.consent = consent
        if consent.answer == "refused":
            message = f"{member.name} does not agree to take part online"
            await self.audience.alert("consent_refused", member_id, message)
        await self.audience.broadcast()

    # WebRTC negotiation (media.py).

    async def offer(self, member_id: int, sdp: str) -> str | None:
        return await self.media.offer(member_id, sdp)

    async def answer(self, member_id: int, sdp: str) -> None:
        await self.media.answer(member_id, sdp)

    async def candidate(
        self, member_id: int, candidate: str | None, mid: str | None, index: int | None
    ) -> None:
        await self.media.candidate(member_id, candidate, mid, index)

    # Conducting the hearing (conduct.py).

    async def change_state(self, actor: Identity, action: Action, target: HearingState) -> None:
        await self.conduct.change_state(actor, action, target)

    async def set_phase(self, actor: Identity, phase: str) -> None:
        await self.conduct.set_phase(actor, phase)

    async def admit(self, actor: Identity, member_id: int) -> None:
        await self.conduct.admit(actor, member_id)

    async def admit_all(self, actor: Identity) -> list[int]:
        return await self.conduct.admit_all(actor)

    async def send_back(self, actor: Identity, member_id: int) -> None:
        await self.conduct.send_back(actor, member_id)

    async def mute(self, actor: Identity, member_id: int, muted: bool) -> None:
        await self.conduct.mute(actor, member_id, muted)

    async def mute_all(self, actor: Identity) -> None:
        await self.conduct.mute_all(actor)

    async def remove(self, actor: Identity, member_id: int) -> None:
        await self.conduct.remove(actor, member_id)

    # The bench among itself (bench.py).

    async def hand_over(self, actor: Identity, member_id: int) -> None:
        await self.bench.hand_over(actor, member_id)

    async def bench_chat(self, actor: Identity, text: str) -> None:
        await self.bench.chat(actor, text)

    # The identity check (identity_check.py).

    async def verify_identity(
        self, actor: Identity, member_id: int, document_type: str, digits: str
    ) -> dict[str, object]:
        """The acknowledgement says whether the server got a still, or why not."""
        check_id, check = await self.identity.check(actor, member_id, document_type, digits)
        return {
            "ok": True,
            "check_id": check_id,
            "still": check.still is not None,
            "no_still": check.no_still,
        }

    # What participants do themselves (participation.py).

    async def raise_hand(self, actor: Identity, raised: bool) -> None:
        await self.participation.raise_hand(actor, raised)

    async def listen(self, actor: Identity, interpreter_id: int | None) -> None:
        await self.participation.listen(actor, interpreter_id)

    async def set_media(self, actor: Identity, audio: bool, video: bool) -> None:
        await self.participation.set_media(actor, audio, video)

    async def hide_videos(
        self, actor: Identity, participant_ids: frozenset[int], small: frozenset[int] = frozenset()
    ) -> None:
        """The person's screen does not show these people's video now, and shows `small`
        ones as thumbnails (media.py)."""
        await self.media.hide_videos(actor.participant_id, participant_ids, small)

    async def consult(self, actor: Identity, other_id: int) -> None:
        await self.participation.consult(actor, other_id)

    async def end_consultation(self, actor: Identity) -> None:
        await self.participation.end_consultation(actor)

    async def self_test(
        self, actor: Identity, camera: bool, microphone: bool, network: str
    ) -> None:
        await self.participation.self_test(actor, camera, microphone, network)

    async def message(self, actor: Identity, to: int | str, text: str) -> None:
        await self.participation.message(actor, to, text)

    # Screen sharing (sharing.py).

    async def share(self, actor: Identity, on: bool, track_id: str | None) -> None:
        await self.sharing.share(actor, on, track_id)

    async def stop_share(self, actor: Identity, member_id: int) -> None:
        await self.sharing.stop(actor, member_id)

    # Presenting exhibits (presenting.py).

    async def give_floor(self, actor: Identity, member_id: int, allowed: bool) -> None:
        await self.presenting.give_floor(actor, member_id, allowed)

    async def present(self, actor: Identity, exhibit_id: int, file_id: int, page: int) -> None:
        await self.presenting.present(actor, exhibit_id, file_id, page)

    async def present_view(self, actor: Identity, view: PresentedView) -> None:
        await self.presenting.move(actor, view)

    async def stop_presenting(self, actor: Identity) -> None:
        await self.presenting.stop(actor)

    # A creditors' meeting's votes (votes.py).

    async def open_vote(self, actor: Identity, motion_id: int) -> None:
        await self.votes.open(actor, motion_id)

    async def cast_ballot(
        self,
        actor: Identity,
        motion_id: int,
        choice: Choice,
        creditor_id: int | None,
        opinion: str | None = None,
    ) -> dict[str, object]:
        return await self.votes.cast(actor, motion_id, choice, creditor_id, opinion)

    async def close_vote(self, actor: Identity, motion_id: int) -> dict[str, object]:
        return await self.votes.close(actor, motion_id)

    # The bench's alerts (audience.py), and the end.

    async def alert(
        self, kind: str, member_id: int | None, message: str, failed: list[str] | None = None
    ) -> None:
        await self.audience.alert(kind, member_id, message, failed)

    async def _close_all(self) -> None:
        """Finish the record, tell everyone (with the record's verification code), end all
        media now, and drop the connections a moment later.

        The delay lets the closing judge's acknowledgement and everyone's ``closed`` event
        go out before the sockets do; clients normally leave on ``closed`` by themselves.
        """
        code = None
        if self.observer is not None:
            code = await self.observer.closed(self.room.hearing_id)
        closed = ClosedOut(hearing_id=self.room.hearing_id, verification_code=code)
        links = list(self.audience.links.values())
        for link in links:
            await link.emit("closed", closed.model_dump(mode="json", exclude_none=True))
        self.room.close()
        self.audience.links.clear()
        await self.shutdown()

        async def hang_up() -> None:
            await asyncio.sleep(CLOSE_LINGER_SECONDS)
            for link in links:
                with contextlib.suppress(Exception):
                    await link.close("the hearing is closed")

        self.tasks.spawn(hang_up())

    async def shutdown(self) -> None:
        """Cancel timers and close every media session (the hearing ended or the server stops)."""
        self.members.cancel_all_timers()
        await self.media.shutdown()
        await self.tasks.close()
