"""Court administration: courts, courtrooms, staff accounts, detention centres and terminals."""

from __future__ import annotations

import secrets

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from court.permissions import Action
from court.roles import Role
from hearing_server.api.creation import add_audited
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import Code, Id, Name, Password, StaffRole
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import get_or_404
from hearing_server.auth import hash_password
from hearing_server.db.models import Court, Courtroom, DetentionCentre, Terminal, User


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CourtIn(BaseModel):
    code: Code
    name: Name


class CourtOut(Out):
    id: int
    code: str
    name: str


class CourtList(BaseModel):
    items: list[CourtOut]


class CourtroomIn(BaseModel):
    name: Name


class CourtroomOut(Out):
    id: int
    court_id: int
    name: str


class CourtroomList(BaseModel):
    items: list[CourtroomOut]


class UserIn(BaseModel):
    username: Code
    display_name: Name
    role: StaffRole
    court_id: Id | None = None
    password: Password


class UserOut(Out):
    id: int
    username: str
    display_name: str
    role: Role
    court_id: int | None
    active: bool


class UserList(BaseModel):
    items: list[UserOut]


class CentreIn(BaseModel):
    name: Name


class CentreOut(Out):
    id: int
    name: str


class CentreList(BaseModel):
    items: list[CentreOut]


class TerminalIn(BaseModel):
    name: Name


class TerminalOut(Out):
    id: int
    centre_id: int
    name: str
    active: bool


class TerminalCreated(BaseModel):
    terminal: TerminalOut
    secret: str
    """Shown once: the device keeps it; the server keeps only its hash."""


def register(api: Api) -> None:
    _register_courts(api)
    _register_users(api)
    _register_detention_centres(api)


def _register_courts(api: Api) -> None:
    @api.route(
        "POST",
        "/courts",
        summary="Create a court",
        tag="admin",
        body=CourtIn,
        response=CourtOut,
        status=201,
    )
    async def create_court(ctx: Ctx, body: CourtIn) -> CourtOut:
        who = ctx.require(Action.MANAGE_ACCOUNTS)
        if await ctx.db.scalar(select(Court).where(Court.code == body.code)):
            raise ApiError(409, "conflict", f"a court with code {body.code!r} exists")
        court = Court(code=body.code, name=body.name)
        await add_audited(ctx, who, court, "create", "court")
        return CourtOut.model_validate(court)

    @api.route("GET", "/courts", summary="List courts", tag="admin", response=CourtList)
    async def list_courts(ctx: Ctx) -> CourtList:
        ctx.user  # noqa: B018 - any logged-in caller may see the court names
        courts = await ctx.db.scalars(select(Court).order_by(Court.id))
        return CourtList(items=[CourtOut.model_validate(c) for c in courts])

    @api.route(
        "POST",
        "/courts/{court_id}/courtrooms",
        summary="Add a courtroom",
        tag="admin",
        body=CourtroomIn,
        response=CourtroomOut,
        status=201,
    )
    async def create_courtroom(ctx: Ctx, body: CourtroomIn) -> CourtroomOut:
        who = ctx.require(Action.MANAGE_ACCOUNTS)
        court = await get_or_404(ctx, Court, ctx.ids["court_id"], "court")
        room = Courtroom(court_id=court.id, name=body.name)
        await add_audited(ctx, who, room, "create", "courtroom")
        return CourtroomOut.model_validate(room)

    @api.route(
        "GET",
        "/courts/{court_id}/courtrooms",
        summary="List a court's courtrooms",
        tag="admin",
        response=CourtroomList,
    )
    async def list_courtrooms(ctx: Ctx) -> CourtroomList:
        ctx.require(Action.VIEW_RECORDS)
        court = await get_or_404(ctx, Court, ctx.ids["court_id"], "court")
        rooms = await ctx.db.scalars(
            select(Courtroom).where(Courtroom.court_id == court.id).order_by(Courtroom.id)
        )
        return CourtroomList(items=[CourtroomOut.model_validate(r) for r in rooms])


def _register_users(api: Api) -> None:
    @api.route(
        "POST",
        "/users",
        summary="Create a staff account",
        tag="admin",
        body=UserIn,
        response=UserOut,
        status=201,
    )
    async def create_user(ctx: Ctx, body: UserIn) -> UserOut:
        who = ctx.require(Action.MANAGE_ACCOUNTS)
        if body.court_id is not None and await ctx.db.get(Court, body.court_id) is None:
            raise ApiError(422, "invalid_request", f"court {body.court_id} does not exist")
        if body.role is not Role.ADMIN and body.court_id is None:
            raise ApiError(
                422, "invalid_request", "judges and clerks belong to a court: give court_id"
            )
        if await ctx.db.scalar(select(User).where(User.username == body.username)):
            raise ApiError(409, "conflict", f"the username {body.username!r} is taken")
        user = User(
            username=body.username,
            display_name=body.display_name,
            role=body.role,
            court_id=body.court_id,
            password_hash=hash_password(body.password),
        )
        await add_audited(ctx, who, user, "create", "user", {"role": body.role})
        return UserOut.model_validate(user)

    @api.route("GET", "/users", summary="List staff accounts", tag="admin", response=UserList)
    async def list_users(ctx: Ctx) -> UserList:
        who = ctx.require(Action.VIEW_RECORDS)
        query = select(User).order_by(User.id)
        if who.role is not Role.ADMIN:
            query = query.where(User.court_id == who.court_id)
        return UserList(items=[UserOut.model_validate(u) for u in await ctx.db.scalars(query)])


def _register_detention_centres(api: Api) -> None:
    @api.route(
        "POST",
        "/detention-centres",
        summary="Register a detention centre",
        tag="admin",
        body=CentreIn,
        response=CentreOut,
        status=201,
    )
    async def create_centre(ctx: Ctx, body: CentreIn) -> CentreOut:
        who = ctx.require(Action.MANAGE_ACCOUNTS)
        if await ctx.db.scalar(select(DetentionCentre).where(DetentionCentre.name == body.name)):
            raise ApiError(409, "conflict", f"a detention centre named {body.name!r} exists")
        centre = DetentionCentre(name=body.name)
        await add_audited(ctx, who, centre, "create", "detention_centre")
        return CentreOut.model_validate(centre)

    @api.route(
        "GET",
        "/detention-centres",
        summary="List detention centres",
        tag="admin",
        response=CentreList,
    )
    async def list_centres(ctx: Ctx) -> CentreList:
        ctx.require(Action.VIEW_RECORDS)
        centres = await ctx.db.scalars(select(DetentionCentre).order_by(DetentionCentre.id))
        return CentreList(items=[CentreOut.model_validate(c) for c in centres])

    @api.route(
        "POST",
        "/detention-centres/{centre_id}/terminals",
        summary="Register a terminal; returns its secret once",
        tag="admin",
        body=TerminalIn,
        response=TerminalCreated,
        status=201,
    )
    async def create_terminal(ctx: Ctx, body: TerminalIn) -> TerminalCreated:
        who = ctx.require(Action.MANAGE_ACCOUNTS)
        centre = await get_or_404(ctx, DetentionCentre, ctx.ids["centre_id"], "detention centre")
        secret = secrets.token_urlsafe(24)
        terminal = Terminal(centre_id=centre.id, name=body.name, secret_hash=hash_password(secret))
        await add_audited(ctx, who, terminal, "create", "terminal")
        return TerminalCreated(terminal=TerminalOut.model_validate(terminal), secret=secret)
