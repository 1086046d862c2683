"""create_app(): the gateway — its own API (municipalities, API keys) behind the edge layer
that authenticates, limits and proxies everything else."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

from gateway import __doc__ as description
from gateway import models  # noqa: F401  (registers every table)
from gateway.apikeys.router import router as apikeys_router
from gateway.auth.authenticator import Authenticator
from gateway.database import Base, kit, outbox
from gateway.edge.gateway import Edge
from gateway.municipalities.router import router as municipalities_router
from gateway.openapi.service import MergedSpec
from gateway.routing import load_table
from gateway.settings import Settings
from servicekit.identity import InternalTokenSigner, generate_keypair
from servicekit.runtime import ServiceRuntime
from servicekit.runtime import create_app as create_service_app

log = logging.getLogger("gateway")
VERSION = "0.1.0"
TAGS = [
    {"name": "municipalities", "description": "Municipalities (tenants), registered here."},
    {"name": "api-keys", "description": "API keys for other municipal systems."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    private_key = settings.private_key_pem()
    if private_key is None:
        log.warning(
            "GATEWAY_INTERNAL_TOKEN_PRIVATE_KEY[_FILE] is not set: using a throw-away key; "
            "services will refuse the identities this gateway forwards."
        )
        private_key, public_key = generate_keypair()
        settings = settings.model_copy(
            update={
                "internal_token_private_key": SecretStr(private_key),
                "internal_token_public_key": SecretStr(public_key),
            }
        )
    app = create_service_app(
        settings,
        title="SmartGov API",
        description=description or "",
        version=VERSION,
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[municipalities_router, apikeys_router],
        openapi_tags=TAGS,
    )
    runtime: ServiceRuntime = app.state.runtime
    table = load_table(settings.upstream_urls(), settings.routes_file)
    signer = InternalTokenSigner(
        private_key,
        issuer=settings.internal_token_issuer,
        audience=settings.internal_token_audience,
    )
    authenticator = Authenticator(settings, signer, lambda: runtime.db)
    spec = MergedSpec(
        table,
        app.openapi,
        title="SmartGov API",
        version=VERSION,
        description=(
            "The whole SmartGov Platform behind one gateway: use cases, the open-data "
            "catalogue, participation, and the gateway's municipalities and API keys."
        ),
        refresh_seconds=settings.openapi_refresh_seconds,
        oidc_discovery=(
            f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration"
            if settings.oidc_issuer
            else None
        ),
    )

    async def readiness(scope: Scope, receive: Receive, send: Send) -> None:
        checks = await ready_checks(
            runtime, table.upstreams, own_only=b"self" in scope["query_string"]
        )
        failed = {k: v for k, v in checks.items() if v != "ok"}
        status = 503 if failed else 200
        body: dict[str, Any] = {"status": "ready" if not failed else "not ready", "checks": checks}
        if failed:
            body = {
                "type": "https://smartgov.example/problems/service-unavailable",
                "title": "Service Unavailable",
                "status": 503,
                "detail": "Not ready: " + "; ".join(f"{k} {v}" for k, v in failed.items()),
                "instance": "/readyz",
                "checks": checks,
            }
        raw = json.dumps(body).encode()
        media = b"application/problem+json" if failed else b"application/json"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", media), (b"content-length", str(len(raw)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": raw})

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="SmartGov API — ReDoc")

    app.add_middleware(
        Edge,
        settings=settings,
        table=table,
        authenticator=authenticator,
        spec=spec,
        readiness=readiness,
        state=app.state,
    )
    app.state.authenticator = authenticator
    app.state.route_table = table
    app.state.spec = spec

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner(app) as state:
            authenticator.start()
            try:
                yield state
            finally:
                await authenticator.stop()
                edge = getattr(app.state, "edge", None)
                if edge is not None:
                    edge.close()

    app.router.lifespan_context = lifespan
    return app


async def ready_checks(
    runtime: ServiceRuntime, upstreams: dict[str, str], *, own_only: bool
) -> dict[str, str]:
    checks = {"database": "ok", "nats": "ok"}
    checks.update(await runtime.readiness())
    if own_only:
        return checks
    async with httpx.AsyncClient(timeout=2.0) as client:

        async def probe(name: str, url: str) -> tuple[str, str]:
            try:
                response = await client.get(f"{url.rstrip('/')}/readyz")
            except httpx.HTTPError as exc:
                return name, f"unreachable: {type(exc).__name__}"
            return (
                name,
                "ok" if response.status_code == 200 else f"not ready ({response.status_code})",
            )

        for name, verdict in await asyncio.gather(*(probe(n, u) for n, u in upstreams.items())):
            checks[name] = verdict
    return checks
