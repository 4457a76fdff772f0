"""The hearings that are live in this process, loaded on first connection."""

from __future__ import annotations

import asyncio

from pydantic import ValidationError

from court.protocol import ConsentView
from court.states import HearingState
from signaling.cluster.bus import Command
from signaling.cluster.placement import (
    LocalPlacement,
    Node,
    NodeLoad,
    Placement,
    PlacementUnavailable,
)
from signaling.ice import IceConfig
from signaling.live import INVITATION_ENDINGS, ActionError, LiveHearing
from signaling.liveness import DEFAULT_STALL_SECONDS
from signaling.observer import MediaObserver
from signaling.store import HearingStore

ENDED = (HearingState.CLOSED, HearingState.CANCELLED)


def end_invitation(hearing_id: int, participant_id: int, code: str) -> Command:
    """The command that ends a participant's connection wherever it is (``code``: why, a key
    of INVITATION_ENDINGS); see ``LiveHearings.command``."""
    return {
        "kind": "end_invitation",
        "hearing_id": hearing_id,
        "participant_id": participant_id,
        "code": code,
    }


def consent_answered(hearing_id: int, participant_id: int, consent: ConsentView) -> Command:
    """The command that shows a participant's answer on taking part online to the bench of
    their live hearing, wherever it is held."""
    return {
        "kind": "consent",
        "hearing_id": hearing_id,
        "participant_id": participant_id,
        "consent": consent.model_dump(mode="json"),
    }


class Moved(ActionError):
    """The hearing is held by another node: connect there."""

    def __init__(self, node: Node) -> None:
        super().__init__("moved", f"this hearing is held by another server: connect to {node.url}")
        self.node = node


class LiveHearings:
    def __init__(
        self,
        store: HearingStore,
        ice: IceConfig | None = None,
        grace_seconds: float = 60.0,
        observer: MediaObserver | None = None,
        placement: Placement | None = None,
        stall_seconds: float = DEFAULT_STALL_SECONDS,
    ) -> None:
        self.store = store
        self.stall_seconds = stall_seconds
        self.placement: Placement = placement or LocalPlacement(Node("local", ""))
        self.observer = observer
        self.ice = ice or IceConfig()
        self.grace_seconds = grace_seconds
        self.hearings: dict[int, LiveHearing] = {}
        self.accepting = True
        """False while the server drains: hearings already live here go on, no new ones start."""
        self._lock = asyncio.Lock()

    async def get(self, hearing_id: int) -> LiveHearing:
        """The live hearing, loaded (or refreshed with participants added since) from the store."""
        async with self._lock:
            record = await self.store.load(hearing_id)
            if record is None:
                raise ActionError("not_found", f"hearing {hearing_id} does not exist")
            live = self.hearings.get(hearing_id)
            if live is None:
                await self._check_placement(hearing_id)
            if live is None and not self.accepting:
                raise ActionError(
                    "draining",
                    "this server is shutting down and starts no new hearings; try again shortly",
                )
            if live is None:
                if self.observer is not None:  # before any media of the hearing starts here
                    await self.observer.placed(hearing_id)
                live = LiveHearing(
                    record,
                    self.store,
                    self.ice,
                    self.grace_seconds,
                    self.observer,
                    self.stall_seconds,
                )
                self.hearings[hearing_id] = live
            for participant in record.participants:
                live.add_participant(participant)
            return live

    async def _check_placement(self, hearing_id: int) -> None:
        try:
            node = await self.placement.claim(hearing_id)
        except PlacementUnavailable as exc:
            raise ActionError(
                "unavailable",
                "the server cannot place this hearing right now (its coordination service is "
                "unreachable); try again in a moment",
            ) from exc
        if node.id != self.placement.node.id:
            raise Moved(node)

    def load(self) -> NodeLoad:
        """This process's load, for the placement heartbeat."""
        busy = [hearing_id for hearing_id, live in self.hearings.items() if live.busy]
        connected = sum(live.connected for live in self.hearings.values())
        return NodeLoad(connected=connected, held=busy, accepting=self.accepting)

    async def left(self, hearing_id: int) -> None:
        """Someone's connection ended: a hearing that is over and empty is let go."""
        async with self._lock:
            live = self.hearings.get(hearing_id)
            if live is None or live.busy or live.room.state not in ENDED:
                return
            del self.hearings[hearing_id]
        await live.shutdown()
        await self.placement.release(hearing_id)

    @property
    def busy(self) -> bool:
        """Some live hearing still has people connected to it."""
        return any(live.busy for live in self.hearings.values())

    async def alert(self, hearing_id: int, kind: str, message: str) -> None:
        """Alert the bench of a live hearing (e.g. its recording failed); nobody if not live."""
        live = self.hearings.get(hearing_id)
        if live is not None:
            await live.alert(kind, None, message)

    async def command(self, command: Command) -> None:
        """A command sent to the live hearings of every process: acted on here if this process
        holds the hearing it names (only one does)."""
        hearing_id, participant_id = command.get("hearing_id"), command.get("participant_id")
        live = self.hearings.get(hearing_id) if isinstance(hearing_id, int) else None
        if live is None or not isinstance(participant_id, int):
            return
        code = command.get("code")
        if command.get("kind") == "end_invitation" and code in INVITATION_ENDINGS:
            await live.end_invitation(participant_id, code)
        elif command.get("kind") == "consent":
            try:
                consent = ConsentView.model_validate(command.get("consent"))
            except ValidationError:
                return
            await live.consent_answered(participant_id, consent)

    async def shutdown(self) -> None:
        for hearing_id, live in self.hearings.items():
            await live.shutdown()
            await self.placement.release(hearing_id)
        self.hearings.clear()
