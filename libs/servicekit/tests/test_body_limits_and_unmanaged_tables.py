"""Per-path body limits and tables the migrations manage outside the models."""

from __future__ import annotations

import httpx
from sqlalchemy import Column, Integer, MetaData, Table
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from servicekit.middleware import BodyLimitMiddleware
from servicekit.migrations import UNMANAGED_TABLES, include_name_for


async def echo_size(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


def client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_override_raises_the_limit_only_on_matching_paths():
    app = Starlette(routes=[Route("/{path:path}", echo_size, methods=["PUT"])])
    app.add_middleware(BodyLimitMiddleware, max_bytes=10, overrides=[(r"/files/[^/]+", 100)])
    async with client(app) as http:
        assert (await http.put("/files/a", content=b"x" * 50)).text == "50"
        assert (await http.put("/files/a", content=b"x" * 101)).status_code == 413
        small = await http.put("/other", content=b"x" * 50)
        assert small.status_code == 413
        assert small.json()["detail"] == "The request body is larger than 10 bytes."

        async def chunks():
            for _ in range(20):
                yield b"x" * 10

        streamed = await http.put("/files/a", content=chunks())
        assert streamed.status_code == 413
        assert "larger than 100 bytes" in streamed.text  # the app's own HTTPException handler


def test_unmanaged_tables_are_left_out_of_comparisons():
    metadata = MetaData()
    Table("things", metadata, Column("id", Integer, primary_key=True))
    metadata.info[UNMANAGED_TABLES] = ("thing_fts",)
    include = include_name_for(metadata)
    assert include("things", "table", {}) is True
    assert include("thing_fts", "table", {}) is False
    assert include("thing_fts_data", "table", {}) is False
    assert include("thing_fts", "column", {}) is True
    assert include_name_for(MetaData())("thing_fts", "table", {}) is True
