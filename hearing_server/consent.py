"""Answers on taking part online (court/consent.py): recording one, and each participant's
answer as it stands (the latest counts)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.consent import NOTICE_VERSION, consent_asked
from court.protocol import ConsentView
from court.roles import Role
from hearing_server.db.models import ConsentAnswer, HearingEvent, Participant, utcnow


def consent_view(role: Role, latest: ConsentAnswer | None) -> ConsentView | None:
    """A participant's answer as the bench sees it; None when their role is not asked."""
    if not consent_asked(role):
        return None
    if latest is None:
        return ConsentView(answer="pending")
    return ConsentView(answer="agreed" if latest.agreed else "refused", at=latest.at)


async def latest_answers(
    db: AsyncSession, participant_ids: Iterable[int]
) -> dict[int, ConsentAnswer]:
    """Each participant's latest answer, for those who gave one."""
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = await db.scalars(
        select(ConsentAnswer)
        .where(ConsentAnswer.participant_id.in_(ids))
        .order_by(ConsentAnswer.id)
    )
    return {row.participant_id: row for row in rows}  # later rows overwrite earlier ones


def record_answer(
    db: AsyncSession, participant: Participant, agreed: bool, actor: str, was: ConsentView
) -> ConsentAnswer:
    """Keep the answer, and put it on the hearing's timeline (from the answer that stood)."""
    answer = ConsentAnswer(
        participant_id=participant.id, agreed=agreed, notice_version=NOTICE_VERSION, at=utcnow()
    )
    db.add(answer)
    db.add(
        HearingEvent(
            hearing_id=participant.hearing_id,
            at=answer.at,
            kind="online_consent",
            actor=actor,
            from_value=was.answer,
            to_value="agreed" if agreed else "refused",
            data={"participant_id": participant.id, "notice_version": NOTICE_VERSION},
        )
    )
    return answer
