"""Every failure leaves the server as a JSON body a person can act on, never as a 500 page."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from hearing_server.keys import SETTINGS

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """Raised by handlers; becomes a JSON error response with ``status``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} does not exist or is not visible to you")


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return web.json_response(
        body.model_dump(mode="json", exclude_none=True), status=status, headers=headers
    )


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "body", "problem": err["msg"]}
        for err in exc.errors()
    ]


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.status == 413:
            message = f"the request body is larger than the {request.app[SETTINGS].max_request_bytes} bytes accepted"
        else:
            message = exc.reason if exc.status != 404 else f"no such address: {request.path}"
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return error_response(
            exc.status, _HTTP_CODES.get(exc.status, "http_error"), message, headers=headers
        )
    except json.JSONDecodeError as exc:
        return error_response(
            400, "malformed_json", f"the request body is not valid JSON: {exc.msg}"
        )
    except ValidationError as exc:
        return error_response(
            422,
            "invalid_request",
            "the request does not have the expected fields",
            validation_details(exc),
        )
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "the server failed; the error was logged")
