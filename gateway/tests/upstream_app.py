"""A stand-in service for the gateway's tests, run as its own uvicorn process.

It echoes what reached it (method, raw path, headers, body size, the verified identity),
and has endpoints that are slow, stream, or enforce a tenant's role like a real service.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from servicekit.identity import IDENTITY_HEADER, InternalTokenVerifier, Role
from servicekit.problems import ProblemError, install_problem_handlers

SEEN: dict[str, int] = {"requests": 0}


def create_app() -> FastAPI:
    verifier = InternalTokenVerifier(os.environ["UPSTREAM_PUBLIC_KEY"])
    app = FastAPI(title="echo upstream", version="1")
    install_problem_handlers(app)

    def identity(request: Request) -> dict[str, Any] | None:
        token = request.headers.get(IDENTITY_HEADER)
        if token is None:
            return None
        principal = verifier.verify(token)
        return {
            "kind": principal.kind.value,
            "subject": principal.subject,
            "name": principal.name,
            "platform_admin": principal.platform_admin,
            "memberships": {
                m: sorted(r.value for r in rs) for m, rs in principal.memberships.items()
            },
            "scopes": sorted(principal.scopes),
        }

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/api/v1/use-cases/{use_case_id}", operation_id="getUseCase", tags=["use-cases"])
    async def get_use_case(use_case_id: str, request: Request) -> dict[str, Any]:
        """A typed path, so the merged spec has something to show."""
        return await echo(request)

    @app.get("/api/v1/datasets", operation_id="listDatasets", tags=["datasets"])
    async def list_datasets(request: Request) -> dict[str, Any]:
        return await echo(request)

    @app.get("/_test/seen")
    async def seen() -> dict[str, int]:
        return SEEN

    @app.post("/_test/add-route")
    async def add_route() -> dict[str, str]:
        async def list_processes() -> dict[str, str]:
            return {}

        app.add_api_route(
            "/api/v1/processes", list_processes, operation_id="listProcesses", tags=["processes"]
        )
        app.openapi_schema = None
        return {"status": "added"}

    @app.get("/api/v1/usecase-settings/slow")
    async def slow(seconds: float = 2.0) -> dict[str, str]:
        await asyncio.sleep(seconds)
        return {"status": "late"}

    @app.get("/api/v1/datasets/stream/{size}")
    async def stream(size: int) -> StreamingResponse:
        async def chunks() -> Any:
            left = size
            while left > 0:
                n = min(left, 65536)
                left -= n
                yield b"x" * n
                await asyncio.sleep(0)

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    @app.post("/api/v1/use-cases/tenant-writes")
    async def tenant_write(request: Request) -> JSONResponse:
        """Like a service: editors of the record's municipality only."""
        from servicekit.identity import get_principal

        request.app.state.token_verifier = verifier
        principal = await get_principal(request)
        body = await request.json()
        principal.require_role(body["municipality"], Role.EDITOR)
        return JSONResponse({"written": body["municipality"]}, status_code=201)

    @app.api_route(
        "/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        include_in_schema=False,
    )
    async def echo(request: Request) -> Any:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        SEEN["requests"] += 1  # only requests that arrived whole
        try:
            who = identity(request)
        except ProblemError:
            who = {"invalid": True}
        return {
            "method": request.method,
            "path": request.url.path,
            "raw_path": request.scope["raw_path"].decode("latin-1"),
            "query": request.scope["query_string"].decode("latin-1"),
            "headers": [
                [k.decode("latin-1"), v.decode("latin-1")] for k, v in request.scope["headers"]
            ],
            "body_bytes": size,
            "identity": who,
        }

    return app
