"""Transactional outbox: events are rows written in the same transaction as the change;
the relay publishes them to JetStream in order and marks them sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from prometheus_client import Counter, Gauge
from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.db import Database, utcnow
from servicekit.events.bus import EventBus
from servicekit.events.envelope import CloudEvent, make_event
from servicekit.events.streams import STREAMS
from servicekit.tables import KitTables

log = logging.getLogger("servicekit.outbox")

EVENTS_PUBLISHED = Counter(
    "outbox_events_published_total", "Events the relay published", ["service"]
)
OUTBOX_PENDING = Gauge("outbox_pending_events", "Unpublished events seen by the relay", ["service"])


OUTBOX_RETENTION = timedelta(days=7)
# Longer than any redelivery or consumer rebuild we expect; replays older than this are
# deliberate rebuilds, which start from an empty read model and inbox anyway.
INBOX_RETENTION = timedelta(days=30)
IDEMPOTENCY_RETENTION = timedelta(hours=24)
HOUSEKEEPING_INTERVAL = 600.0


@dataclass(frozen=True)
class OutboxItem:
    subject: str
    data: dict[str, Any]
    entity_id: str | uuid.UUID | None = None
    municipality: str | None = None


class Outbox:
    """Writes events into a service's outbox table. One instance per service."""

    def __init__(self, kit: KitTables, service: str, stream: str) -> None:
        self.kit = kit
        self.service = service
        self.stream = STREAMS[stream]
        self.committed = asyncio.Event()

    async def emit(
        self,
        session: AsyncSession,
        subject: str,
        data: dict[str, Any],
        *,
        entity_id: str | uuid.UUID | None = None,
        municipality: str | None = None,
    ) -> CloudEvent:
        """Add an event to the current transaction; it is published only if that commits."""
        if not subject.startswith(self.stream.subjects[0][:-1]):
            raise ValueError(f"{self.service} publishes only to {self.stream.subjects}: {subject}")
        event = make_event(
            self.service, subject, data, entity_id=entity_id, municipality=municipality
        )
        await session.execute(
            insert(self.kit.outbox).values(
                event_id=event.id,
                subject=subject,
                payload=event.model_dump_json().encode(),
                created_at=utcnow(),
            )
        )
        sa_event.listen(session.sync_session, "after_commit", self._wake, once=True)
        return event

    async def emit_many(self, session: AsyncSession, events: list[OutboxItem]) -> list[CloudEvent]:
        """`emit` for many events with one executemany; they keep their order in the outbox."""
        made = []
        for item in events:
            if not item.subject.startswith(self.stream.subjects[0][:-1]):
                raise ValueError(
                    f"{self.service} publishes only to {self.stream.subjects}: {item.subject}"
                )
            made.append(
                make_event(
                    self.service,
                    item.subject,
                    item.data,
                    entity_id=item.entity_id,
                    municipality=item.municipality,
                )
            )
        if not made:
            return made
        now = utcnow()
        await session.execute(
            insert(self.kit.outbox),
            [
                {
                    "event_id": event.id,
                    "subject": item.subject,
                    "payload": event.model_dump_json().encode(),
                    "created_at": now,
                }
                for item, event in zip(events, made, strict=True)
            ],
        )
        sa_event.listen(session.sync_session, "after_commit", self._wake, once=True)
        return made

    def _wake(self, _session: Any) -> None:
        self.committed.set()


class Lease:
    """Leadership by a row with an expiry, on both dialects: one relay publishes at a time."""

    def __init__(self, db: Database, kit: KitTables, name: str, ttl: float = 15.0) -> None:
        self.db = db
        self.table = kit.leases
        self.name = name
        self.holder = uuid.uuid4().hex
        self.ttl = ttl

    async def acquire(self) -> bool:
        now = utcnow()
        expires = now + timedelta(seconds=self.ttl)
        table = self.table
        async with self.db.transaction() as session:
            result = await session.execute(
                update(table)
                .where(table.c.name == self.name)
                .where((table.c.holder == self.holder) | (table.c.expires_at < now))
                .values(holder=self.holder, expires_at=expires)
            )
            if cast(CursorResult[Any], result).rowcount:
                return True
            exists = await session.scalar(select(table.c.name).where(table.c.name == self.name))
            if exists:
                return False
        try:
            async with self.db.transaction() as session:
                await session.execute(
                    insert(table).values(name=self.name, holder=self.holder, expires_at=expires)
                )
            return True
        except IntegrityError:
            return False

    async def release(self) -> None:
        table = self.table
        async with self.db.transaction() as session:
            await session.execute(
                update(table)
                .where(table.c.name == self.name, table.c.holder == self.holder)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )


class OutboxRelay:
    """Publishes committed outbox rows in `seq` order with `Nats-Msg-Id` = event id.

    Only the lease holder publishes, so several replicas never interleave. A crash between
    publish and marking re-sends the row; JetStream's duplicate window and the consumers'
    inbox make that harmless.
    """

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        bus: EventBus,
        *,
        batch_size: int = 200,
        poll_seconds: float = 0.5,
        lease_ttl: float = 15.0,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.table = outbox.kit.outbox
        self.bus = bus
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.lease = Lease(db, outbox.kit, f"outbox-relay:{outbox.service}", ttl=lease_ttl)
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.published = 0
        self._next_housekeeping = 0.0

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"{self.outbox.service}-relay")

    async def stop(self) -> None:
        self._stopping.set()
        self.outbox.committed.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self.lease.release()

    async def run(self) -> None:
        backoff = self.poll_seconds
        while not self._stopping.is_set():
            self.outbox.committed.clear()
            try:
                if self.bus.is_connected and await self.lease.acquire():
                    while (
                        await self.publish_batch() == self.batch_size
                        and not self._stopping.is_set()
                        and await self.lease.acquire()
                    ):
                        pass
                    await self._housekeeping()
                backoff = self.poll_seconds
            except Exception as exc:
                log.warning("relay cycle failed, retrying: %s", exc)
                backoff = min(backoff * 2, 5.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.outbox.committed.wait(), backoff)

    async def _housekeeping(self) -> None:
        """Now and then, the lease holder drops rows nobody needs any more."""
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_housekeeping:
            return
        self._next_housekeeping = loop.time() + HOUSEKEEPING_INTERVAL
        kit = self.outbox.kit
        now = utcnow()
        async with self.db.transaction() as session:
            await session.execute(
                delete(kit.outbox).where(kit.outbox.c.published_at < now - OUTBOX_RETENTION)
            )
            await session.execute(
                delete(kit.inbox).where(kit.inbox.c.processed_at < now - INBOX_RETENTION)
            )
            await session.execute(
                delete(kit.idempotency).where(
                    kit.idempotency.c.created_at < now - IDEMPOTENCY_RETENTION
                )
            )

    async def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows were published."""
        js = self.bus.js
        if js is None:
            return 0
        table = self.table
        async with self.db.sessions() as session:
            rows = (
                await session.execute(
                    select(table.c.seq, table.c.event_id, table.c.subject, table.c.payload)
                    .where(table.c.published_at.is_(None))
                    .order_by(table.c.seq)
                    .limit(self.batch_size)
                )
            ).all()
        if not rows:
            OUTBOX_PENDING.labels(self.outbox.service).set(0)
            return 0
        OUTBOX_PENDING.labels(self.outbox.service).set(len(rows))
        sent: list[int] = []
        try:
            for row in rows:
                await js.publish(
                    row.subject, row.payload, headers={"Nats-Msg-Id": str(row.event_id)}
                )
                sent.append(row.seq)
        finally:
            if sent:
                async with self.db.transaction() as session:
                    await session.execute(
                        update(table).where(table.c.seq.in_(sent)).values(published_at=utcnow())
                    )
                self.published += len(sent)
                EVENTS_PUBLISHED.labels(self.outbox.service).inc(len(sent))
        return len(sent)
