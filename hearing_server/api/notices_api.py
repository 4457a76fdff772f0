"""Court notices: a short text from the bench to everyone connected to a hearing.

Posted over REST, so it can come from any server process: the socket.io message bus carries it
to the process that holds the hearing (docs/architecture.md#several-processes). People in the
waiting room see it too.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from court.permissions import Action
from court.protocol import NoticeOut
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import hearing_for_action
from hearing_server.audit import audit
from hearing_server.db.models import HearingEvent
from hearing_server.keys import SOCKETS
from signaling.namespace import NAMESPACE, hearing_room


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=500)


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/notices",
        summary="Send a notice to everyone connected to the hearing",
        tag="hearings",
        body=NoticeIn,
        response=NoticeOut,
        status=201,
    )
    async def post_notice(ctx: Ctx, body: NoticeIn) -> NoticeOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.POST_NOTICE)
        notice = NoticeOut(hearing_id=hearing.id, text=body.text, by=who.name, at=datetime.now(UTC))
        ctx.db.add(
            HearingEvent(
                hearing_id=hearing.id, kind="notice", actor=who.label, data={"text": body.text}
            )
        )
        audit(ctx.db, who.label, "post_notice", "hearing", hearing.id, ctx.client_ip)
        await ctx.db.flush()
        await ctx.request.app[SOCKETS].emit(
            "notice",
            notice.model_dump(mode="json"),
            room=hearing_room(hearing.id),
            namespace=NAMESPACE,
        )
        return notice
