"""What an invitation says, in the participant's language: the court, the case, when (in the
court's zone and, for someone elsewhere, in their own), the link, the court's notice and what
to prepare. The same words go into the mail, the SMS and the printable PDF. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from court.kinds import KIND_LABELS, HearingKind
from court.roles import ROLE_LABELS, Role

Language = Literal["zh", "en"]


@dataclass(frozen=True)
class Invitation:
    """The facts of one invitation."""

    court: str
    case_number: str
    case_title: str
    kind: HearingKind
    start: datetime
    """Aware."""
    duration_minutes: int
    court_zone: str
    name: str
    role: Role
    link: str
    expires_at: datetime
    language: Language
    own_zone: str | None = None
    """The participant's IANA zone when it is not the court's."""


@dataclass(frozen=True)
class Letter:
    subject: str
    heading: str
    greeting: str
    intro: str
    facts: list[tuple[str, str]]
    """(label, value) lines: case, kind, time(s), role, link, valid until."""
    notice: list[str]
    prepare: list[str]

    def text(self) -> str:
        """The mail's plain text."""
        lines = [self.greeting, self.intro, ""]
        lines += [f"{label}: {value}" for label, value in self.facts]
        lines += ["", self.notice[0]]
        lines += [f"- {line}" for line in self.notice[1:]]
        lines += ["", self.prepare[0]]
        lines += [f"- {line}" for line in self.prepare[1:]]
        return "\n".join(lines) + "\n"


WORDS: dict[str, tuple[str, str]] = {
    "subject": ("{court}在线庭审通知：{case}", "{court}: online hearing of {case}"),
    "heading": ("在线庭审通知书", "Invitation to an online hearing"),
    "greeting": ("{name}：", "Dear {name},"),
    "intro": (
        "本院定于下列时间通过网络在线审理本案，请您准时参加。",
        "The court will hear this case online at the time below. Please take part on time.",
    ),
    "case": ("案号", "Case number"),
    "title": ("案由", "Case"),
    "kind": ("类型", "Kind"),
    "time": ("时间", "Time"),
    "own_time": ("您当地时间", "Your local time"),
    "role": ("身份", "You take part as"),
    "link": ("入口", "Link"),
    "expires": ("链接有效期至", "The link works until"),
    "minutes": ("约{minutes}分钟", "about {minutes} minutes"),
    "notice": ("法庭告知：", "The court's notice:"),
    "prepare": ("请准备：", "Please prepare:"),
}

NOTICE: tuple[tuple[str, str], ...] = (
    (
        "在线庭审与线下庭审具有同等法律效力。",
        "An online hearing has the same legal effect as one in the courtroom.",
    ),
    (
        "请遵守法庭纪律，不得录音、录像、截屏或传播庭审过程。",
        "Keep the court's rules: do not record, photograph or pass on the hearing.",
    ),
    (
        "本链接仅供您本人使用，请勿转发他人。",
        "This link is for you alone: do not pass it on.",
    ),
)

PREPARE: tuple[tuple[str, str], ...] = (
    ("有效身份证件原件；", "your identity document;"),
    (
        "可用摄像头和麦克风的手机或电脑，以及稳定的网络；",
        "a phone or computer with a working camera and microphone, and a steady connection;",
    ),
    ("安静、光线充足、无他人在场的房间；", "a quiet, well-lit room where you are alone;"),
    ("拟出示的证据材料；", "the evidence you mean to show;"),
    (
        "开庭前15分钟打开链接，完成设备检测。",
        "open the link 15 minutes early and test your camera and microphone.",
    ),
)


def _word(key: str, language: Language) -> str:
    zh, en = WORDS[key]
    return zh if language == "zh" else en


def clock(at: datetime, zone: str) -> str:
    """``2026-12-08 09:30 (Asia/Shanghai, UTC+08:00)``."""
    local = at.astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} ({zone}, UTC{offset[:3]}:{offset[3:]})"


def letter(invitation: Invitation) -> Letter:
    language = invitation.language
    pick = 0 if language == "zh" else 1
    time_value = clock(invitation.start, invitation.court_zone)
    time_value += "，" if language == "zh" else ", "
    time_value += _word("minutes", language).format(minutes=invitation.duration_minutes)
    facts = [
        (_word("case", language), invitation.case_number),
        (_word("title", language), invitation.case_title),
        (_word("kind", language), KIND_LABELS[invitation.kind][pick]),
        (_word("time", language), time_value),
    ]
    if invitation.own_zone and invitation.own_zone != invitation.court_zone:
        facts.append((_word("own_time", language), clock(invitation.start, invitation.own_zone)))
    own = invitation.own_zone or invitation.court_zone
    facts += [
        (_word("role", language), ROLE_LABELS[invitation.role][pick]),
        (_word("link", language), invitation.link),
        (_word("expires", language), clock(invitation.expires_at, own)),
    ]
    return Letter(
        subject=_word("subject", language).format(
            court=invitation.court, case=invitation.case_number
        ),
        heading=_word("heading", language),
        greeting=_word("greeting", language).format(name=invitation.name),
        intro=_word("intro", language),
        facts=facts,
        notice=[_word("notice", language), *(pair[pick] for pair in NOTICE)],
        prepare=[_word("prepare", language), *(pair[pick] for pair in PREPARE)],
    )


def short_text(invitation: Invitation, template: str) -> str:
    """The SMS: ``template`` (the gateway's settings) filled in."""
    return template.format(
        court=invitation.court,
        name=invitation.name,
        case=invitation.case_number,
        time=clock(invitation.start, invitation.own_zone or invitation.court_zone),
        link=invitation.link,
    )
