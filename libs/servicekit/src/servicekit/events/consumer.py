"""Durable pull consumers with an inbox for exactly-once effects and dead letters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.db import Database, utcnow
from servicekit.events.bus import EventBus
from servicekit.events.envelope import CloudEvent
from servicekit.events.streams import StreamSpec, stream_for_subject
from servicekit.tables import KitTables

log = logging.getLogger("servicekit.consumer")

Handler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]

EVENTS_CONSUMED = Counter(
    "events_consumed_total", "Events handled by consumers", ["consumer", "subject", "outcome"]
)


def backoff_seconds(deliveries: int) -> float:
    """Delay before the next delivery after a failure: 0.5 s, 1 s, 2 s ... capped at 30 s."""
    return float(min(0.5 * 2 ** max(deliveries - 1, 0), 30.0))


@dataclass
class _StreamConsumer:
    stream: StreamSpec
    subjects: list[str]


class EventConsumer:
    """One durable per (service, stream), shared by all replicas of the service."""

    def __init__(
        self,
        db: Database,
        kit: KitTables,
        bus: EventBus,
        *,
        durable: str,
        handlers: dict[str, Handler],
        max_deliver: int = 5,
        batch_size: int = 50,
        ack_wait: float = 30.0,
    ) -> None:
        self.db = db
        self.kit = kit
        self.bus = bus
        self.durable = durable
        self.handlers = handlers
        self.max_deliver = max_deliver
        self.batch_size = batch_size
        self.ack_wait = ack_wait
        by_stream: dict[str, _StreamConsumer] = {}
        for subject in handlers:
            spec = stream_for_subject(subject)
            by_stream.setdefault(spec.name, _StreamConsumer(spec, [])).subjects.append(subject)
        self.parts = list(by_stream.values())
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        for part in self.parts:
            self._tasks.append(
                asyncio.create_task(self._run(part), name=f"{self.durable}-{part.stream.name}")
            )

    async def stop(self, grace: float = 3.0) -> None:
        """Let the message in hand finish (its effect and ack), then stop fetching."""
        self._stopping.set()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks, timeout=grace)
        for task in pending:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def config(self, part: _StreamConsumer) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_deliver=self.max_deliver,
            ack_wait=self.ack_wait,
            max_ack_pending=1000,
            filter_subjects=sorted(part.subjects),
        )

    async def _ensure(self, part: _StreamConsumer) -> None:
        """Create or update the durable (the server treats a create without action as
        create-or-update since 2.10, so replicas racing here agree)."""
        js = self.bus.js
        assert js is not None
        await js.add_consumer(part.stream.name, self.config(part))

    async def _run(self, part: _StreamConsumer) -> None:
        generation = -1
        sub = None
        while not self._stopping.is_set():
            try:
                if not await self.bus.wait_connected(timeout=1.0):
                    continue
                if sub is None or generation != self.bus.generation:
                    if sub is not None:
                        with contextlib.suppress(Exception):
                            await sub.unsubscribe()
                    generation = self.bus.generation
                    await self._ensure(part)
                    assert self.bus.js is not None
                    sub = await self.bus.js.pull_subscribe_bind(
                        durable=self.durable, stream=part.stream.name
                    )
                try:
                    messages = await sub.fetch(self.batch_size, timeout=1.0)
                except TimeoutError:
                    continue
                for msg in messages:
                    await self.handle(msg)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer %s/%s: %s", self.durable, part.stream.name, exc)
                sub = None
                await asyncio.sleep(0.5)
        if sub is not None:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def handle(self, msg: Msg) -> None:
        deliveries = msg.metadata.num_delivered or 1
        try:
            event = CloudEvent.model_validate_json(msg.data)
        except ValidationError as exc:
            await self._dead_letter(msg, None, deliveries, f"not a CloudEvent: {exc}")
            await msg.term()
            return
        handler = self.handlers.get(msg.subject)
        if handler is None:
            EVENTS_CONSUMED.labels(self.durable, msg.subject, "ignored").inc()
            await msg.ack()
            return
        try:
            applied = await self._apply(handler, event)
        except Exception as exc:
            if deliveries >= self.max_deliver:
                log.error("dead letter after %s deliveries: %s", deliveries, exc)
                await self._dead_letter(msg, event, deliveries, repr(exc))
                await msg.term()
                EVENTS_CONSUMED.labels(self.durable, msg.subject, "dead_letter").inc()
            else:
                log.warning("event %s failed (delivery %s): %s", event.id, deliveries, exc)
                await msg.nak(delay=backoff_seconds(deliveries))
                EVENTS_CONSUMED.labels(self.durable, msg.subject, "retry").inc()
            return
        await msg.ack()
        EVENTS_CONSUMED.labels(self.durable, msg.subject, "ok" if applied else "duplicate").inc()

    async def _apply(self, handler: Handler, event: CloudEvent) -> bool:
        """Run the handler and record the event in the inbox in one transaction.

        Returns False when the event was handled before (a redelivery)."""
        inbox = self.kit.inbox
        try:
            async with self.db.transaction() as session:
                seen = await session.scalar(
                    select(inbox.c.event_id).where(inbox.c.event_id == event.id)
                )
                if seen is not None:
                    return False
                await session.execute(
                    insert(inbox).values(
                        event_id=event.id,
                        consumer=self.durable,
                        event_type=event.type,
                        processed_at=utcnow(),
                    )
                )
                await handler(session, event)
        except IntegrityError:
            async with self.db.sessions() as session:
                seen = await session.scalar(
                    select(inbox.c.event_id).where(inbox.c.event_id == event.id)
                )
            if seen is not None:
                return False
            raise
        return True

    async def _dead_letter(
        self, msg: Msg, event: CloudEvent | None, deliveries: int, error: str
    ) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                insert(self.kit.dead_letters).values(
                    consumer=self.durable,
                    subject=msg.subject,
                    event_id=str(event.id) if event else None,
                    deliveries=deliveries,
                    error=error[:4000],
                    payload=msg.data,
                    recorded_at=utcnow(),
                )
            )
