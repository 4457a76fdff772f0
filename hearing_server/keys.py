"""Typed application state shared by the server's parts."""

import socketio
from aiohttp import web

from config import Settings
from hearing_server.auth import LoginThrottle
from hearing_server.db.database import Database
from signaling.registry import LiveHearings

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)
LIVE_HEARINGS = web.AppKey("live_hearings", LiveHearings)
SOCKETS = web.AppKey("sockets", socketio.AsyncServer)
