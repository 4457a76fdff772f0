"""What the staggered hearing's endpoints answer (docs/architecture.md#staggered-hearings),
generated for the browser by hearing_server/client_types.py."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from court.roles import Role
from court.staggered import StageKind, StageState, Visibility


class ExtensionOut(BaseModel):
    deadline: datetime
    """The deadline it set."""
    by: str
    """The bench member, as the timeline names them."""
    at: datetime


class MineOut(BaseModel):
    """The caller's own place in a stage."""

    listed: bool
    """They act in it."""
    submitted: bool
    missed: bool
    """Its deadline passed without their turn (on the record)."""


class ReminderSeenOut(BaseModel):
    """A listed participant's latest reminder in a stage (hearing_server/stage_reminders.py)."""

    participant_id: int
    at: datetime
    by: str | None
    """The bench member who reminded them, as the timeline names them; null: the sweep."""
    reason: Literal["turn", "question"]
    """``turn``: no statement yet; ``question``: a question to them unanswered."""
    count: int
    """How many reminders they had in this stage."""


class StageOut(BaseModel):
    id: int
    hearing_id: int
    seq: int
    kind: StageKind
    title: str | None
    participant_ids: list[int]
    opens_at: datetime
    deadline: datetime
    visibility: Visibility
    state: StageState
    closed_at: datetime | None
    extensions: list[ExtensionOut]
    mine: MineOut | None = Field(description="The caller's place in it; null for staff.")
    reminded_at: datetime | None = Field(
        description="The caller's latest reminder in it; null if none, and for staff."
    )
    reminders: list[ReminderSeenOut] = Field(
        description="For staff: each listed participant's latest reminder; empty for a participant.",
    )


class StageList(BaseModel):
    items: list[StageOut]
    live_at: datetime | None = Field(
        default=None,
        description="When the court turned the hearing into a live one (POST "
        "/hearings/{id}/staggered/live); null while it is staggered.",
    )


class LiveOut(BaseModel):
    live_at: datetime


class StartedOut(BaseModel):
    started_at: datetime


class ClosedOut(BaseModel):
    closed_at: datetime
    recording_id: int = Field(description="The sealed record (GET /recordings/{id}).")
    verification_code: str = Field(description="The seal's code, as the live seal's at close.")


class TurnOut(BaseModel):
    id: int
    stage_id: int
    participant_id: int
    name: str
    role: Role
    kind: Literal["text", "video"]
    text: str | None
    media_url: str | None
    """Where the statement plays (byte ranges): ``/api/v1/turns/{id}/media``; null for text."""
    media_type: str | None
    duration_s: float | None
    size: int | None
    sha256: str
    """Of the file's bytes as they arrived, or of the text in UTF-8."""
    submitted_at: datetime
    corrects_id: int | None


class TurnList(BaseModel):
    items: list[TurnOut]


class TurnUploadOut(BaseModel):
    upload_id: int
    offset: int = Field(description="Bytes received: the next chunk starts here.")
    chunk_size: int = Field(description="A good size for each chunk (any size is taken).")


class QuestionAnswerOut(BaseModel):
    text: str
    answered_at: datetime


class QuestionUploadOut(TurnUploadOut):
    """A recorded question's upload: its chunks go to ``/api/v1/question-uploads/{upload_id}``."""


class QuestionOut(BaseModel):
    id: int
    stage_id: int
    participant_id: int
    text: str
    """What it asks in words (a recorded question's too)."""
    asked_at: datetime
    asked_by: str
    answer: QuestionAnswerOut | None
    media_url: str | None
    """Where a recorded question plays (byte ranges): ``/api/v1/questions/{id}/media``; null
    for a written one, as are the three below."""
    media_type: str | None
    duration_s: float | None
    sha256: str | None
    """Of the recorded file's bytes as they arrived."""


class QuestionList(BaseModel):
    items: list[QuestionOut]


class ReminderOut(BaseModel):
    id: int
    stage_id: int
    participant_id: int
    name: str
    reason: Literal["turn", "question"]
    deadline: datetime
    """The stage's deadline they were reminded of."""
    by: str | None
    at: datetime


class ReminderList(BaseModel):
    items: list[ReminderOut]
