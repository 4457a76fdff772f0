"""Inviting a creditors' meeting's creditors in bulk (docs/architecture.md#votes): a CSV list of
names, claims, groups and contacts (court/creditor_list.py) makes, for each row, a creditor
participant, their invitation link and their claim, at once. A list with any bad row makes
nothing: the answer names every bad cell by line and column (422 ``bad_rows``).

The contact is handed back beside each invitation link, for the clerk to send it; it is not kept.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from court.creditor_list import parse_creditors
from court.kinds import HearingKind
from court.permissions import Action
from court.roles import Role
from court.votes import ClaimGroup
from hearing_server.api.bad_rows import bad_rows
from hearing_server.api.errors import ApiError
from hearing_server.api.invitation_links import new_invitation
from hearing_server.api.outputs import InvitationOut
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import hearing_for_action
from hearing_server.audit import audit
from hearing_server.db.models import Participant
from hearing_server.db.vote_rows import ClaimRow
from hearing_server.votes import vote_open

MAX_CSV = 100_000
"""Characters of a list: 2,000 rows of a name, an amount, a group and a contact fit."""


class CreditorImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    csv: StrictStr = Field(min_length=1, max_length=MAX_CSV)
    """The list as CSV text (UTF-8; saved from a spreadsheet as CSV)."""
    valid_hours: float | None = Field(default=None, gt=0, le=24 * 90)
    """How long the invitations work (else the server's default)."""


class ImportedCreditor(BaseModel):
    line: int
    participant_id: int
    name: str
    amount_fen: int
    group: ClaimGroup
    contact: str
    invitation: InvitationOut


class CreditorImportOut(BaseModel):
    items: list[ImportedCreditor]


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/creditors/import",
        summary="Invite creditors in bulk from a CSV list, with their claims (all or none)",
        tag="votes",
        body=CreditorImportIn,
        response=CreditorImportOut,
        status=201,
        body_limit=4 * MAX_CSV + 1024,
    )
    async def import_creditors(ctx: Ctx, body: CreditorImportIn) -> CreditorImportOut:
        hearing, who = await hearing_for_action(
            ctx, ctx.ids["hearing_id"], Action.MANAGE_PARTICIPANTS
        )
        ctx.require(Action.MANAGE_VOTES, hearing.state)
        if hearing.kind is not HearingKind.CREDITORS_MEETING:
            raise ApiError(
                409, "not_a_creditors_meeting", f"hearing {hearing.id} is a {hearing.kind}"
            )
        open_motion = await vote_open(ctx.db, hearing.id)
        if open_motion is not None:
            raise ApiError(
                409, "vote_open", f"the vote on motion {open_motion.seq} is open: close it first"
            )
        creditors, problems = parse_creditors(body.csv)
        if problems:
            raise bad_rows(problems)
        items: list[ImportedCreditor] = []
        for row in creditors:
            participant = Participant(hearing_id=hearing.id, role=Role.CREDITOR, name=row.name)
            invitation = new_invitation(ctx, participant, body.valid_hours)
            ctx.db.add(participant)
            await ctx.db.flush()
            ctx.db.add(
                ClaimRow(
                    hearing_id=hearing.id,
                    participant_id=participant.id,
                    amount_fen=row.amount_fen,
                    group=row.group,
                    set_by=who.label,
                )
            )
            items.append(
                ImportedCreditor(
                    line=row.line,
                    participant_id=participant.id,
                    name=row.name,
                    amount_fen=row.amount_fen,
                    group=row.group,
                    contact=row.contact,
                    invitation=invitation,
                )
            )
        await ctx.db.flush()
        audit(
            ctx.db,
            who.label,
            "import_creditors",
            "hearing",
            hearing.id,
            ctx.client_ip,
            {"creditors": len(items)},
        )
        return CreditorImportOut(items=items)
