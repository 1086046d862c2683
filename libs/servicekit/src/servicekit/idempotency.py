"""`Idempotency-Key` on POST: a retry with the same key and body replays the first answer.

The key is scoped to the caller (the internal token's subject). A key reused with a
different request is a 422; a retry while the first is still running is a 409.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.db import Database, utcnow
from servicekit.identity import IDENTITY_HEADER
from servicekit.problems import problem_response
from servicekit.tables import KitTables

HEADER = b"idempotency-key"
STALE_AFTER = timedelta(minutes=2)
KEEP_FOR = timedelta(hours=24)
_REPLAYED_HEADERS = {"content-type", "location", "etag"}


def _subject(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key == IDENTITY_HEADER.encode():
            app = scope.get("app")
            verifier = getattr(getattr(app, "state", None), "token_verifier", None)
            if verifier is None:
                return "anonymous"
            try:
                return str(verifier.verify(value.decode()).subject or "anonymous")
            except Exception:
                return "invalid"
    return "anonymous"


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, db_provider: Any, kit: KitTables) -> None:
        self.app = app
        self.db_provider = db_provider
        self.table = kit.idempotency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = None
        if scope["type"] == "http" and scope["method"] == "POST":
            key = next((v.decode("latin-1") for k, v in scope["headers"] if k == HEADER), None)
        if not key:
            await self.app(scope, receive, send)
            return
        if len(key) > 200:
            await problem_response(
                400, "Idempotency-Key must be at most 200 characters.", instance=scope["path"]
            )(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        db: Database = self.db_provider()
        principal = _subject(scope)
        digest = hashlib.sha256(
            scope["method"].encode() + b" " + scope["path"].encode() + b"\n" + body
        ).hexdigest()
        verdict = await self._claim(db, principal, key, digest)
        if verdict is not None:
            await verdict(scope, receive, send)
            return

        replayed = False

        async def replay_body() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            await self._finish(db, principal, key, status, headers, b"".join(chunks))

    async def _claim(self, db: Database, principal: str, key: str, digest: str) -> Any:
        table = self.table
        now = utcnow()
        async with db.transaction() as session:
            row = (
                await session.execute(
                    select(table).where(table.c.principal == principal, table.c.key == key)
                )
            ).first()
            if row is not None and row.created_at < now - KEEP_FOR:
                await session.execute(
                    delete(table).where(table.c.principal == principal, table.c.key == key)
                )
                row = None
        if row is not None:
            if row.request_hash != digest:
                return problem_response(
                    422,
                    "This Idempotency-Key was used for a different request.",
                    title="Idempotency key reused",
                )
            if row.status_code is None:
                if row.created_at > now - STALE_AFTER:
                    return problem_response(
                        409,
                        "A request with this Idempotency-Key is still being processed.",
                        headers={"Retry-After": "1"},
                    )
                async with db.transaction() as session:
                    await session.execute(
                        update(table)
                        .where(table.c.principal == principal, table.c.key == key)
                        .values(created_at=now)
                    )
                return None
            return _Replay(row.status_code, row.response_headers or [], row.response_body or b"")
        try:
            async with db.transaction() as session:
                await session.execute(
                    insert(table).values(
                        principal=principal, key=key, request_hash=digest, created_at=now
                    )
                )
        except IntegrityError:
            return problem_response(
                409,
                "A request with this Idempotency-Key is still being processed.",
                headers={"Retry-After": "1"},
            )
        return None

    async def _finish(
        self,
        db: Database,
        principal: str,
        key: str,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> None:
        table = self.table
        where = (table.c.principal == principal, table.c.key == key)
        async with db.transaction() as session:
            if status >= 500 or status == 429:
                await session.execute(delete(table).where(*where))
                return
            kept = [
                [k.decode("latin-1"), v.decode("latin-1")]
                for k, v in headers
                if k.decode("latin-1").lower() in _REPLAYED_HEADERS
            ]
            await session.execute(
                update(table)
                .where(*where)
                .values(status_code=status, response_headers=kept, response_body=body)
            )


class _Replay:
    def __init__(self, status: int, headers: list[list[str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers]
        raw.append((b"idempotent-replayed", b"true"))
        raw.append((b"content-length", str(len(self.body)).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": raw})
        await send({"type": "http.response.body", "body": self.body})
