"""Fetching the services' specs (cached, refreshed) and serving the merged document."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

from gateway.openapi.merge import merge
from gateway.routing import RouteTable

log = logging.getLogger("gateway.openapi")

# A service renders its spec on the first request (seconds on a busy node); the fetch is off
# the proxy path, so it may wait. A spec that could not be fetched is retried sooner than the
# regular refresh, so a service that started late joins the document within seconds.
FETCH_TIMEOUT_SECONDS = 10.0
RETRY_UNAVAILABLE_SECONDS = 5.0


class MergedSpec:
    def __init__(
        self,
        table: RouteTable,
        own: Callable[[], dict[str, Any]],
        *,
        title: str,
        version: str,
        description: str,
        refresh_seconds: float,
        oidc_discovery: str | None,
    ) -> None:
        self.table = table
        self.own = own
        self.title = title
        self.version = version
        self.description = description
        self.refresh_seconds = refresh_seconds
        self.oidc_discovery = oidc_discovery
        self.specs: dict[str, dict[str, Any] | None] = dict.fromkeys(table.upstreams)
        self.unavailable: dict[str, str] = {}
        self.fetched_at = float("-inf")
        self.document: bytes | None = None
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:

            async def fetch(name: str, url: str) -> None:
                try:
                    response = await client.get(f"{url.rstrip('/')}/openapi.json")
                    response.raise_for_status()
                    self.specs[name] = response.json()
                    self.unavailable.pop(name, None)
                except (httpx.HTTPError, ValueError) as exc:
                    self.unavailable[name] = f"spec not available ({type(exc).__name__})"
                    log.warning("cannot fetch the %s spec: %s", name, exc)

            await asyncio.gather(*(fetch(n, u) for n, u in self.table.upstreams.items()))
        document = merge(
            self.own(),
            self.specs,
            self.table,
            title=self.title,
            version=self.version,
            description=self.description,
            unavailable=self.unavailable,
            oidc_discovery=self.oidc_discovery,
        )
        self.document = json.dumps(document).encode()
        self.fetched_at = time.monotonic()

    def _stale(self) -> bool:
        age = time.monotonic() - self.fetched_at
        if self.unavailable:
            return age >= min(self.refresh_seconds, RETRY_UNAVAILABLE_SECONDS)
        return age >= self.refresh_seconds

    async def current(self) -> bytes:
        if self.document is None or self._stale():
            async with self._lock:
                if self.document is None or self._stale():
                    await self.refresh()
        assert self.document is not None
        return self.document

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await self.current()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-cache"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
