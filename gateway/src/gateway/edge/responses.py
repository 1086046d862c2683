"""Answers the edge gives itself: problem+json and small helpers."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from starlette.types import Send

from servicekit.problems import PROBLEM_BASE, PROBLEM_JSON


def problem(
    status: int,
    detail: str,
    path: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    title = HTTPStatus(status).phrase
    body = {
        "type": PROBLEM_BASE + "-".join(title.lower().replace("'", "").split()),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": path,
        **(extra or {}),
    }
    raw = json.dumps(body).encode()
    out = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(raw)).encode())]
    return status, out + (headers or []), raw


async def reply(
    send: Send, extra: list[tuple[bytes, bytes]], status: int,
    headers: list[tuple[bytes, bytes]], body: bytes,
) -> int:  # fmt: skip
    await respond(send, status, headers + extra, body)
    return status


async def respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def adding(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def wrapped(message: Any) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                (k, v) for k, v in message.get("headers", []) if k != b"x-request-id"
            ] + extra
        await send(message)

    return wrapped
