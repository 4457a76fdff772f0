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
