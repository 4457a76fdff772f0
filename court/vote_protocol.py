"""The `/hearing` namespace's events of a vote (docs/architecture.md#votes): a creditors' meeting's
or a deliberation's (court/deliberation.py); what the presiding judge and the voters send. What everyone is shown is court/vote_views.py."""

from __future__ import annotations

from pydantic import Field

from court.deliberation import MAX_OPINION
from court.protocol import Payload, RecordId
from court.votes import Choice


class MotionIn(Payload):
    """Open or close the vote on one motion (the presiding judge)."""

    motion_id: RecordId


class BallotIn(Payload):
    """A ballot on the open motion."""

    motion_id: RecordId
    choice: Choice
    creditor_id: RecordId | None = Field(default=None)
    """Whose ballot: yourself (a creditor), or the creditor you represent (an agent). Unset:
    yours, or your client's. In a deliberation: unset, or yourself."""
    opinion: str | None = Field(default=None, max_length=MAX_OPINION)
    """A deliberation's ballot carries its author's opinion (required there); a creditor's
    carries none."""

    def named_participant(self) -> int | None:
        return self.creditor_id
