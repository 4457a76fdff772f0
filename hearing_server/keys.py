"""Typed application state shared by the server's parts."""

import socketio
from aiohttp import web
from redis.asyncio import Redis

from config import Settings
from hearing_server.auth import PasswordChecker
from hearing_server.broadcasts import BroadcastService
from hearing_server.db.database import Database
from hearing_server.invitation_delivery import InvitationSender
from hearing_server.login_throttle import LoginThrottle
from hearing_server.page_preparation import PagePreparation
from hearing_server.records.service import RecordingService
from hearing_server.transcript_filing import TranscriptFiling
from signaling.cluster.live_hearings import LiveHearings

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
LOGIN_THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("login_throttle")
PASSWORD_CHECKER = web.AppKey("password_checker", PasswordChecker)
LIVE_HEARINGS = web.AppKey("live_hearings", LiveHearings)
SOCKETS = web.AppKey("sockets", socketio.AsyncServer)
REDIS: web.AppKey[Redis | None] = web.AppKey("redis")
UPLOADS_BUSY: web.AppKey[set[int]] = web.AppKey("uploads_busy")
PUBLIC_PAGES: web.AppKey[dict[int, tuple[float, object]]] = web.AppKey("public_pages")
"""A public hearing's page as lately answered, and until when it may be answered again
(hearing_server/api/broadcast_api.py): the public's pages poll it."""
TURN_UPLOADS_BUSY: web.AppKey[set[int]] = web.AppKey("turn_uploads_busy")
"""Video statements (staggered hearings) whose chunk is arriving: one at a time each."""
QUESTION_UPLOADS_BUSY: web.AppKey[set[int]] = web.AppKey("question_uploads_busy")
"""Recorded questions (staggered hearings) whose chunk is arriving: one at a time each."""
PAGE_PREPARATION = web.AppKey("page_preparation", PagePreparation)
"""Uploads receiving a chunk in this process: a second chunk at the same time is refused."""
TRANSCRIPT_FILING = web.AppKey("transcript_filing", TranscriptFiling)
RECORDINGS = web.AppKey("recordings", RecordingService)
"""The recorders, seals and archive renders of this process (absent before start-up)."""
BROADCASTS = web.AppKey("broadcasts", BroadcastService)
"""The public broadcasts of the hearings this process holds (absent before start-up)."""
INVITATION_SENDER = web.AppKey("invitation_sender", InvitationSender)
