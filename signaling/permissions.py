"""One permission check, used by the REST API and the live signaling alike.

The table is data: each action names the roles that may take it and, where it
matters, the hearing states in which it may be taken. Scope (is this *your*
hearing, *your* court) is checked by the caller; this module answers only
"may this role do this now".
"""

from dataclasses import dataclass
from enum import StrEnum

from signaling.hearing import HearingState
from signaling.roles import Role


class Action(StrEnum):
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_RECORDS = "view_records"
    MANAGE_CASES = "manage_cases"
    SCHEDULE_HEARING = "schedule_hearing"
    MANAGE_PARTICIPANTS = "manage_participants"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    states: frozenset[HearingState] | None = None
    """None: any state (or an action that is not about one hearing)."""


_STAFF = frozenset({Role.JUDGE, Role.CLERK})
_OPEN_STATES = frozenset(
    {HearingState.SCHEDULED, HearingState.OPEN, HearingState.IN_SESSION, HearingState.RECESS}
)

RULES: dict[Action, Rule] = {
    Action.MANAGE_ACCOUNTS: Rule(frozenset({Role.ADMIN})),
    Action.VIEW_RECORDS: Rule(_STAFF | {Role.ADMIN}),
    Action.MANAGE_CASES: Rule(_STAFF),
    Action.SCHEDULE_HEARING: Rule(_STAFF),
    Action.MANAGE_PARTICIPANTS: Rule(_STAFF, _OPEN_STATES),
}


def check(role: Role, action: Action, state: HearingState | None = None) -> bool:
    """May ``role`` take ``action`` (in a hearing in ``state``, where that matters)?"""
    return refusal(role, action, state) is None


def refusal(role: Role, action: Action, state: HearingState | None = None) -> str | None:
    """A sentence explaining why ``check`` fails, or None when it passes."""
    rule = RULES[action]
    if role not in rule.roles:
        allowed = ", ".join(sorted(rule.roles))
        return f"{action} is for {allowed}; you are {role}"
    if rule.states is not None and state is not None and state not in rule.states:
        return f"{action} is not possible while the hearing is {state}"
    return None
