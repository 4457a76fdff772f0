"""The composition root: the one place that wires the server's parts together."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from aiohttp import web
from aiortc import RTCIceServer
from redis.asyncio import Redis

from config import Settings
from hearing_server.api import (
    accounts_api,
    agreements_api,
    bench_grants_api,
    broadcast_api,
    case_import_api,
    cases_api,
    consent_api,
    creditor_import_api,
    deliberation_api,
    exchange_api,
    exhibit_files_api,
    exhibit_links_api,
    exhibit_pages_api,
    exhibit_uploads_api,
    exhibits_api,
    identity_checks_api,
    invitation_delivery_api,
    notices_api,
    opinions_api,
    outcomes_api,
    participants_api,
    question_uploads_api,
    questions_api,
    recording_archive_api,
    recording_detail_api,
    recording_grants_api,
    recording_seal_api,
    recording_transcript_api,
    recording_transcript_pdf_api,
    recordings_api,
    reminders_api,
    session_api,
    sittings_api,
    stages_api,
    staggered_close_api,
    staggered_live_api,
    transcript_api,
    transcript_confirmations_api,
    transcript_signing_api,
    turn_uploads_api,
    turns_api,
    votes_api,
)
from hearing_server.api.errors import error_middleware, error_response
from hearing_server.api.routing import Api
from hearing_server.auth import PasswordChecker
from hearing_server.broadcast_files import add_broadcast_files
from hearing_server.broadcasts import BroadcastService
from hearing_server.db.database import Database
from hearing_server.exhibit_links import exhibit_link_secret
from hearing_server.exhibit_store import exhibit_limits
from hearing_server.invitation_delivery import InvitationSender
from hearing_server.keys import (
    BROADCASTS,
    DATABASE,
    INVITATION_SENDER,
    LIVE_HEARINGS,
    LOGIN_THROTTLE,
    PAGE_PREPARATION,
    PASSWORD_CHECKER,
    PUBLIC_PAGES,
    QUESTION_UPLOADS_BUSY,
    RECORDINGS,
    REDIS,
    SETTINGS,
    SOCKETS,
    TRANSCRIPT_FILING,
    TURN_UPLOADS_BUSY,
    UPLOADS_BUSY,
)
from hearing_server.live_store import DatabaseHearingStore
from hearing_server.login_throttle import LocalLoginThrottle, LoginLimits, RedisLoginThrottle
from hearing_server.memory import release_free_memory
from hearing_server.operations import metrics, readyz
from hearing_server.page_preparation import PagePreparation
from hearing_server.records.archive import recording_storage
from hearing_server.records.service import RecordingService
from hearing_server.stage_deadlines import StageDeadlines
from hearing_server.transcript_filing import TranscriptFiling
from hearing_server.web_pages import add_web_pages
from signaling.background import BackgroundTasks
from signaling.cluster.bus import socket_manager
from signaling.cluster.live_hearings import LiveHearings
from signaling.cluster.placement import LocalPlacement, Node, Placement
from signaling.cluster.redis_placement import RedisPlacement
from signaling.ice import IceConfig, TurnRest
from signaling.namespace import HearingNamespace
from signaling.socket_server import HearingSocketServer

log = logging.getLogger(__name__)

API_VERSION = "0.1.0"


def build_api() -> Api:
    api = Api("/api/v1", "Virtual courtroom server", API_VERSION)
    for module in (
        session_api,
        accounts_api,
        cases_api,
        participants_api,
        bench_grants_api,
        deliberation_api,
        consent_api,
        notices_api,
        recordings_api,
        recording_detail_api,
        recording_archive_api,
        recording_seal_api,
        recording_transcript_api,
        recording_transcript_pdf_api,
        identity_checks_api,
        recording_grants_api,
        exhibits_api,
        exhibit_uploads_api,
        exhibit_files_api,
        exhibit_links_api,
        exhibit_pages_api,
        exchange_api,
        opinions_api,
        transcript_api,
        transcript_signing_api,
        transcript_confirmations_api,
        votes_api,
        outcomes_api,
        broadcast_api,
        agreements_api,
        creditor_import_api,
        invitation_delivery_api,
        case_import_api,
        sittings_api,
        stages_api,
        staggered_close_api,
        staggered_live_api,
        turns_api,
        turn_uploads_api,
        questions_api,
        question_uploads_api,
        reminders_api,
    ):
        module.register(api)
    return api


def create_app(settings: Settings) -> web.Application:
    """An application for ``settings``; the database must already be migrated."""
    app = web.Application(
        middlewares=[error_middleware, session_api.refuse_throttled_addresses],
        client_max_size=settings.max_request_bytes,
    )
    app[SETTINGS] = settings
    app[UPLOADS_BUSY] = set()
    app[PUBLIC_PAGES] = {}
    app[TURN_UPLOADS_BUSY] = set()
    app[QUESTION_UPLOADS_BUSY] = set()
    app.cleanup_ctx.append(_shared_state)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_live_hearings)
    app.cleanup_ctx.append(_page_preparation)
    app.cleanup_ctx.append(_transcript_filing)
    app.cleanup_ctx.append(_stage_deadlines)
    app.cleanup_ctx.append(_invitation_sender)
    app.cleanup_ctx.append(_free_memory_release)
    # Same-origin only (the default): a page elsewhere cannot ride a staff member's cookie.
    sio = HearingSocketServer(
        async_mode="aiohttp",
        max_http_buffer_size=settings.max_request_bytes,
        client_manager=socket_manager(settings.redis_url, settings.redis_prefix),
        # pages come from public_url; with several processes they connect to each one's own URL
        cors_allowed_origins=_origins(settings),
    )
    sio.attach(app, socketio_path="socket.io")
    app[SOCKETS] = sio
    api = build_api()
    api.add_routes(app)
    document: dict[str, object] = {}

    async def openapi_json(request: web.Request) -> web.Response:
        if not document:  # built on first request: it takes a while and most runs never ask
            document.update(api.openapi())
        return web.json_response(document)

    app.router.add_get("/api/openapi.json", openapi_json)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    add_broadcast_files(app)
    add_web_pages(app, settings.web_dir)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    database = Database(app[SETTINGS].database_url)
    try:
        await database.check_migrated()
        app[DATABASE] = database
        yield
    finally:
        await database.close()


async def _page_preparation(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    preparation = PagePreparation(
        recording_storage(settings), exhibit_limits(settings), settings.exhibit_prepare_pages
    )
    app[PAGE_PREPARATION] = preparation
    yield
    await preparation.close()


async def _transcript_filing(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    filing = TranscriptFiling(
        app[DATABASE],
        recording_storage(settings),
        settings.signing_key_path,
        settings.court_language,
        settings.court_timezone,
    )
    app[TRANSCRIPT_FILING] = filing
    background = BackgroundTasks(log, "filing closed transcripts")
    background.spawn(filing.run())
    yield
    await background.close()


async def _invitation_sender(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    sender = InvitationSender(app[DATABASE], settings.mail, settings.sms)
    app[INVITATION_SENDER] = sender
    yield
    await sender.close()


async def _stage_deadlines(app: web.Application) -> AsyncIterator[None]:
    background = BackgroundTasks(log, "closing stages past their deadline")
    background.spawn(StageDeadlines(app[DATABASE]).run())
    yield
    await background.close()


async def _live_hearings(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    ice = IceConfig(
        [RTCIceServer(s.urls, s.username, s.credential) for s in settings.ice_servers],
        turn=(
            TurnRest(
                settings.turn_urls,
                settings.turn_secret.get_secret_value(),
                settings.turn_ttl_seconds,
            )
            if settings.turn_secret is not None
            else None
        ),
    )
    recordings = RecordingService(
        app[DATABASE],
        settings,
        alert=lambda hearing_id, message: hearings.alert(hearing_id, "recording_failed", message),
    )
    app[RECORDINGS] = recordings
    broadcasts = BroadcastService(recordings, app[DATABASE], settings)
    app[BROADCASTS] = broadcasts
    placement = _placement(settings, app[REDIS])
    await recordings.recover(placement)  # of the hearings no live process holds
    link_secret = await asyncio.to_thread(exhibit_link_secret, settings.signing_key_path)
    hearings = LiveHearings(
        DatabaseHearingStore(
            app[DATABASE],
            recording_storage(settings),
            link_secret,
            settings.exhibit_link_seconds,
        ),
        ice,
        settings.reconnect_grace_seconds,
        observer=broadcasts,
        placement=placement,
        stall_seconds=settings.media_stall_seconds,
    )
    app[LIVE_HEARINGS] = hearings
    app[SOCKETS].register_namespace(HearingNamespace(hearings))
    app[SOCKETS].manager.on_command = hearings.command  # from any process (cluster/bus.py)
    await placement.start(hearings.load)
    broadcasts.start()
    yield
    await hearings.shutdown()
    await placement.stop()
    await broadcasts.shutdown()
    await recordings.shutdown()


async def _free_memory_release(app: web.Application) -> AsyncIterator[None]:
    background = BackgroundTasks(log, "releasing free memory")
    background.spawn(release_free_memory())
    yield
    await background.close()


async def _shared_state(app: web.Application) -> AsyncIterator[None]:
    """What the processes of one deployment share through Redis, or keep in memory alone."""
    settings = app[SETTINGS]
    limits = LoginLimits(
        per_pair=settings.login_attempts,
        per_address=settings.login_address_attempts,
        per_account=settings.login_account_attempts,
        window=settings.login_window_seconds,
    )
    checker = PasswordChecker(settings.password_check_workers, settings.password_check_queue)
    app[PASSWORD_CHECKER] = checker
    if settings.redis_url is None:
        app[REDIS] = None
        app[LOGIN_THROTTLE] = LocalLoginThrottle(limits)
        try:
            yield
        finally:
            checker.close()
        return
    # fail fast when Redis is away: a join then gets a clear error instead of hanging
    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    app[REDIS] = redis
    app[LOGIN_THROTTLE] = RedisLoginThrottle(redis, settings.redis_prefix, limits)
    try:
        yield
    finally:
        await redis.aclose()
        checker.close()


def _placement(settings: Settings, redis: Redis | None) -> Placement:
    node = Node(uuid.uuid4().hex[:12], settings.own_url)
    if redis is None:
        return LocalPlacement(node)
    return RedisPlacement(redis, node, settings.redis_prefix)


def _origins(settings: Settings) -> list[str] | None:
    """None (same origin only) for one process; the public origin too when there are several."""
    if settings.redis_url is None:
        return None
    origin = urlsplit(settings.base_url)
    own = urlsplit(settings.own_url)
    return sorted({f"{origin.scheme}://{origin.netloc}", f"{own.scheme}://{own.netloc}"})


async def healthz(request: web.Request) -> web.Response:
    try:
        await request.app[DATABASE].ping()
    except Exception as exc:  # any driver error means the same thing here: not healthy
        return error_response(
            503, "database_unavailable", f"the database does not answer: {type(exc).__name__}"
        )
    return web.json_response({"status": "ok", "database": "ok", "version": API_VERSION})
