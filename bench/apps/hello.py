"""The per-worker ceiling: a bare FastAPI endpoint, served by the same `serve` command (and so
the same uvicorn settings) as every service. `python -m bench.apps.hello serve --port N`."""

from __future__ import annotations

from fastapi import FastAPI

from servicekit.cli import service_main
from servicekit.settings import ServiceSettings


def create_app() -> FastAPI:
    app = FastAPI(title="hello", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    service_main("hello", ServiceSettings, "bench.apps.hello:create_app", "")
