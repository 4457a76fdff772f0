"""Log lines carry the hearing and participant of the task that wrote them."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import pytest

from hearing_server.logs import JsonFormatter, TextFormatter
from signaling.log_context import bind


@pytest.fixture
def captured() -> tuple[logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream, handler


async def test_json_lines_carry_each_tasks_own_ids(
    captured: tuple[logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]],
) -> None:
    logger, stream, handler = captured
    handler.setFormatter(JsonFormatter())

    async def participant(hearing_id: int, participant_id: int) -> None:
        bind(hearing_id=hearing_id)
        bind(participant_id=participant_id)
        await asyncio.sleep(0)
        logger.info("joined %s", "waiting")

    await asyncio.gather(participant(7, 1), participant(8, 2))
    logger.warning("outside any hearing")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line.get("hearing_id"), line.get("participant_id")) for line in lines] == [
        (7, 1),
        (8, 2),
        (None, None),
    ]
    assert lines[0]["message"] == "joined waiting" and lines[0]["level"] == "INFO"
    assert lines[2]["level"] == "WARNING" and lines[0]["time"].endswith("+00:00")


async def test_text_lines_are_prefixed_with_the_ids(
    captured: tuple[logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]],
) -> None:
    logger, stream, handler = captured
    handler.setFormatter(TextFormatter())

    async def task() -> None:
        bind(hearing_id=3, participant_id=4)
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.exception("failed")

    await asyncio.create_task(task())
    text = stream.getvalue()
    assert text.startswith("hearing_id=3 participant_id=4 ")
    assert "RuntimeError: boom" in text
