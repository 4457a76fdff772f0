"""Hearing kinds as data: who may take part and the procedure phases of each."""

from dataclasses import dataclass
from enum import StrEnum

from court.roles import Role


class HearingKind(StrEnum):
    CIVIL_TRIAL = "civil_trial"
    CRIMINAL_TRIAL = "criminal_trial"
    CREDITORS_MEETING = "creditors_meeting"
    MEDIATION = "mediation"
    PANEL_DELIBERATION = "panel_deliberation"
    COMMITTEE_MEETING = "committee_meeting"
    ASYNC_HEARING = "async_hearing"
    ENFORCEMENT_INTERVIEW = "enforcement_interview"
    """终本约谈: the judge hears the applicant and the respondent in enforcement (and their
    agents) before the court ends this round of enforcement, or they settle or agree a plan."""
    REMOTE_CONFIRMATION = "remote_confirmation"
    """远程视频确认: a party abroad or far away confirms a document before the court (and a
    notary), identity checked with a captured picture, the confirmation spoken and signed."""


@dataclass(frozen=True)
class KindRules:
    """What a hearing of one kind allows."""

    roles: frozenset[Role]
    phases: tuple[str, ...]
    may_be_public: bool
    requires_identity_check: bool = False
    """Everyone taking part must have their identity checked (court/identity.py) before they
    are admitted to the hearing."""
    internal: bool = False
    """Its recording and records are the court's sealed internal record (a deliberation,
    court/deliberation.py): the bench and the court's staff retrieve them, no grant or link
    ever reaches anyone else."""
    outcomes: tuple[str, ...] = ()
    """What the presiding judge may record as its outcome (court/outcomes.py); none: the kind
    has no outcome of its own (a judgment is not given in the hearing's record here)."""


_COMMON = frozenset({Role.JUDGE, Role.CLERK, Role.INTERPRETER})

RULES: dict[HearingKind, KindRules] = {
    HearingKind.CIVIL_TRIAL: KindRules(
        roles=_COMMON | {Role.ASSESSOR, Role.PARTY, Role.AGENT, Role.WITNESS, Role.OBSERVER},
        phases=(
            "identity_check",
            "rights_notice",
            "investigation",
            "debate",
            "final_statement",
            "mediation",
            "pronouncement",
        ),
        may_be_public=True,
    ),
    HearingKind.CRIMINAL_TRIAL: KindRules(
        roles=_COMMON
        | {
            Role.ASSESSOR,
            Role.PROSECUTOR,
            Role.DETAINEE,
            Role.PARTY,
            Role.COUNSEL,
            Role.AGENT,
            Role.WITNESS,
            Role.OBSERVER,
        },
        phases=(
            "identity_check",
            "rights_notice",
            "investigation",
            "debate",
            "final_statement",
            "pronouncement",
        ),
        may_be_public=True,
        requires_identity_check=True,
    ),
    HearingKind.CREDITORS_MEETING: KindRules(
        roles=_COMMON | {Role.CREDITOR, Role.AGENT, Role.PARTY},
        phases=("check_in", "report", "questions", "vote"),
        may_be_public=False,
    ),
    HearingKind.MEDIATION: KindRules(
        roles=_COMMON | {Role.PARTY, Role.AGENT},
        phases=("identity_check", "statements", "negotiation", "agreement"),
        may_be_public=False,
        outcomes=("mediated", "not_mediated"),
    ),
    HearingKind.PANEL_DELIBERATION: KindRules(
        roles=frozenset({Role.JUDGE, Role.ASSESSOR, Role.CLERK}),
        phases=("presentation", "discussion", "decision"),
        may_be_public=False,
        internal=True,
    ),
    HearingKind.COMMITTEE_MEETING: KindRules(
        roles=frozenset({Role.JUDGE, Role.CLERK, Role.PROSECUTOR}),
        phases=("report", "discussion", "decision"),
        may_be_public=False,
        internal=True,
    ),
    HearingKind.ASYNC_HEARING: KindRules(
        roles=_COMMON | {Role.PARTY, Role.AGENT},
        phases=("statements", "responses", "closing"),
        may_be_public=False,
    ),
    HearingKind.ENFORCEMENT_INTERVIEW: KindRules(
        roles=_COMMON | {Role.PARTY, Role.AGENT},
        phases=(
            "identity_check",
            "rights_notice",
            "enforcement_report",
            "property_report",
            "applicant_opinion",
            "settlement",
        ),
        may_be_public=False,
        outcomes=("settlement", "payment_plan", "termination", "continued"),
    ),
    HearingKind.REMOTE_CONFIRMATION: KindRules(
        roles=_COMMON | {Role.NOTARY, Role.PARTY, Role.AGENT},
        phases=("identity_check", "document_shown", "confirmation"),
        may_be_public=False,
        requires_identity_check=True,
        outcomes=("confirmed", "not_confirmed"),
    ),
}


KIND_LABELS: dict[HearingKind, tuple[str, str]] = {
    HearingKind.CIVIL_TRIAL: ("民事庭审", "Civil trial"),
    HearingKind.CRIMINAL_TRIAL: ("刑事庭审", "Criminal hearing"),
    HearingKind.CREDITORS_MEETING: ("债权人会议", "Creditors' meeting"),
    HearingKind.MEDIATION: ("调解", "Mediation"),
    HearingKind.PANEL_DELIBERATION: ("合议庭评议", "Collegial panel deliberation"),
    HearingKind.COMMITTEE_MEETING: ("审判委员会会议", "Judicial committee meeting"),
    HearingKind.ASYNC_HEARING: ("错时审理", "Staggered hearing"),
    HearingKind.ENFORCEMENT_INTERVIEW: ("终本约谈", "Enforcement interview"),
    HearingKind.REMOTE_CONFIRMATION: ("远程视频确认", "Remote confirmation"),
}
"""What each kind is called, in Chinese and in English, where the server prints it (the
transcript's PDF); the browser's words for it are web_client/src/i18n/common.ts's."""


PHASE_LABELS: dict[str, tuple[str, str]] = {
    "identity_check": ("核对身份", "Identity check"),
    "rights_notice": ("告知权利", "Notice of rights"),
    "investigation": ("法庭调查", "Court investigation"),
    "debate": ("法庭辩论", "Court debate"),
    "final_statement": ("最后陈述", "Final statements"),
    "mediation": ("法庭调解", "Mediation"),
    "pronouncement": ("宣判", "Pronouncement"),
    "check_in": ("签到", "Check-in"),
    "report": ("报告", "Report"),
    "questions": ("询问", "Questions"),
    "vote": ("表决", "Vote"),
    "statements": ("陈述", "Statements"),
    "negotiation": ("协商", "Negotiation"),
    "agreement": ("达成协议", "Agreement"),
    "presentation": ("汇报", "Presentation"),
    "discussion": ("讨论", "Discussion"),
    "decision": ("决定", "Decision"),
    "responses": ("答辩", "Responses"),
    "closing": ("结束", "Closing"),
    "enforcement_report": ("告知执行情况", "Report on enforcement"),
    "property_report": ("被执行人报告财产", "Respondent's report of property"),
    "applicant_opinion": ("申请执行人意见", "Applicant's opinion"),
    "settlement": ("执行和解", "Settlement in enforcement"),
    "document_shown": ("出示文书", "Document shown"),
    "confirmation": ("确认", "Confirmation"),
}
"""What each procedure phase is called, in Chinese and in English (e.g. the archive's
chapter titles). Every phase of every kind has an entry."""
