"""A live hearing's people and who receives whose media. Pure: no I/O, no clocks.

Presence follows docs/architecture.md#state-machines: ``invited → joining → waiting →
in_hearing | in_consultation → reconnecting → left | removed``. The bench (judges, assessors,
clerk) enters the hearing directly; everyone else waits until admitted. Admission survives ``reconnecting``,
so a phone that changes networks comes back where it was.

Media rules (docs/architecture.md#roles-and-permissions): nothing of the hearing reaches the
waiting room or an uncalled witness; a consultation is a private group that nobody outside
hears, the bench included; observers receive only; muted audio reaches nobody.

One person at a time shares their screen, while in the hearing in session: leaving the hearing
proper (the waiting room, a consultation, a dropped connection, leaving) ends their share.
One exhibit at a time is on screen, presented by the bench or whom the judge gave the floor;
leaving the hearing proper ends it too (a dropped connection does not: it stays, still, for
the grace window).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from court.bench import handover_refusal, presiding_judge
from court.kinds import HearingKind
from court.presence import Presence
from court.protocol import ConsentView, PresentedView
from court.roles import REPRESENTATIVE_ROLES, SEATED, Role
from court.states import LIVE, HearingState
from signaling.store import ShownFile

CONNECTED = frozenset(
    {Presence.JOINING, Presence.WAITING, Presence.IN_HEARING, Presence.IN_CONSULTATION}
)


class RoomError(ValueError):
    """An action the room's current state does not allow; the message says why."""


class ScreenTaken(RoomError):
    """Someone else shares their screen already."""

    def __init__(self, sharer: Member) -> None:
        super().__init__(f"{sharer.name} is sharing their screen; one person shares at a time")
        self.sharer = sharer


@dataclass
class Member:
    """One participant's live state."""

    id: int
    role: Role
    name: str
    side: str | None = None
    represents_id: int | None = None
    presence: Presence = Presence.INVITED
    admitted: bool = False
    self_muted: bool = False
    bench_muted: bool = False
    """Muted by the judge or clerk: wins over the person's own microphone switch."""
    camera_off: bool = False
    hand_raised: bool = False
    identity_verified: bool = False
    consultation: frozenset[int] | None = None
    media_stalled: bool = False
    """They were sending and nothing arrives from their device any more, though connected."""
    resume_to: Presence | None = None
    """Where a reconnecting member returns to."""
    screen_track: str | None = None
    """The id of the track they last declared as their shared screen: that track is the screen
    (never taken for a camera) even after the share ended, until it ends too."""
    floor: bool = False
    """The judge let them present exhibits (the bench always may)."""
    consent: ConsentView | None = None
    """Their answer on taking part online (None: their role is not asked)."""
    presiding: bool = False
    """The judge who conducts the hearing (one at a time: court/bench.py)."""
    interprets: str | None = None
    """An interpreter's language pair (court/interpretation.py)."""
    listening: int | None = None
    """The interpreter whose channel they chose to hear; None: the floor."""

    @property
    def on_bench(self) -> bool:
        """Judges, assessors, the clerk: they sit on the bench (court/roles.py SEATED)."""
        return self.role in SEATED

    @property
    def audio_muted(self) -> bool:
        return self.self_muted or self.bench_muted


@dataclass
class Presentation:
    """An exhibit's file on everyone's screen: who shows it, since when, and how."""

    presenter_id: int
    file: ShownFile
    since: datetime
    view: PresentedView
    seq: int = 0
    """Counts the presenter's moves."""
    moved_at: float = 0.0
    """When the presenter last moved (monotonic seconds): where a playing clip is now."""


@dataclass
class Room:
    hearing_id: int
    kind: HearingKind
    public: bool
    state: HearingState
    phase: str | None = None
    members: dict[int, Member] = field(default_factory=dict)
    sharer: int | None = None
    """Who shares their screen now."""
    presentation: Presentation | None = None
    """The exhibit on screen now (signaling/live/presenting.py)."""

    @property
    def presiding_id(self) -> int | None:
        return next((m.id for m in self.members.values() if m.presiding), None)

    def settle_presiding(self) -> None:
        """Exactly one judge presides once judges are known: the one marked (the first of
        those), else the first added (court/bench.py)."""
        judges = [(m.id, m.presiding) for m in self.members.values() if m.role is Role.JUDGE]
        chosen = presiding_judge(judges)
        for member in self.members.values():
            member.presiding = member.id == chosen

    def hand_over(self, from_id: int, to_id: int) -> None:
        """The presiding judge ``from_id`` hands the conduct of the hearing to ``to_id``."""
        target = self.member(to_id)
        refused = handover_refusal(target.role, to_id == from_id)
        if refused is not None:
            raise RoomError(refused)
        self.member(from_id).presiding = False
        target.presiding = True

    def member(self, member_id: int) -> Member:
        try:
            return self.members[member_id]
        except KeyError:
            raise RoomError(f"participant {member_id} is not in this hearing") from None

    # Presence.

    def arrive(self, member_id: int) -> Presence:
        """A participant connected (or reconnected); returns where they now are."""
        member = self.member(member_id)
        if member.presence is Presence.REMOVED:
            raise RoomError("you were removed from this hearing")
        if member.presence is Presence.RECONNECTING and member.resume_to is not None:
            member.presence, member.resume_to = member.resume_to, None
        elif member.on_bench or member.admitted:
            member.presence = Presence.IN_HEARING
        else:
            member.presence = Presence.WAITING
        return member.presence

    def drop(self, member_id: int) -> None:
        """The connection was lost: keep admission and place for the grace window."""
        member = self.member(member_id)
        member.media_stalled = False
        # their screen goes with their connection; what they present stays on screen, still,
        # for the grace window (the bench may take it down)
        if self.sharer == member.id:
            self.sharer = None
        if member.presence in CONNECTED:
            member.resume_to = member.presence if member.presence is not Presence.JOINING else None
            member.presence = Presence.RECONNECTING

    def expire(self, member_id: int) -> bool:
        """The grace window ended without a reconnection; True if the member is now gone."""
        member = self.member(member_id)
        if member.presence is not Presence.RECONNECTING:
            return False
        self._leave(member, Presence.LEFT)
        return True

    def leave(self, member_id: int) -> None:
        self._leave(self.member(member_id), Presence.LEFT)

    def remove(self, member_id: int) -> None:
        member = self.member(member_id)
        if member.on_bench:
            raise RoomError("members of the bench cannot be removed")
        self._leave(member, Presence.REMOVED)

    def _leave(self, member: Member, presence: Presence) -> None:
        self._end_consultation(member)
        self._end_turns_of(member)
        member.presence, member.admitted, member.resume_to, member.hand_raised = (
            presence,
            False,
            None,
            False,
        )
        member.media_stalled = False

    def admit(self, member_id: int) -> None:
        member = self.member(member_id)
        if member.presence is not Presence.WAITING:
            raise RoomError(
                f"{member.name} is not in the waiting room (they are {member.presence})"
            )
        member.presence, member.admitted = Presence.IN_HEARING, True

    def admit_all(self, admissible: Callable[[Member], bool] = lambda _: True) -> list[int]:
        """Admit everyone waiting except witnesses, who are called one by one, and those not
        `admissible` yet (unchecked where the kind requires an identity check)."""
        admitted = [
            m.id
            for m in self.members.values()
            if m.presence is Presence.WAITING and m.role is not Role.WITNESS and admissible(m)
        ]
        for member_id in admitted:
            self.admit(member_id)
        return admitted

    def send_back(self, member_id: int) -> None:
        member = self.member(member_id)
        if member.on_bench:
            raise RoomError("members of the bench do not wait")
        if member.presence not in (Presence.IN_HEARING, Presence.IN_CONSULTATION):
            raise RoomError(f"{member.name} is not in the hearing")
        self._end_consultation(member)
        self._end_turns_of(member)
        member.presence, member.admitted, member.hand_raised = Presence.WAITING, False, False

    # Private consultation between a represented person and their own lawyer.

    def consult(self, member_id: int, other_id: int) -> None:
        member, other = self.member(member_id), self.member(other_id)
        if not _represents(member, other) and not _represents(other, member):
            raise RoomError("a consultation is between a person and their own lawyer or counsel")
        for person in (member, other):
            if person.presence is not Presence.IN_HEARING:
                raise RoomError(f"{person.name} is not in the hearing")
        group = frozenset({member.id, other.id})
        for person in (member, other):
            self._end_turns_of(person)
            person.presence, person.consultation = Presence.IN_CONSULTATION, group

    def end_consultation(self, member_id: int) -> None:
        member = self.member(member_id)
        if member.consultation is None:
            raise RoomError("you are not in a consultation")
        self._end_consultation(member)

    def _end_consultation(self, member: Member) -> None:
        if member.consultation is None:
            return
        for person_id in member.consultation:
            person = self.members[person_id]
            person.consultation = None
            if person.presence is Presence.IN_CONSULTATION:
                person.presence = Presence.IN_HEARING
            elif person.resume_to is Presence.IN_CONSULTATION:
                person.resume_to = Presence.IN_HEARING

    # Screen sharing.

    def may_share(self, member_id: int) -> bool:
        """In the hearing proper (not waiting, not in a consultation) while it is in session."""
        member = self.members.get(member_id)
        return (
            member is not None
            and member.presence is Presence.IN_HEARING
            and self.state is HearingState.IN_SESSION
            and self.may_publish(member_id)
        )

    def start_share(self, member_id: int, track_id: str) -> None:
        """The member shares their screen as the track ``track_id`` of theirs."""
        member = self.member(member_id)
        if not self.may_share(member_id):
            raise RoomError("you can share your screen while you are in the hearing in session")
        if self.sharer is not None and self.sharer != member_id:
            raise ScreenTaken(self.members[self.sharer])
        self.sharer, member.screen_track = member_id, track_id

    def end_share(self) -> None:
        self.sharer = None

    # Presenting an exhibit.

    def may_present(self, member_id: int) -> bool:
        """In the hearing proper while it is in session: the bench, or whom the judge gave the
        floor."""
        member = self.members.get(member_id)
        return (
            member is not None
            and (member.on_bench or member.floor)
            and member.presence is Presence.IN_HEARING
            and self.state is HearingState.IN_SESSION
        )

    def give_floor(self, member_id: int, allowed: bool) -> None:
        member = self.member(member_id)
        if member.on_bench:
            raise RoomError("the bench may always present")
        if member.role is Role.OBSERVER:
            raise RoomError("observers take no part")
        member.floor = allowed
        if not allowed and self.presenter == member_id:
            self.presentation = None

    @property
    def presenter(self) -> int | None:
        return None if self.presentation is None else self.presentation.presenter_id

    def start_presenting(
        self, member_id: int, file: ShownFile, page: int, at: datetime
    ) -> Presentation:
        """The member presents ``file`` from ``page``; whatever was presented gives way."""
        if not self.may_present(member_id):
            raise RoomError(
                "you can present once the judge gives you the floor, in the hearing in session"
            )
        self.presentation = Presentation(member_id, file, at, PresentedView(page=page))
        return self.presentation

    def end_presenting(self) -> None:
        self.presentation = None

    def _end_turns_of(self, member: Member) -> None:
        """The member left the hearing proper: their screen share and presentation end."""
        if self.sharer == member.id:
            self.sharer = None
        if self.presenter == member.id:
            self.presentation = None

    # Hearing state.

    def close(self) -> None:
        self.state = HearingState.CLOSED
        for member in self.members.values():
            if member.presence not in (Presence.INVITED, Presence.REMOVED):
                self._leave(member, Presence.LEFT)

    # Media.

    def may_publish(self, member_id: int) -> bool:
        member = self.members.get(member_id)
        return (
            member is not None
            and member.role is not Role.OBSERVER
            and member.presence in (Presence.IN_HEARING, Presence.IN_CONSULTATION)
            and self.state in LIVE
        )

    def receives(self, subscriber_id: int, publisher_id: int) -> bool:
        """Whether ``subscriber_id`` gets ``publisher_id``'s tracks at all (muting aside)."""
        if subscriber_id == publisher_id or not self.may_publish(publisher_id):
            return False
        subscriber, publisher = self.members.get(subscriber_id), self.members[publisher_id]
        if subscriber is None or subscriber.presence not in (
            Presence.IN_HEARING,
            Presence.IN_CONSULTATION,
        ):
            return False
        if subscriber.consultation is not None or publisher.consultation is not None:
            return subscriber.consultation == publisher.consultation
        return True

    def on_record(self, member_id: int) -> bool:
        """Whether the member's media is part of the hearing's record now
        (docs/architecture.md#recording-and-archive: only in session, never the waiting room or
        a consultation)."""
        member = self.members.get(member_id)
        return (
            self.state is HearingState.IN_SESSION
            and member is not None
            and member.presence is Presence.IN_HEARING
            and self.may_publish(member_id)
        )

    def hears(self, subscriber_id: int, publisher_id: int) -> bool:
        """Whether audio flows: received and not muted by anyone."""
        return (
            self.receives(subscriber_id, publisher_id)
            and not self.members[publisher_id].audio_muted
        )


def _represents(lawyer: Member, client: Member) -> bool:
    return lawyer.role in REPRESENTATIVE_ROLES and lawyer.represents_id == client.id
