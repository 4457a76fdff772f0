"""Declaring endpoints once: the same declaration routes requests, validates them and
writes the OpenAPI document, so the document cannot drift from the code.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from court.permissions import Action, refusal
from court.states import HearingState
from hearing_server.api.conditional import IF_NONE_MATCH, conditional_json, state_etag
from hearing_server.api.errors import ApiError, ErrorBody, validation_details
from hearing_server.api.principal import resolve_principal
from hearing_server.api.raw_body import RawBody, header_parameter, raw_headers
from hearing_server.auth import Principal
from hearing_server.client_address import client_address
from hearing_server.identity import SESSION_COOKIE, session_principal
from hearing_server.keys import DATABASE, SETTINGS

MAX_ID = 2**31 - 1
_PATH_PARAM = re.compile(r"\{(\w+)\}")
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def unauthenticated() -> ApiError:
    return ApiError(401, "unauthenticated", "log in, or use your invitation link, to do this")


@dataclass
class Ctx:
    """What a handler gets besides its validated inputs."""

    request: web.Request
    db: AsyncSession
    principal: Principal | None
    ids: dict[str, int]
    finishers: list[Callable[[web.StreamResponse], None]] = field(default_factory=list)
    """Run on the response before it leaves (setting or clearing cookies)."""

    @property
    def user(self) -> Principal:
        """The authenticated caller; 401 when there is none."""
        if self.principal is None:
            raise unauthenticated()
        return self.principal

    def require(self, action: Action, state: HearingState | None = None) -> Principal:
        """The caller, if their role may take ``action``; else 401/403 with the reason."""
        principal = self.user
        reason = refusal(principal.role, action, state)
        if reason is not None:
            raise ApiError(403, "forbidden", reason)
        return principal

    @property
    def client_ip(self) -> str | None:
        return client_address(self.request)


@dataclass(frozen=True)
class Binary:
    """Declares a success body that is a file, not JSON: the handler returns a
    ``web.StreamResponse`` (not yet prepared) carrying it."""

    media_type: str
    description: str
    ranges: bool = False
    """Whether a ``Range`` request gets 206 Partial Content (and a bad range 416)."""
    other_types: tuple[str, ...] = ()
    """Further media types the file may have (an exhibit is a PDF, a picture, a recording...)."""


Handler = Callable[..., Awaitable[BaseModel | web.StreamResponse | None]]


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    public: bool
    tag: str
    binary: Binary | None = None
    errors: tuple[int, ...] = field(default=())
    signed_links: bool = False
    raw_body: RawBody | None = None
    etag: bool = False
    body_limit: int | None = None
    also: tuple[int, ...] = ()


class Api:
    """A set of JSON endpoints under one prefix."""

    def __init__(self, prefix: str, title: str, version: str) -> None:
        self.prefix = prefix
        self.title = title
        self.version = version
        self.endpoints: list[Endpoint] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        tag: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        public: bool = False,
        errors: tuple[int, ...] = (),
        binary: Binary | None = None,
        signed_links: bool = False,
        raw_body: RawBody | None = None,
        etag: bool = False,
        body_limit: int | None = None,
        also: tuple[int, ...] = (),
    ) -> Callable[[Handler], Handler]:
        """Register ``handler(ctx, [body=...], [query=...], [headers=...])`` for ``method path``.

        Path parameters are positive integer ids, named ``{something_id}``.
        ``errors`` lists statuses the handler raises beyond those every endpoint of
        its shape can answer (400, 404, 408, 413, 415, 422, 409 for writes, 401/403 unless public).
        ``binary`` instead of ``response``: the handler returns the file as a StreamResponse.
        ``signed_links``: the query may carry a signed link instead of credentials, so an
        anonymous caller reaches the handler (which checks the link).
        ``raw_body`` instead of ``body``: the handler reads the bytes itself (see RawBody).
        ``etag``: a GET whose answer carries an ETag, and is 304 when ``If-None-Match`` names
        it (a screen polling it pays little while nothing changed; see conditional.py).
        ``body_limit``: the bytes this endpoint's JSON body may have, instead of the server's
        ``max_request_bytes`` (a signature's picture, base64 in the JSON, is larger).
        ``also``: further success statuses without a body, which the handler answers with a
        ``web.Response`` of its own (a chunk of an upload: 204 with the offset reached).
        """

        def register(handler: Handler) -> Handler:
            statuses = {400, 404, *errors}
            if body is not None or raw_body is not None:
                statuses |= {408, 413, 415}
            if body is not None or query is not None:
                statuses.add(422)
            if method in _UNSAFE:
                statuses.add(409)
            if not public:
                statuses |= {401, 403}
            if binary is not None and binary.ranges:
                statuses.add(416)
            endpoint = Endpoint(
                method, path, handler, summary, body, query, response, status, public, tag, binary
            )
            endpoint.errors = tuple(sorted(statuses))
            endpoint.signed_links = signed_links
            endpoint.raw_body = raw_body
            endpoint.etag = etag
            endpoint.body_limit = body_limit
            endpoint.also = also
            self.endpoints.append(endpoint)
            return handler

        return register

    def add_routes(self, app: web.Application) -> None:
        for endpoint in self.endpoints:
            app.router.add_route(endpoint.method, self.prefix + endpoint.path, _wrap(endpoint))

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document of every registered endpoint."""
        models: set[type[BaseModel]] = {ErrorBody}
        queries: set[type[BaseModel]] = set()
        for e in self.endpoints:
            models.update(m for m in (e.body, e.response) if m is not None)
            queries.update(m for m in (e.query,) if m is not None)
        keys, schema = models_json_schema(
            [(m, "validation") for m in sorted(models | queries, key=lambda m: m.__name__)],
            ref_template="#/components/schemas/{model}",
        )
        defs: dict[str, Any] = schema.get("$defs", {})
        refs = {model: keys[(model, "validation")] for model in models | queries}
        for e in self.endpoints:
            for model in (e.body, e.query):
                if model is not None:
                    _state_no_nul(refs[model], defs, set())
        # a query's fields are parameters, not a schema of their own
        query_schemas = {q: defs.pop(_ref_name(refs[q])) for q in queries - models}
        query_schemas.update({q: defs[_ref_name(refs[q])] for q in queries & models})
        paths: dict[str, dict[str, Any]] = {}
        for e in self.endpoints:
            operation = _operation(e, refs, query_schemas)
            paths.setdefault(self.prefix + e.path, {})[e.method.lower()] = operation
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "paths": paths,
            "components": {
                "schemas": defs,
                "securitySchemes": {
                    "session": {"type": "apiKey", "in": "cookie", "name": "hs_session"},
                    "invitation": {
                        "type": "http",
                        "scheme": "Invitation",
                        "description": "A personal invitation token: `Authorization: Invitation <token>`.",
                    },
                },
            },
        }


_NO_NUL = r"^[^\x00]*$"
"""The server refuses NUL in any text of a request (databases cannot store it)."""


def _ref_name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[-1]


def _state_no_nul(schema: Any, defs: dict[str, Any], seen: set[str]) -> None:
    """Write the NUL rule into every free-text string of a request's schema (strings with a
    format, pattern or list of values already exclude NUL)."""
    if isinstance(schema, list):
        for item in schema:
            _state_no_nul(item, defs, seen)
        return
    if not isinstance(schema, dict):
        return
    if "$ref" in schema and _ref_name(schema) not in seen:
        seen.add(_ref_name(schema))
        _state_no_nul(defs[_ref_name(schema)], defs, seen)
    if schema.get("type") == "string" and not {"format", "pattern", "enum", "const"} & set(schema):
        schema["pattern"] = _NO_NUL
    for value in schema.values():
        _state_no_nul(value, defs, seen)


def _operation(
    e: Endpoint,
    refs: dict[type[BaseModel], dict[str, Any]],
    query_schemas: dict[type[BaseModel], dict[str, Any]],
) -> dict[str, Any]:
    error_ref = {"application/json": {"schema": refs[ErrorBody]}}
    responses: dict[str, Any] = {}
    if e.response is not None:
        responses[str(e.status)] = {
            "description": "success",
            "content": {"application/json": {"schema": refs[e.response]}},
        }
    elif e.binary is not None:
        responses.update(_binary_responses(e.status, e.binary))
    else:
        responses[str(e.status)] = {"description": "success"}
    for status in e.also:
        responses[str(status)] = {"description": "success, without a body"}
    for status in e.errors:
        responses[str(status)] = {"description": "error", "content": error_ref}
    if e.etag:
        state_etag(responses, str(e.status))
    op: dict[str, Any] = {
        "operationId": e.handler.__name__,
        "summary": e.summary,
        "tags": [e.tag],
        "responses": responses,
        "parameters": [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            }
            for name in _PATH_PARAM.findall(e.path)
        ],
    }
    if e.etag:
        op["parameters"].append(IF_NONE_MATCH)
    if e.binary is not None and e.binary.ranges:
        op["parameters"].append(
            {
                "name": "Range",
                "in": "header",
                "required": False,
                "description": "One byte range, e.g. `bytes=0-1023`, `bytes=1024-` or "
                "`bytes=-1024`; other units and multiple ranges get the whole file.",
                "schema": {"type": "string"},
            }
        )
    if e.query is not None:
        query = query_schemas[e.query]
        for name, prop in query["properties"].items():
            required = name in query.get("required", [])
            op["parameters"].append(
                {"name": name, "in": "query", "required": required, "schema": prop}
            )
    if e.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[e.body]}},
        }
    if e.raw_body is not None:
        op["parameters"] += [header_parameter(header) for header in e.raw_body.headers]
        op["requestBody"] = {
            "required": True,
            "description": e.raw_body.description,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in e.raw_body.media_types
            },
        }
    op["security"] = [] if e.public else [{"session": []}, {"invitation": []}]
    if e.signed_links:
        op["security"].append({})  # a signed link in the query stands for the credentials
    return op


def _binary_responses(status: int, binary: Binary) -> dict[str, Any]:
    content = {
        media_type: {"schema": {"type": "string", "format": "binary"}}
        for media_type in (binary.media_type, *binary.other_types)
    }
    length = {"description": "bytes in this response", "schema": {"type": "integer"}}
    responses: dict[str, Any] = {
        str(status): {
            "description": binary.description,
            "headers": {"Content-Length": length},
            "content": content,
        }
    }
    if binary.ranges:
        responses[str(status)]["headers"]["Accept-Ranges"] = {"schema": {"const": "bytes"}}
        responses["206"] = {
            "description": f"{binary.description}: the requested byte range",
            "headers": {
                "Content-Length": length,
                "Content-Range": {
                    "description": "e.g. `bytes 0-1023/146515`",
                    "schema": {"type": "string"},
                },
            },
            "content": content,
        }
    return responses


def _path_ids(request: web.Request) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, raw in request.match_info.items():
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
            raise ApiError(404, "not_found", f"{name} must be a positive whole number, not {raw!r}")
        ids[name] = int(raw)
    return ids


async def _read_body(
    request: web.Request, model: type[BaseModel], size_limit: int | None = None
) -> BaseModel:
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the request body as application/json")
    limit = request.app[SETTINGS].http_body_seconds
    reading = request if size_limit is None else request.clone(client_max_size=size_limit)
    try:
        async with asyncio.timeout(limit):
            raw = await reading.read()
    except TimeoutError as exc:
        raise ApiError(
            408, "request_timeout", f"the request body did not arrive within {limit:g} s"
        ) from exc
    except web.HTTPRequestEntityTooLarge as exc:
        if size_limit is None:
            raise
        raise ApiError(
            413,
            "payload_too_large",
            f"the request body is larger than the {size_limit} bytes accepted",
        ) from exc
    nul = ApiError(400, "nul_character", "text in the request must not contain NUL characters")
    if b"\x00" in raw:
        raise nul
    try:
        body = model.model_validate_json(raw)
    except ValidationError as exc:
        if any(err["type"] == "json_invalid" for err in exc.errors()):
            raise ApiError(400, "malformed_json", "the request body is not valid JSON") from exc
        if any(_has_nul(err["input"]) for err in exc.errors()):
            raise nul from exc
        raise ApiError(
            422, "invalid_request", "the request body has problems", validation_details(exc)
        ) from exc
    # fields the model ignores may hold anything; those it keeps go to the database
    if _has_nul(body.model_dump()):
        raise nul
    return body


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _read_query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    if any("\x00" in value for value in request.query.values()):
        raise ApiError(400, "nul_character", "query parameters must not contain NUL characters")
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise ApiError(
            422, "invalid_request", "the query parameters have problems", validation_details(exc)
        ) from exc


async def _authenticate(request: web.Request, endpoint: Endpoint) -> Principal | None:
    """Who is calling, checked before anything in the request is read or validated: an
    anonymous caller of a protected endpoint learns it must log in (401), a cookie write
    without its CSRF token is refused (403), whatever the body holds."""
    async with request.app[DATABASE].session() as db:
        principal = await resolve_principal(request, db)
        if principal is None and not (endpoint.public or endpoint.signed_links):
            raise unauthenticated()
        if endpoint.method in _UNSAFE and not endpoint.public:
            await _check_csrf(request, db, principal)
    return principal


async def _check_csrf(request: web.Request, db: AsyncSession, principal: Principal | None) -> None:
    """A write made with a session cookie needs that session's CSRF token, also when an
    invitation authorises it: the cookie rides along, and logout acts on it."""
    expected = principal.csrf_token if principal is not None else None
    cookie = request.cookies.get(SESSION_COOKIE)
    if expected is None and cookie:
        session = await session_principal(db, cookie)
        expected = session.csrf_token if session is not None else None
    if expected is None:
        return
    sent = request.headers.get("X-CSRF-Token", "")
    if not secrets.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(
            403, "csrf", "missing or wrong X-CSRF-Token header (it comes with your login)"
        )


def _wrap(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = await _authenticate(request, endpoint)
        ids = _path_ids(request)
        kwargs: dict[str, BaseModel | dict[str, int]] = {}
        if endpoint.query is not None:
            kwargs["query"] = _read_query(request, endpoint.query)
        if endpoint.body is not None:
            kwargs["body"] = await _read_body(request, endpoint.body, endpoint.body_limit)
        if endpoint.raw_body is not None:
            kwargs["headers"] = raw_headers(request, endpoint.raw_body)
        async with request.app[DATABASE].session() as db:
            ctx = Ctx(request, db, principal, ids)
            result = await endpoint.handler(ctx, **kwargs)
            try:
                await db.commit()
            except IntegrityError as exc:
                raise ApiError(409, "conflict", "this conflicts with an existing record") from exc
        response: web.StreamResponse
        if result is None:
            response = web.Response(status=endpoint.status)
        elif isinstance(result, web.StreamResponse):
            response = result  # aiohttp prepares it, which sends the file, after the commit
        elif endpoint.etag:
            response = conditional_json(request, result.model_dump(mode="json"), endpoint.status)
        else:
            response = web.json_response(result.model_dump(mode="json"), status=endpoint.status)
        for finish in ctx.finishers:
            finish(response)
        return response

    handle.__name__ = endpoint.handler.__name__
    return handle
