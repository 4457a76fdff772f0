"""Taking part online: whose consent the court asks, and the notice it shows them first.

SPC Online Litigation Rules (2021), Art. 4: a court holds a hearing online only with the
parties' consent, and its rules on online hearings bind those taking part (a quiet, closed
place; no recording or broadcasting; leaving without leave counts as leaving the courtroom). The consent is
the parties', and their lawyers answer for their own part, so it is asked of parties (and
creditors, the parties of a creditors' meeting) and of agents and defence counsel. The
prosecutor is a state organ the court arranges with, not a party; witnesses, interpreters and
observers are told by the bench; a detained defendant appears from the centre's terminal and
is asked in the courtroom. A refusal stops nothing here: the bench sees it and decides
whether to hold that party's part in the courtroom.

The notice's words are the court's, so they live here, in both languages, with a version that
every answer records (a change of words is a new version).
"""

from typing import Literal

from court.roles import Role

ConsentAnswer = Literal["agreed", "refused", "pending"]
"""A participant's answer as it stands: agreed, refused, or not given yet."""

ASKED_ROLES = frozenset({Role.PARTY, Role.CREDITOR, Role.AGENT, Role.COUNSEL})
"""Roles whose consent to an online hearing is asked when they open their invitation."""

NOTICE_VERSION = "2026-12"
"""Which words of the notice an answer was given to."""

NOTICE_TITLE = ("在线庭审须知", "Notice on taking part in a hearing online")

NOTICE: tuple[tuple[str, str], ...] = (
    (
        "本案将通过互联网在线开庭。在线开庭与在法庭开庭具有同等法律效力，"
        "您在线作出的陈述、举证和质证与到庭作出的具有同等效力。",
        "This hearing is held online. It has the same legal effect as a hearing in the "
        "courtroom: what you say, the evidence you give and your opinions on the evidence count "
        "as if given in court.",
    ),
    (
        "请选择安静、封闭、光线充足、不受他人干扰的场所参加庭审，"
        "不得在露天、公共场所、行驶的交通工具中或其他影响庭审严肃性的场所参加。"
        "未经法庭允许，其他人员不得在场。",
        "Take part from a quiet, closed, well-lit place where nobody disturbs you: not outdoors, "
        "not in a public place, not in a moving vehicle, nor anywhere else unfit for a court. "
        "Nobody else may be with you without the court's leave.",
    ),
    (
        "请着装得体，遵守法庭纪律，保持摄像头开启、面部清晰可见，经法庭许可方可发言。",
        "Dress as for court, keep to the rules of the courtroom, keep your camera on with your "
        "face clearly visible, and speak only when the court gives you the floor.",
    ),
    (
        "未经法庭许可，任何人不得录音、录像、拍照，不得以任何方式传播庭审过程。"
        "违反者将依法追究责任。",
        "Nobody may record sound or video, take pictures, or broadcast or pass on the hearing "
        "in any way without the court's leave. Doing so has legal consequences.",
    ),
    (
        "未经法庭许可中途退出庭审的：原告方视为按撤诉处理，被告方视为拒不到庭，"
        "法庭可依法缺席审理、缺席判决。网络中断的，请在宽限时间内重新进入。",
        "Leaving the hearing without the court's leave counts as withdrawing the claim for a "
        "plaintiff and as refusing to appear for a defendant, and the court may proceed and "
        "decide in your absence. If your connection drops, come back within the grace time.",
    ),
    (
        "您可以选择不同意在线参加庭审。法庭将收到您的意见，并决定是否安排您到法庭参加庭审。",
        "You may decline to take part online. The court will be told and will decide whether "
        "you attend the hearing in the courtroom.",
    ),
)
"""The notice, paragraph by paragraph: (Chinese, English)."""


def consent_asked(role: Role) -> bool:
    """Whether a participant of ``role`` is asked to agree to taking part online."""
    return role in ASKED_ROLES
