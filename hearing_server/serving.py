"""Running the app until told to stop, draining first.

The first SIGTERM starts a drain: `/readyz` turns 503, no new hearing starts here, and the
hearings already running go on until nobody is left in them or `drain_seconds` pass; then the
server stops as on SIGINT (recordings are finalised by the app's cleanup). A second SIGTERM, or
SIGINT, stops at once. With several processes a new join then lands on another one.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.log import server_logger as server_log

from config import Settings
from hearing_server.keys import LIVE_HEARINGS

log = logging.getLogger(__name__)

DRAIN_POLL_SECONDS = 0.5


class BadHttpRequests(logging.Filter):
    """aiohttp answers a request it cannot parse (a request line over 8190 bytes, a broken
    header) with 400 and logs the parser's traceback: anyone could fill the log with those.
    They become one warning line naming the client and the fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg = f"{record.getMessage()}: {type(error).__name__} ({error.code})"
            record.args, record.exc_info, record.exc_text = (), None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


async def serve_until_stopped(
    app: web.Application, settings: Settings, ssl_context: ssl.SSLContext | None
) -> None:
    # aiohttp's keep-alive timer runs from the connection's start until a request is complete,
    # so it also ends connections that dribble their headers (slowloris); upgraded websockets
    # have a running handler and are left alone
    runner = web.AppRunner(app, handle_signals=False, keepalive_timeout=settings.http_idle_seconds)
    server_log.addFilter(BadHttpRequests())
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port, ssl_context=ssl_context)
        await site.start()
        stop = asyncio.Event()
        draining: list[asyncio.Task[None]] = []
        loop = asyncio.get_running_loop()

        def on_sigterm() -> None:
            if draining:
                log.info("second SIGTERM: stopping now")
                stop.set()
            else:
                draining.append(asyncio.create_task(_drain(app, settings.drain_seconds, stop)))

        loop.add_signal_handler(signal.SIGTERM, on_sigterm)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        for task in draining:
            task.cancel()
    finally:
        await runner.cleanup()


async def _drain(app: web.Application, limit: float, stop: asyncio.Event) -> None:
    hearings = app[LIVE_HEARINGS]
    hearings.accepting = False
    log.info("draining: no new hearings; waiting up to %.0f s for running ones", limit)
    deadline = asyncio.get_running_loop().time() + limit
    # `busy` changes in many places (joins, leaves, grace timers): polling is the simple way
    while hearings.busy and asyncio.get_running_loop().time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(DRAIN_POLL_SECONDS)
    if hearings.busy:
        log.warning("drain time is up with hearings still running: stopping them")
    else:
        log.info("drained: no hearing has anyone left in it")
    stop.set()
