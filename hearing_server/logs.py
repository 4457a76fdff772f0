"""Log output: readable text for a terminal, or one JSON object per line for a log collector.

Both carry the hearing and participant ids of the task that logged (signaling/log_context.py);
names of people are kept out of the logs, the timeline in the database has them.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Literal

from signaling.log_context import LOG_CONTEXT

LogFormat = Literal["text", "json"]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **LOG_CONTEXT.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = LOG_CONTEXT.get()
        if not ids:
            return text
        return " ".join(f"{key}={value}" for key, value in ids.items()) + " " + text


def configure_logging(log_format: LogFormat, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic logs each plugin it registers, at INFO, when it is first imported: the command
    # line imports it only for a command that opens the database, after logging is set up.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
