"""Who a person is in the system: staff accounts and hearing participants share one enum."""

from enum import StrEnum


class Role(StrEnum):
    """A role, held either by a staff account or by a participant of one hearing."""

    ADMIN = "admin"
    JUDGE = "judge"
    ASSESSOR = "assessor"
    """A people's assessor (人民陪审员): sits on the panel with the judges, invited by link."""
    CLERK = "clerk"
    PROSECUTOR = "prosecutor"
    PARTY = "party"
    AGENT = "agent"
    COUNSEL = "counsel"
    DETAINEE = "detainee"
    CREDITOR = "creditor"
    INTERPRETER = "interpreter"
    NOTARY = "notary"
    """A notary taking part in a remote confirmation (远程视频确认) as the court's witness to it."""
    WITNESS = "witness"
    OBSERVER = "observer"


STAFF_ROLES = frozenset({Role.ADMIN, Role.JUDGE, Role.CLERK})
"""Roles a staff account can have."""

BENCH = frozenset({Role.JUDGE, Role.CLERK})
"""Roles that sit on the bench of a hearing and hold staff accounts."""

SEATED = BENCH | {Role.ASSESSOR}
"""Roles that sit on the bench of a live hearing: they enter directly (no waiting room), their
cameras are shown as the bench, and they share the bench channel (docs/architecture.md#bench)."""

INVITED_ROLES = frozenset(Role) - STAFF_ROLES
"""Roles that join a hearing through a personal invitation (or, for detainees, a terminal)."""

REPRESENTATIVE_ROLES = frozenset({Role.AGENT, Role.COUNSEL})
"""Roles that act for another participant and may consult privately with them."""


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMIN: ("系统管理员", "Administrator"),
    Role.JUDGE: ("审判员", "Judge"),
    Role.ASSESSOR: ("人民陪审员", "People's assessor"),
    Role.CLERK: ("书记员", "Clerk"),
    Role.PROSECUTOR: ("公诉人", "Prosecutor"),
    Role.PARTY: ("当事人", "Party"),
    Role.AGENT: ("诉讼代理人", "Agent ad litem"),
    Role.COUNSEL: ("辩护人", "Defence counsel"),
    Role.DETAINEE: ("被告人（在押）", "Defendant (detained)"),
    Role.CREDITOR: ("债权人", "Creditor"),
    Role.INTERPRETER: ("翻译人员", "Interpreter"),
    Role.NOTARY: ("公证员", "Notary"),
    Role.WITNESS: ("证人", "Witness"),
    Role.OBSERVER: ("旁听人员", "Observer"),
}
"""What each role is called, in Chinese and in English (e.g. on the archive's name labels)."""
