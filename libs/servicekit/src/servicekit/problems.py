"""RFC 9457 problem details: the one error shape of every service."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://smartgov.example/problems/"

log = logging.getLogger("servicekit.problems")


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `body.title`.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(examples=[PROBLEM_BASE + "not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["Use case 3fa8... does not exist."])
    instance: str | None = Field(default=None, examples=["/api/v1/use-cases/3fa8..."])
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raise from anywhere in a request to answer with problem+json."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        type_: str | None = None,
        title: str | None = None,
        errors: Sequence[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title or str(status))
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.type = type_ or PROBLEM_BASE + _slug(self.title)
        self.errors = list(errors) if errors else None
        self.headers = headers or {}
        self.extra = extra or {}


def _slug(title: str) -> str:
    return "-".join(title.lower().replace("'", "").split())


class NotFound(ProblemError):
    def __init__(self, detail: str) -> None:
        super().__init__(404, detail)


class Conflict(ProblemError):
    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(409, detail, extra=extra)


class Forbidden(ProblemError):
    def __init__(self, detail: str = "You may not do this.") -> None:
        super().__init__(403, detail)


class Unauthorized(ProblemError):
    def __init__(self, detail: str = "Authentication required.") -> None:
        super().__init__(401, detail, headers={"WWW-Authenticate": "Bearer"})


class PreconditionFailed(ProblemError):
    def __init__(self, detail: str = "The resource changed; fetch it again.") -> None:
        super().__init__(412, detail)


class Unprocessable(ProblemError):
    def __init__(self, detail: str, errors: Sequence[FieldError] | None = None) -> None:
        super().__init__(422, detail, title="Validation failed", errors=errors)


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    instance: str | None = None,
    title: str | None = None,
    type_: str | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    title = title or HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": type_ or PROBLEM_BASE + _slug(title),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = [e.model_dump() for e in errors]
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field_path(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def validation_errors(raw: Sequence[Any]) -> list[FieldError]:
    return [
        FieldError(field=_field_path(err.get("loc", ())), message=str(err.get("msg", "invalid")))
        for err in raw
    ]


async def _problem_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.detail,
        instance=request.url.path,
        title=exc.title,
        type_=exc.type,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}."
    if exc.status_code == 405 and detail == "Method Not Allowed":
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(
        exc.status_code,
        detail,
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc.errors())
    return problem_response(
        422,
        "The request is not valid: " + "; ".join(f"{e.field}: {e.message}" for e in errors[:5]),
        instance=request.url.path,
        title="Validation failed",
        errors=errors,
    )


UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    ConnectionError,
    TimeoutError,
)


def dependency_unavailable(exc: BaseException | None) -> bool:
    """True when `exc` means a backing service (the database) cannot be reached — 503, retry
    later — rather than a bug (500): an operational or interface error, the pool exhausted, a
    failed connect (SQLAlchemy wraps those without a statement) or a connection lost
    mid-request. The exception handlers and the last-resort middleware both ask this."""
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.statement is None or exc.connection_invalidated
    return False


def unavailable_response(instance: str) -> JSONResponse:
    return problem_response(
        503,
        "A backing service is temporarily unavailable. Retry shortly.",
        instance=instance,
        headers={"Retry-After": "2"},
    )


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    if not dependency_unavailable(exc):
        raise exc  # a DBAPIError caused by a bug: the middleware answers 500 and logs it
    log.warning("dependency unavailable: %s: %s", type(exc).__name__, str(exc)[:300])
    return unavailable_response(request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for error in (*UNAVAILABLE_ERRORS, sa_exc.DBAPIError):
        app.add_exception_handler(error, _unavailable)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        "content": {PROBLEM_JSON: {}},
        "description": HTTPStatus(status).phrase,
    }
    for status in (400, 401, 403, 404, 409, 412, 413, 422, 429, 500, 503)
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries declaring problem+json for the given statuses."""
    return {s: PROBLEM_RESPONSES[s] for s in statuses}
