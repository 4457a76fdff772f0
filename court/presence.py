"""Where a participant is in a live hearing (docs/architecture.md#state-machines).

``invited → joining → waiting → in_hearing | in_consultation → reconnecting → left | removed``.
"""

from enum import StrEnum


class Presence(StrEnum):
    INVITED = "invited"
    JOINING = "joining"
    WAITING = "waiting"
    IN_HEARING = "in_hearing"
    IN_CONSULTATION = "in_consultation"
    RECONNECTING = "reconnecting"
    LEFT = "left"
    REMOVED = "removed"
