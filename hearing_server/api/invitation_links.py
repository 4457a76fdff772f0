"""Issuing a participant a new invitation link from a request (the old one stops working): on
this server's base URL, valid for the hours asked or else the configured lifetime."""

from __future__ import annotations

from datetime import timedelta

from hearing_server.api.outputs import InvitationOut
from hearing_server.api.routing import Ctx
from hearing_server.db.models import Participant
from hearing_server.invitations import issue_invitation
from hearing_server.keys import SETTINGS, SOCKETS
from signaling.cluster.bus import tell_live_hearings
from signaling.cluster.live_hearings import end_invitation


def new_invitation(ctx: Ctx, participant: Participant, hours: float | None) -> InvitationOut:
    settings = ctx.request.app[SETTINGS]
    lifetime = timedelta(hours=settings.invitation_ttl_hours if hours is None else hours)
    issued = issue_invitation(participant, settings.base_url, lifetime)
    return InvitationOut(**vars(issued))


async def end_connection(ctx: Ctx, participant: Participant, code: str) -> None:
    """End the participant's live connection, on whichever process holds their hearing: the
    invitation it was made with no longer works. Committed first, so that a reconnection with
    the old token is already refused."""
    await ctx.db.commit()
    await tell_live_hearings(
        ctx.request.app[SOCKETS], end_invitation(participant.hearing_id, participant.id, code)
    )
