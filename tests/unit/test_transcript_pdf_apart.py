"""The transcript's PDF made in a child process (hearing_server/transcript_pdf/apart.py): the
same bytes as in the server's own process; a child past its time is stopped and said so."""

from __future__ import annotations

import pytest

from hearing_server.transcript_pdf import apart, render_pdf
from tests.transcript_documents import sample_document


async def test_the_child_makes_the_same_pdf() -> None:
    document = sample_document(entries=50, signers=3)
    assert await apart.render_apart(document) == render_pdf(document)


async def test_a_child_past_its_wall_time_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apart, "WALL_SECONDS", 0.05)
    with pytest.raises(apart.RenderFailed, match=r"took longer than 0\.05 s"):
        await apart.render_apart(sample_document(entries=2000, signers=20))
