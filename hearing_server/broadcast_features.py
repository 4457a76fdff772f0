"""The exhibits presented in a broadcast hearing, drawn for its broadcast as the archive draws
them (docs/architecture.md#public-broadcast): from the hearing's timeline (`presentations`),
each PDF page or image shown drawn once (`features.archive_features`, in a thread) into a folder
the public never reaches, handed to the broadcast process as `recording.render.Feature`s.

An audio or video exhibit is a card saying whether it plays: its sound is played in each
participant's browser and is not on the record, so not in the broadcast either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import ExhibitFile, HearingEvent
from hearing_server.exhibit_store import exhibit_limits
from hearing_server.records.archive import recording_storage
from hearing_server.records.features import ExhibitSource, FeatureInputs, archive_features
from hearing_server.records.presentations import presentations
from recording.render import Feature

PRESENTING = (
    "exhibit_presented",
    "presentation_page",
    "presentation_playback",
    "presentation_stopped",
)
"""The timeline entries of presenting an exhibit."""
_EVER = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
"""Bounds that hold any presentation (one still shown lasts until further notice)."""


class BroadcastFeatures:
    def __init__(self, database: Database, settings: Settings, folder: Path) -> None:
        """`folder`: where each hearing's drawn pages go (never served)."""
        self._database = database
        self._settings = settings
        self._folder = folder
        self._storage = recording_storage(settings)
        self._limits = exhibit_limits(settings)

    async def features(self, hearing_id: int, events: Sequence[HearingEvent]) -> list[Feature]:
        """What the hearing's presenting entries (`PRESENTING`, in time order) show."""
        shown = presentations(events, _EVER[1])
        async with self._database.session() as db:
            files = {
                row.id: ExhibitSource(row.sha256, row.media_type)
                for row in await db.scalars(
                    select(ExhibitFile).where(ExhibitFile.id.in_({p.file_id for p in shown}))
                )
            }
        inputs = FeatureInputs(
            self._storage,
            self._folder / f"hearing-{hearing_id}",
            files,
            {},
            {},
            self._limits,
            self._settings.broadcast.width,
            self._settings.court_language,
        )
        featured = await asyncio.to_thread(archive_features, inputs, shown, (), _EVER, False)
        return list(featured.features)
