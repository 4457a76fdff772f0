"""Who a person is in the system: staff accounts and hearing participants share one enum."""

from enum import StrEnum


class Role(StrEnum):
    """A role, held either by a staff account or by a participant of one hearing."""

    ADMIN = "admin"
    JUDGE = "judge"
    CLERK = "clerk"
    PROSECUTOR = "prosecutor"
    PARTY = "party"
    AGENT = "agent"
    COUNSEL = "counsel"
    DETAINEE = "detainee"
    CREDITOR = "creditor"
    INTERPRETER = "interpreter"
    WITNESS = "witness"
    OBSERVER = "observer"


STAFF_ROLES = frozenset({Role.ADMIN, Role.JUDGE, Role.CLERK})
"""Roles a staff account can have."""

BENCH = frozenset({Role.JUDGE, Role.CLERK})
"""Roles that sit on the bench of a hearing and hold staff accounts."""

INVITED_ROLES = frozenset(Role) - STAFF_ROLES
"""Roles that join a hearing through a personal invitation (or, for detainees, a terminal)."""

REPRESENTATIVE_ROLES = frozenset({Role.AGENT, Role.COUNSEL})
"""Roles that act for another participant and may consult privately with them."""


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMIN: ("系统管理员", "Administrator"),
    Role.JUDGE: ("审判员", "Judge"),
    Role.CLERK: ("书记员", "Clerk"),
    Role.PROSECUTOR: ("公诉人", "Prosecutor"),
    Role.PARTY: ("当事人", "Party"),
    Role.AGENT: ("诉讼代理人", "Agent ad litem"),
    Role.COUNSEL: ("辩护人", "Defence counsel"),
    Role.DETAINEE: ("被告人（在押）", "Defendant (detained)"),
    Role.CREDITOR: ("债权人", "Creditor"),
    Role.INTERPRETER: ("翻译人员", "Interpreter"),
    Role.WITNESS: ("证人", "Witness"),
    Role.OBSERVER: ("旁听人员", "Observer"),
}
"""What each role is called, in Chinese and in English (e.g. on the archive's name labels)."""
