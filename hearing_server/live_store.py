"""The database behind live hearings: loading them, checking who connects, keeping the timeline."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from court.roles import Role
from court.states import HearingState
from hearing_server import exhibit_display
from hearing_server.admission_events import ADMISSION_EVENTS
from hearing_server.auth import PrincipalKind
from hearing_server.bench_grants import holds_grant
from hearing_server.consent import consent_view, latest_answers
from hearing_server.db.database import Database
from hearing_server.db.models import (
    Case,
    Hearing,
    HearingEvent,
    IdentityCheckRow,
    Participant,
    User,
    utcnow,
)
from hearing_server.db.staggered_rows import StaggeredStart
from hearing_server.exhibit_links import exhibit_link
from hearing_server.identity import (
    SESSION_COOKIE,
    InvitationRefused,
    invited_participant,
    session_principal,
)
from hearing_server.identity_stills import store_still
from hearing_server.votes import VoteStore, last_voted
from recording.storage import Storage
from signaling.store import (
    AuthenticationError,
    ExhibitUrls,
    HearingRecord,
    Identity,
    IdentityCheck,
    ParticipantRecord,
    ShownFile,
    TimelineEvent,
)


class DatabaseHearingStore(VoteStore):
    """The live hearing's store; a creditors' meeting's votes are VoteStore's."""

    def __init__(
        self, database: Database, storage: Storage, link_secret: bytes, link_seconds: int
    ) -> None:
        """``storage``: the recordings', where identity stills are kept; ``link_secret``,
        ``link_seconds``: what links to a presented exhibit are signed with and how long they
        work (hearing_server/exhibit_links.py)."""
        super().__init__(database)
        self.storage = storage
        self.link_secret = link_secret
        self.link_seconds = link_seconds

    async def shown_file(
        self, hearing_id: int, presenter: Identity, exhibit_id: int, file_id: int
    ) -> ShownFile | None:
        async with self.database.session() as db:
            return await exhibit_display.shown_file(
                db, hearing_id, presenter.participant_id, exhibit_id, file_id
            )

    async def mark_shown(self, exhibit_id: int) -> None:
        async with self.database.session() as db:
            await exhibit_display.mark_shown(db, exhibit_id)

    def exhibit_urls(self, file_id: int, participant_id: int) -> ExhibitUrls:
        link = exhibit_link(
            self.link_secret,
            file_id,
            f"participant:{participant_id}",
            time.time(),
            self.link_seconds,
        )
        base = f"/api/v1/exhibit-files/{file_id}"
        return ExhibitUrls(
            f"{base}?link={link}", f"{base}/pages/{{page}}?width={{width}}&link={link}"
        )

    async def load(self, hearing_id: int) -> HearingRecord | None:
        async with self.database.session() as db:
            hearing = await db.get(Hearing, hearing_id)
            if hearing is None:
                return None
            rows = list(
                await db.scalars(select(Participant).where(Participant.hearing_id == hearing_id))
            )
            kept = await _kept(db, hearing_id)
            answers = await latest_answers(db, [p.id for p in rows])
            return HearingRecord(
                id=hearing.id,
                kind=hearing.kind,
                public=hearing.public,
                state=hearing.state,
                phase=hearing.phase,
                participants=[
                    ParticipantRecord(
                        id=p.id,
                        role=p.role,
                        name=p.name,
                        side=p.side,
                        represents_id=p.represents_id,
                        identity_verified=p.identity_verified_at is not None,
                        admitted=p.id in kept.admitted,
                        removed=p.id in kept.removed,
                        bench_muted=p.id in kept.muted,
                        consent=consent_view(p.role, answers.get(p.id)),
                        presiding=p.presiding,
                        interprets=p.interprets,
                    )
                    for p in rows
                ],
                vote=await last_voted(db, hearing_id),
            )

    async def identify(
        self, hearing_id: int, invitation: str | None, cookies: dict[str, str]
    ) -> Identity:
        async with self.database.session() as db:
            if invitation:
                try:
                    participant = await invited_participant(db, invitation)
                except InvitationRefused as exc:
                    raise AuthenticationError(exc.code, exc.message) from exc
                if participant.hearing_id != hearing_id:
                    raise AuthenticationError(
                        "wrong_hearing", "your invitation is for another hearing"
                    )
                return _identity(
                    participant,
                    f"participant:{participant.id}:{participant.name}",
                    participant.invitation_expires_at,
                )
            token = cookies.get(SESSION_COOKIE)
            principal = await session_principal(db, token) if token else None
            if principal is None:
                raise AuthenticationError("unauthenticated", "open your invitation link, or log in")
            query = select(Participant).where(Participant.hearing_id == hearing_id)
            if principal.kind is PrincipalKind.USER:
                query = query.where(Participant.user_id == principal.id)
            else:
                query = query.where(
                    Participant.role == Role.DETAINEE,
                    Participant.detention_centre_id == principal.centre_id,
                )
            seat = await db.scalar(query.order_by(Participant.id).limit(1))
            if seat is None:
                raise AuthenticationError("not_a_participant", "you take no part in this hearing")
            if principal.kind is PrincipalKind.USER and not await _court_seat(
                db, hearing_id, principal.id, principal.court_id
            ):
                raise AuthenticationError(
                    "bench_grant_ended",
                    "the court no longer lets you sit on this hearing's panel",
                )
            return _identity(seat, principal.label)

    async def record(self, hearing_id: int, event: TimelineEvent) -> None:
        async with self.database.session() as db:
            db.add(
                HearingEvent(
                    hearing_id=hearing_id,
                    at=event.at or utcnow(),
                    kind=event.kind,
                    actor=event.actor,
                    from_value=event.from_value,
                    to_value=event.to_value,
                    data=event.data,
                )
            )
            await db.commit()

    async def save_state(self, hearing_id: int, state: HearingState, phase: str | None) -> None:
        async with self.database.session() as db:
            hearing = await db.get(Hearing, hearing_id)
            if hearing is not None:
                hearing.state, hearing.phase = state, phase
                await db.commit()

    async def staggered_under_way(self, hearing_id: int) -> bool:
        async with self.database.session() as db:
            start = await db.get(StaggeredStart, hearing_id)
            return start is not None and start.live_at is None

    async def save_presiding(self, hearing_id: int, participant_id: int) -> None:
        async with self.database.session() as db:
            await db.execute(
                update(Participant)
                .where(Participant.hearing_id == hearing_id)
                .values(presiding=Participant.id == participant_id)
            )
            await db.commit()

    async def record_identity_check(
        self, hearing_id: int, verifier: Identity, check: IdentityCheck
    ) -> int:
        digest = None
        if check.still is not None:  # stored before the row names it
            digest = await asyncio.to_thread(store_still, self.storage, hearing_id, check.still)
        async with self.database.session() as db:
            participant = await db.get(Participant, check.participant_id)
            bench = await db.get(Participant, verifier.participant_id)
            if participant is None or participant.hearing_id != hearing_id:
                raise ValueError(f"participant {check.participant_id} is not in this hearing")
            user = await db.get(User, bench.user_id) if bench and bench.user_id else None
            row = IdentityCheckRow(
                hearing_id=hearing_id,
                participant_id=check.participant_id,
                document_type=check.document_type,
                digits=check.digits,
                checked_by=verifier.label,
                still_sha256=digest,
                still_bytes=None if check.still is None else len(check.still),
                still_width=check.width or None,
                still_height=check.height or None,
                no_still=check.no_still,
            )
            db.add(row)
            participant.identity_verified_at = row.checked_at = utcnow()
            participant.identity_verified_by = user.id if user else None
            await db.commit()
            return row.id


def _identity(participant: Participant, label: str, expires_at: datetime | None = None) -> Identity:
    return Identity(
        hearing_id=participant.hearing_id,
        participant_id=participant.id,
        role=participant.role,
        name=participant.name,
        label=label,
        expires_at=expires_at,
    )


MUTE_EVENTS = {"muted": True, "unmuted": False, "muted_all": True}


@dataclass
class _Kept:
    """What the timeline keeps of each participant's place in a live hearing."""

    admitted: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)
    muted: set[int] = field(default_factory=set)


async def _court_seat(
    db: AsyncSession, hearing_id: int, user_id: int, court_id: int | None
) -> bool:
    """A staff seat counts when it is of the hearing's court, or held by a grant in force
    (a judge of another court on the panel: docs/architecture.md#bench)."""
    case_court = await db.scalar(
        select(Case.court_id)
        .join(Hearing, Hearing.case_id == Case.id)
        .where(Hearing.id == hearing_id)
    )
    return case_court == court_id or await holds_grant(db, hearing_id, user_id)


async def _kept(db: AsyncSession, hearing_id: int) -> _Kept:
    """Who is admitted, who was removed and whom the bench muted, as the timeline last says."""
    events = await db.scalars(
        select(HearingEvent)
        .where(
            HearingEvent.hearing_id == hearing_id,
            HearingEvent.kind.in_([*ADMISSION_EVENTS, *MUTE_EVENTS]),
        )
        .order_by(HearingEvent.id)
    )
    kept = _Kept()
    for event in events:
        data = event.data or {}
        if event.kind in MUTE_EVENTS:
            ids = data.get("participant_ids", [data.get("participant_id")])
            targets = {i for i in ids if isinstance(i, int)} if isinstance(ids, list) else set()
            if MUTE_EVENTS[event.kind]:
                kept.muted |= targets
            else:
                kept.muted -= targets
            continue
        participant_id = data.get("participant_id")
        if not isinstance(participant_id, int):
            continue
        if ADMISSION_EVENTS[event.kind]:
            kept.admitted.add(participant_id)
        else:
            kept.admitted.discard(participant_id)
        if event.kind == "removed":
            kept.removed.add(participant_id)
    return kept
