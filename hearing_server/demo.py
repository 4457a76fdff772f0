"""Demo records for a first run: a court, its staff, a detention centre and two hearings.

Idempotent: a second run finds what the first made. Passwords and terminal
secrets are printed only when created; invitations are issued afresh on every run
(the previous links stop working), since only their hashes are kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from court.kinds import HearingKind
from court.roles import REPRESENTATIVE_ROLES, Role
from hearing_server.auth import hash_password
from hearing_server.db.models import (
    Case,
    Court,
    DetentionCentre,
    Hearing,
    Participant,
    Terminal,
    User,
    utcnow,
)
from hearing_server.invitations import issue_invitation

COURT_CODE = "demo"
CIVIL_CASE = "(2026)示0101民初1号"
CRIMINAL_CASE = "(2026)示0101刑初1号"


@dataclass
class DemoReport:
    credentials: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    invitations: list[str] = field(default_factory=list)


async def seed_demo(db: AsyncSession, settings: Settings) -> DemoReport:
    report = DemoReport()
    court = await db.scalar(select(Court).where(Court.code == COURT_CODE))
    if court is None:
        court = Court(code=COURT_CODE, name="示范人民法院 Demo People's Court")
        db.add(court)
        await db.flush()
    staff = {}
    for username, role, name in (
        ("admin", Role.ADMIN, "管理员 Administrator"),
        ("judge", Role.JUDGE, "王法官 Judge Wang"),
        ("clerk", Role.CLERK, "李书记员 Clerk Li"),
    ):
        user = await db.scalar(select(User).where(User.username == username))
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User(
                username=username,
                display_name=name,
                role=role,
                court_id=court.id,
                password_hash=hash_password(password),
            )
            db.add(user)
            report.credentials.append(f"{role:6} login: {username} / {password}")
        else:
            report.existing.append(
                f"{role:6} login: {username} (password printed at first run; "
                f"`hearing-server create-user {username} --reset` sets a new one)"
            )
        staff[role] = user
    centre = await db.scalar(
        select(DetentionCentre).where(DetentionCentre.name.like("%Demo Detention Centre"))
    )
    if centre is None:
        centre = DetentionCentre(name="示范看守所 Demo Detention Centre")
        db.add(centre)
        await db.flush()
    terminal_name = "一号终端 Terminal 1"
    terminal = await db.scalar(
        select(Terminal).where(Terminal.centre_id == centre.id, Terminal.name == terminal_name)
    )
    if terminal is None:
        terminal = Terminal(centre_id=centre.id, name=terminal_name, secret_hash="")
        db.add(terminal)
    # Like the invitation links, the terminal's secret is issued afresh on every run (only its hash
    # is kept, so the one printed before cannot be shown again); the previous one stops working.
    secret = secrets.token_urlsafe(18)
    terminal.secret_hash = hash_password(secret)
    await db.flush()
    report.credentials.append(f"terminal login: id {terminal.id} / secret {secret}")

    civil = await _demo_hearing(
        db,
        court,
        staff,
        CIVIL_CASE,
        "张三诉李四买卖合同纠纷 Zhang v. Li, sale contract",
        HearingKind.CIVIL_TRIAL,
        [
            (Role.PARTY, "张三 Zhang San", "plaintiff", None),
            (Role.PARTY, "李四 Li Si", "defendant", None),
            (Role.AGENT, "赵律师 Lawyer Zhao", "plaintiff", None),
            (Role.WITNESS, "钱五 Qian Wu", None, None),
        ],
    )
    criminal = await _demo_hearing(
        db,
        court,
        staff,
        CRIMINAL_CASE,
        "被告人孙六盗窃案 People v. Sun, theft",
        HearingKind.CRIMINAL_TRIAL,
        [
            (Role.PROSECUTOR, "周检察官 Prosecutor Zhou", "prosecution", None),
            (Role.DETAINEE, "孙六 Sun Liu", "defence", centre.id),
            (Role.COUNSEL, "吴律师 Counsel Wu", "defence", None),
        ],
    )
    for hearing in (civil, criminal):
        participants = await db.scalars(
            select(Participant).where(Participant.hearing_id == hearing.id)
        )
        for p in participants:
            if p.role in (Role.JUDGE, Role.CLERK, Role.DETAINEE):
                continue
            issued = issue_invitation(
                p, settings.base_url, timedelta(hours=settings.invitation_ttl_hours)
            )
            report.invitations.append(f"{p.role:10} {p.name}: {issued.url}")
    await db.commit()
    return report


async def _demo_hearing(
    db: AsyncSession,
    court: Court,
    staff: dict[Role, User],
    number: str,
    title: str,
    kind: HearingKind,
    people: list[tuple[Role, str, str | None, int | None]],
) -> Hearing:
    case = await db.scalar(select(Case).where(Case.number == number))
    if case is None:
        case = Case(
            court_id=court.id, number=number, title=title, kind=kind, judge_id=staff[Role.JUDGE].id
        )
        db.add(case)
        await db.flush()
    hearing = await db.scalar(select(Hearing).where(Hearing.case_id == case.id))
    if hearing is not None:
        return hearing
    hearing = Hearing(
        case_id=case.id, kind=kind, title=title, scheduled_start=utcnow() + timedelta(minutes=30)
    )
    db.add(hearing)
    await db.flush()
    for role in (Role.JUDGE, Role.CLERK):
        user = staff[role]
        db.add(
            Participant(hearing_id=hearing.id, role=role, name=user.display_name, user_id=user.id)
        )
    added = [
        Participant(
            hearing_id=hearing.id, role=role, name=name, side=side, detention_centre_id=centre_id
        )
        for role, name, side, centre_id in people
    ]
    db.add_all(added)
    await db.flush()
    for representative in (p for p in added if p.role in REPRESENTATIVE_ROLES):
        client = next(
            p
            for p in added
            if p.side == representative.side and p.role in (Role.PARTY, Role.DETAINEE)
        )
        representative.represents_id = client.id
    return hearing
