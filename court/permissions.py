"""One permission check, used by the REST API and the live signaling alike
(docs/architecture.md#roles-and-permissions).

The table is data: each action names the roles that may take it and, where it
matters, the hearing states in which it may be taken. Scope (is this *your*
hearing, *your* court, *your* own side) is checked by the caller; this module
answers only "may this role do this now".
"""

from dataclasses import dataclass
from enum import StrEnum

from court.agreement import SIGNERS as AGREEMENT_SIGNERS
from court.consent import ASKED_ROLES
from court.deliberation import VOTING_MEMBERS
from court.exhibits import EXAMINERS, SUBMITTERS
from court.roles import INVITED_ROLES, Role
from court.states import LIVE, PLANNED, WRITTEN_UP, HearingState
from court.transcript_signing import SIGNING_ROLES
from court.votes import VOTER_ROLES


class Action(StrEnum):
    # Records (REST).
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_RECORDS = "view_records"
    MANAGE_CASES = "manage_cases"
    SCHEDULE_HEARING = "schedule_hearing"
    MANAGE_PARTICIPANTS = "manage_participants"
    RETRIEVE_RECORDINGS = "retrieve_recordings"
    GRANT_RECORDING_ACCESS = "grant_recording_access"
    POST_NOTICE = "post_notice"
    # The written record (docs/architecture.md#transcript).
    VIEW_TRANSCRIPT = "view_transcript"
    WRITE_TRANSCRIPT = "write_transcript"
    SIGN_TRANSCRIPT = "sign_transcript"
    SETTLE_TRANSCRIPT = "settle_transcript"
    # Evidence (docs/architecture.md#exhibits).
    VIEW_EXHIBITS = "view_exhibits"
    SUBMIT_EXHIBIT = "submit_exhibit"
    WITHDRAW_EXHIBIT = "withdraw_exhibit"
    SET_EXCHANGE = "set_exchange"
    EXAMINE_EXHIBIT = "examine_exhibit"
    VIEW_EXAMINATION = "view_examination"
    # Identity checks (docs/architecture.md#identity-check).
    VIEW_IDENTITY_CHECKS = "view_identity_checks"
    # A creditors' meeting's votes (docs/architecture.md#votes).
    MANAGE_VOTES = "manage_votes"
    OPEN_VOTE = "open_vote"
    CLOSE_VOTE = "close_vote"
    CAST_BALLOT = "cast_ballot"
    CAST_VOTE = "cast_vote"
    """A deliberation's vote, with its opinion (court/deliberation.py)."""
    # A staggered hearing (docs/architecture.md#staggered-hearings).
    VIEW_STAGES = "view_stages"
    MANAGE_STAGES = "manage_stages"
    TAKE_TURN = "take_turn"
    """Submit a statement in a stage, or answer the court's question in it."""
    # Conducting a live hearing.
    OPEN = "open"
    START_SESSION = "start_session"
    SET_PHASE = "set_phase"
    RECESS = "recess"
    RESUME = "resume"
    CLOSE = "close"
    ADMIT = "admit"
    SEND_BACK = "send_back"
    MUTE = "mute"
    REMOVE = "remove"
    VERIFY_IDENTITY = "verify_identity"
    MESSAGE_PARTICIPANT = "message_participant"
    # Taking part.
    JOIN = "join"
    PUBLISH = "publish"
    RAISE_HAND = "raise_hand"
    MESSAGE_BENCH = "message_bench"
    CONSULT = "consult"
    SHARE_SCREEN = "share_screen"
    STOP_SHARE = "stop_share"
    PRESENT_EXHIBIT = "present_exhibit"
    GIVE_FLOOR = "give_floor"
    HAND_OVER = "hand_over"
    BENCH_CHAT = "bench_chat"
    REPORT_SELF_TEST = "report_self_test"
    ANSWER_CONSENT = "answer_consent"
    WRITE_AGREEMENT = "write_agreement"
    """A mediation agreement's text, and its closing (court/agreement.py)."""
    SIGN_AGREEMENT = "sign_agreement"
    CHOOSE_LISTENING = "choose_listening"
    """Listen to the floor or to an interpreter's channel (court/interpretation.py)."""
    RECORD_OUTCOME = "record_outcome"
    """What the hearing came to (court/outcomes.py), recorded by a judge while it is live."""
    CUT_BROADCAST = "cut_broadcast"
    """Cut a public hearing's broadcast, or resume it (court/broadcast.py)."""
    SET_PUBLIC = "set_public"
    """Mark a hearing public (broadcast) or not, before it opens (court/broadcast.py)."""


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    states: frozenset[HearingState] | None = None
    """None: any state (or an action that is not about one hearing)."""


S = HearingState
_BENCH = frozenset({Role.JUDGE, Role.CLERK})
_JUDGE = frozenset({Role.JUDGE})
_SEATED = _BENCH | {Role.ASSESSOR}
_TAKING_PART = INVITED_ROLES - {Role.OBSERVER, Role.ASSESSOR}
"""Everyone who is in the hearing to speak: parties, lawyers, detainees, witnesses, ..."""
_CONSULTING = _TAKING_PART - {Role.WITNESS}

RULES: dict[Action, Rule] = {
    Action.MANAGE_ACCOUNTS: Rule(frozenset({Role.ADMIN})),
    Action.VIEW_RECORDS: Rule(_BENCH | {Role.ADMIN}),
    Action.MANAGE_CASES: Rule(_BENCH),
    Action.SCHEDULE_HEARING: Rule(_BENCH),
    Action.MANAGE_PARTICIPANTS: Rule(_BENCH, PLANNED),
    # Judges their own cases, clerks their court, the others only what the court granted them:
    # scope and grants are the caller's to check.
    Action.RETRIEVE_RECORDINGS: Rule(_BENCH | _CONSULTING),
    Action.GRANT_RECORDING_ACCESS: Rule(_BENCH),
    # A notice to everyone connected to a hearing (e.g. "we start at 10:30"), from any process.
    Action.POST_NOTICE: Rule(_BENCH, PLANNED),
    # The bench reads the record at any time; writes it while the hearing is live, and after it
    # closed (a clerk finishes what they were typing, corrects what was said).
    Action.VIEW_TRANSCRIPT: Rule(_BENCH),
    Action.WRITE_TRANSCRIPT: Rule(_BENCH, WRITTEN_UP),
    # Once the hearing is closed, those who spoke in it read the record and sign it, refuse to,
    # or ask for a correction; the bench answers the corrections, records refusals and closes
    # the record (court/transcript_signing.py; after that, nobody writes or signs).
    Action.SIGN_TRANSCRIPT: Rule(SIGNING_ROLES, frozenset({S.CLOSED})),
    Action.SETTLE_TRANSCRIPT: Rule(_BENCH, frozenset({S.CLOSED})),
    # Which exhibits, whose side, before or after the exchange: court/exhibits.py and the caller.
    Action.VIEW_EXHIBITS: Rule(_SEATED | _TAKING_PART),
    Action.SUBMIT_EXHIBIT: Rule(SUBMITTERS, PLANNED),
    Action.WITHDRAW_EXHIBIT: Rule(SUBMITTERS, PLANNED),
    Action.SET_EXCHANGE: Rule(_JUDGE),
    Action.EXAMINE_EXHIBIT: Rule(EXAMINERS, PLANNED),
    # The bench the whole matrix; a party their own opinions.
    Action.VIEW_EXAMINATION: Rule(_BENCH | EXAMINERS),
    # The bench of the hearing and the court's clerks (the archive); never the participants.
    Action.VIEW_IDENTITY_CHECKS: Rule(_BENCH),
    # The claim table and the motions, set by the bench before the meeting (and during it, no
    # vote being open: the caller checks that); the presiding judge opens and closes each vote
    # in session (in the kind's vote phase: court/votes.py); a creditor votes for themself, an
    # agent for the creditor they represent (the live layer checks whom). In a deliberation the
    # judges and assessors cast votes, each their own (court/deliberation.py: the kind says who).
    Action.MANAGE_VOTES: Rule(_BENCH, PLANNED),
    Action.OPEN_VOTE: Rule(_JUDGE, frozenset({S.IN_SESSION})),
    Action.CLOSE_VOTE: Rule(_JUDGE, frozenset({S.IN_SESSION})),
    Action.CAST_BALLOT: Rule(VOTER_ROLES, frozenset({S.IN_SESSION})),
    Action.CAST_VOTE: Rule(VOTING_MEMBERS, frozenset({S.IN_SESSION})),
    # A staggered hearing's stages: the bench sets them, starts the hearing in this form (all
    # having consented), extends, closes and asks; those listed on a stage act in it (the
    # caller checks who is listed, the stage's times and what each sees: court/staggered.py).
    Action.VIEW_STAGES: Rule(_BENCH | _TAKING_PART),
    Action.MANAGE_STAGES: Rule(_BENCH, PLANNED),
    Action.TAKE_TURN: Rule(_TAKING_PART, PLANNED),
    Action.OPEN: Rule(_BENCH, frozenset({S.SCHEDULED})),
    Action.START_SESSION: Rule(_JUDGE, frozenset({S.OPEN})),
    Action.SET_PHASE: Rule(_JUDGE, frozenset({S.IN_SESSION})),
    Action.RECESS: Rule(_BENCH, frozenset({S.IN_SESSION})),
    Action.RESUME: Rule(_JUDGE, frozenset({S.RECESS})),
    Action.CLOSE: Rule(_JUDGE, LIVE),
    Action.ADMIT: Rule(_BENCH, LIVE),
    Action.SEND_BACK: Rule(_BENCH, LIVE),
    Action.MUTE: Rule(_BENCH, LIVE),
    Action.REMOVE: Rule(_JUDGE, LIVE),
    # In the waiting room, or in session (court/identity.py: in the identity-check phase).
    Action.VERIFY_IDENTITY: Rule(_BENCH, frozenset({S.OPEN, S.IN_SESSION})),
    Action.MESSAGE_PARTICIPANT: Rule(_BENCH, LIVE),
    Action.JOIN: Rule(frozenset(Role) - {Role.ADMIN}, PLANNED),
    Action.PUBLISH: Rule(_SEATED | _TAKING_PART, LIVE),
    Action.RAISE_HAND: Rule(_TAKING_PART, LIVE),
    Action.MESSAGE_BENCH: Rule(_TAKING_PART, LIVE),
    Action.CONSULT: Rule(_CONSULTING, LIVE),
    # Like publishing (the room checks "once admitted"), but only in session; one at a time.
    Action.SHARE_SCREEN: Rule(_BENCH | _TAKING_PART, frozenset({S.IN_SESSION})),
    Action.STOP_SHARE: Rule(_BENCH, LIVE),
    # The bench at any time in session; another participant once the judge gave them the floor
    # (the room checks that, and that they are in the hearing proper).
    Action.PRESENT_EXHIBIT: Rule(_BENCH | _TAKING_PART, frozenset({S.IN_SESSION})),
    Action.GIVE_FLOOR: Rule(_JUDGE, LIVE),
    # The presiding judge hands the conduct of the hearing to another judge of the bench
    # (court/bench.py: only the presiding judge, and only to a judge).
    Action.HAND_OVER: Rule(_JUDGE, LIVE),
    # The bench's private text channel: judges, assessors and the clerk, nobody else.
    Action.BENCH_CHAT: Rule(_SEATED, LIVE),
    # Anyone connected reports their own self-test, from the waiting room or the hearing.
    Action.REPORT_SELF_TEST: Rule(frozenset(Role) - {Role.ADMIN}, PLANNED),
    # Whether they agree to take part online: parties and their lawyers, each for themself,
    # until the hearing is over (court/consent.py).
    Action.ANSWER_CONSENT: Rule(ASKED_ROLES, PLANNED),
    # A judge states the outcome in the hearing (an enforcement interview's payment plan, a
    # confirmation given): on the timeline, so the sealed record has it.
    Action.RECORD_OUTCOME: Rule(_JUDGE, LIVE),
    # The presiding judge cuts the public broadcast and resumes it while the hearing is live
    # (the caller checks that they preside, and that the hearing is broadcast).
    Action.CUT_BROADCAST: Rule(_JUDGE, LIVE),
    # Whether a hearing is public is settled before it opens (a party's request that it stay
    # off the public web, say); once live the presiding judge cuts the broadcast instead.
    Action.SET_PUBLIC: Rule(_BENCH, frozenset({S.SCHEDULED})),
    # A mediation's agreement: the bench writes it in the hearing or after; the parties and
    # their agents sign it (court/agreement.py; the caller checks the kind and the closing).
    Action.WRITE_AGREEMENT: Rule(_BENCH, LIVE | {S.CLOSED}),
    Action.SIGN_AGREEMENT: Rule(AGREEMENT_SIGNERS, LIVE | {S.CLOSED}),
    # Everyone in the room chooses for themself whom they hear: the floor or an interpreter.
    Action.CHOOSE_LISTENING: Rule(frozenset(Role) - {Role.ADMIN}, LIVE),
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
