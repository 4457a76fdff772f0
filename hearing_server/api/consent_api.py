"""Taking part online: the court's notice, and the invited person's answer on whether they
agree to take part online (court/consent.py says who is asked and what they read).

Under the invitation (``Authorization: Invitation <token>``), so only its holder answers, for
themself. Every answer is kept and put on the timeline; a change of mind is a new answer and the
latest counts; repeating the answer that stands is refused (409), so a double tap records once.
Who may answer, and until when, is the permission table's (``Action.ANSWER_CONSENT``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from court.consent import NOTICE, NOTICE_TITLE, NOTICE_VERSION
from court.permissions import Action
from court.protocol import ConsentView
from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.auth import PrincipalKind
from hearing_server.consent import consent_view, latest_answers, record_answer
from hearing_server.db.models import Hearing, Participant
from hearing_server.keys import SOCKETS
from signaling.cluster.bus import tell_live_hearings
from signaling.cluster.live_hearings import consent_answered


class Bilingual(BaseModel):
    zh: str
    en: str


class OnlineNotice(BaseModel):
    """The court's notice on taking part online, in Chinese and in English."""

    version: str
    title: Bilingual
    paragraphs: list[Bilingual]


class ConsentOut(BaseModel):
    """What the invited person is shown: the notice, and their answer as it stands (none when
    their role is not asked: they read the notice only)."""

    notice: OnlineNotice
    consent: ConsentView | None


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agreed: StrictBool
    notice_version: StrictStr = Field(max_length=32)
    """The version of the notice they read (a notice changed since must be read again)."""


def _notice() -> OnlineNotice:
    return OnlineNotice(
        version=NOTICE_VERSION,
        title=_bilingual(NOTICE_TITLE),
        paragraphs=[_bilingual(paragraph) for paragraph in NOTICE],
    )


def _bilingual(words: tuple[str, str]) -> Bilingual:
    zh, en = words
    return Bilingual(zh=zh, en=en)


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/invitation/consent",
        summary="The notice on taking part online, and one's answer on it",
        tag="participants",
        response=ConsentOut,
    )
    async def get_consent(ctx: Ctx) -> ConsentOut:
        participant = await _invited(ctx)
        latest = (await latest_answers(ctx.db, [participant.id])).get(participant.id)
        return ConsentOut(notice=_notice(), consent=consent_view(participant.role, latest))

    @api.route(
        "POST",
        "/invitation/consent",
        summary="Agree, or not, to take part in the hearing online",
        tag="participants",
        body=ConsentIn,
        response=ConsentOut,
        status=201,
    )
    async def answer_consent(ctx: Ctx, body: ConsentIn) -> ConsentOut:
        participant = await _invited(ctx)
        hearing = await ctx.db.get(Hearing, participant.hearing_id)
        assert hearing is not None
        ctx.require(Action.ANSWER_CONSENT, hearing.state)
        if body.notice_version != NOTICE_VERSION:
            raise ApiError(
                409, "notice_changed", "the court's notice has changed: read it again, then answer"
            )
        latest = (await latest_answers(ctx.db, [participant.id])).get(participant.id)
        was = consent_view(participant.role, latest)
        assert was is not None
        if latest is not None and latest.agreed == body.agreed:
            raise ApiError(
                409, "already_answered", f"you {was.answer} already, at {latest.at.isoformat()}"
            )
        who = ctx.user
        answer = record_answer(ctx.db, participant, body.agreed, who.label, was)
        audit(
            ctx.db,
            who.label,
            "answer_consent",
            "participant",
            participant.id,
            ctx.client_ip,
            {"agreed": body.agreed, "notice_version": NOTICE_VERSION},
        )
        now = consent_view(participant.role, answer)
        assert now is not None
        await ctx.db.commit()  # on the record before the bench is shown it
        await tell_live_hearings(
            ctx.request.app[SOCKETS], consent_answered(hearing.id, participant.id, now)
        )
        return ConsentOut(notice=_notice(), consent=now)


async def _invited(ctx: Ctx) -> Participant:
    """The invitation's holder (an invitation that expired or was withdrawn is refused before
    this, with its reason)."""
    who = ctx.user
    if who.kind is not PrincipalKind.PARTICIPANT:
        raise ApiError(
            403, "forbidden", "send your invitation as `Authorization: Invitation <token>`"
        )
    participant = await ctx.db.get(Participant, who.id)
    assert participant is not None
    return participant
