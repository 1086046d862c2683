"""Pure ASGI middleware: request id, access log and metrics, body size limit."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.logs import request_id_var
from servicekit.problems import dependency_unavailable, problem_response, unavailable_response

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

access_log = logging.getLogger("servicekit.access")
SLOW_SECONDS = 1.0
error_log = logging.getLogger("servicekit.errors")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    """Gives every request an id (kept from the caller when well-formed), logs and counts it."""

    def __init__(self, app: ASGIApp, service: str, access_log: str = "errors") -> None:
        self.app = app
        self.service = service
        # "errors": only answers >= 400 and slow ones; "all": every request. Formatting a JSON
        # line costs more than the rest of the middleware together, and metrics count the rest.
        self.log_all = access_log == "all"
        self.log_none = access_log == "off"
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        status_sent = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, status_sent
            if message["type"] == "http.response.start":
                status = message["status"]
                status_sent = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Logged here, inside the request's context, so the line carries the request id.
            error_log.exception("unhandled error", extra={"path": scope["path"]})
            if status_sent:
                raise
            if dependency_unavailable(sys.exc_info()[1]):
                await unavailable_response(scope["path"])(scope, receive, send_with_id)
                return
            await problem_response(
                500,
                "An internal error occurred. It has been logged; quote the X-Request-ID "
                "when reporting it.",
                instance=scope["path"],
            )(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope["method"]
            counter, histogram = self._metrics(method, route, status)
            counter.inc()
            histogram.observe(elapsed)
            if (
                not self.log_none and (self.log_all or status >= 400 or elapsed > SLOW_SECONDS)
            ) and route not in (
                "/healthz",
                "/readyz",
                "/metrics",
            ):
                access_log.info(
                    "%s %s %s",
                    method,
                    scope["path"],
                    status,
                    extra={"status": status, "duration_ms": round(elapsed * 1000, 2)},
                )
            request_id_var.reset(token)

    def _metrics(self, method: str, route: str, status: int) -> tuple[Any, Any]:
        """Label children cached per (method, route, status): `labels()` is a locked lookup."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                HTTP_REQUESTS.labels(self.service, method, route, str(status)),
                HTTP_LATENCY.labels(self.service, method, route),
            )
            self._children[key] = children
        return children


def _route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class BodyTooLargeError(StarletteHTTPException):
    """An HTTPException, so FastAPI's body parsing passes it on instead of answering 400."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes} bytes.")


class BodyLimitMiddleware:
    """413 for bodies over the limit: by Content-Length at once, or while streaming.
    `overrides` give other limits to paths matching a regular expression (e.g. uploads)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, overrides: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.overrides = [(re.compile(pattern), limit) for pattern, limit in overrides]

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.overrides:
            if pattern.fullmatch(path):
                return limit
        return self.default_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._reject(scope, receive, send, max_bytes)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise BodyTooLargeError(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._reject(scope, receive, send, max_bytes)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = problem_response(
            413,
            f"The request body is larger than {max_bytes} bytes.",
            instance=scope["path"],
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


class NulCharacterMiddleware:
    """400 for a NUL character in the path or query: no text field may hold one, and
    PostgreSQL refuses it in text (asyncpg would raise, a 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            if "\x00" in scope["path"] or b"\x00" in query or b"%00" in query.lower():
                response = problem_response(
                    400, "The request contains a NUL character.", instance=scope["path"]
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
