"""The live hearing: one hearing while people are connected (``hearing.py`` puts it together)."""

from signaling.live.audience import Link
from signaling.live.hearing import LiveHearing
from signaling.live.members import INVITATION_ENDINGS
from signaling.live.refusals import ActionError

__all__ = ["INVITATION_ENDINGS", "ActionError", "Link", "LiveHearing"]
