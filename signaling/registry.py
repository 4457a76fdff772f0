"""The hearings that are live in this process, loaded on first connection."""

from __future__ import annotations

import asyncio

from signaling.ice import IceConfig
from signaling.live import ActionError, LiveHearing
from signaling.observer import MediaObserver
from signaling.store import HearingStore


class LiveHearings:
    def __init__(
        self,
        store: HearingStore,
        ice: IceConfig | None = None,
        grace_seconds: float = 60.0,
        observer: MediaObserver | None = None,
    ) -> None:
        self.store = store
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
            if live is None and not self.accepting:
                raise ActionError(
                    "draining",
                    "this server is shutting down and starts no new hearings; try again shortly",
                )
            if live is None:
                live = LiveHearing(record, self.store, self.ice, self.grace_seconds, self.observer)
                self.hearings[hearing_id] = live
            for p in record.participants:
                live.add_participant(
                    p.id, p.role, p.name, p.side, p.represents_id, p.identity_verified
                )
            return live

    @property
    def busy(self) -> bool:
        """Some live hearing still has people connected to it."""
        return any(live.busy for live in self.hearings.values())

    async def alert(self, hearing_id: int, kind: str, message: str) -> None:
        """Alert the bench of a live hearing (e.g. its recording failed); nobody if not live."""
        live = self.hearings.get(hearing_id)
        if live is not None:
            await live.alert(kind, None, message)

    async def shutdown(self) -> None:
        for live in self.hearings.values():
            await live.shutdown()
        self.hearings.clear()
