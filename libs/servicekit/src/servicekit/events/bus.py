"""The NATS connection of one process: connects in the background, reconnects forever."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from servicekit.events.streams import StreamSpec, ensure_stream

log = logging.getLogger("servicekit.bus")


class EventBus:
    """Owns the connection. `generation` grows on every (re)connect, so pull subscriptions
    can be rebuilt afterwards (nats.py #504: they have been seen to stall after a restart)."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        streams: tuple[StreamSpec, ...] = (),
        stream_replicas: int = 1,
    ) -> None:
        self.url = url
        self.name = name
        self.streams = streams
        self.stream_replicas = stream_replicas
        self.nc: Client | None = None
        self.js: JetStreamContext | None = None
        self.generation = 0
        self.connected_event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def is_connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_forever(), name=f"{self.name}-nats-connect")

    async def _connect_forever(self) -> None:
        delay = 0.2
        while not self._closing:
            try:
                self.nc = await nats.connect(
                    self.url,
                    name=self.name,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    connect_timeout=2,
                    allow_reconnect=True,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                )
                self.js = self.nc.jetstream(timeout=5)
                await self._ensure_streams()
                self.generation += 1
                self.connected_event.set()
                log.info("connected to NATS", extra={"url": self.url})
                return
            except Exception as exc:
                log.warning("NATS not reachable yet: %s", exc)
                if self.nc is not None:
                    with contextlib.suppress(Exception):
                        await self.nc.close()
                    self.nc = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _ensure_streams(self) -> None:
        assert self.js is not None
        for spec in self.streams:
            await ensure_stream(self.js, spec, self.stream_replicas)

    async def _on_error(self, exc: Exception) -> None:
        log.warning("NATS error: %s", exc)

    async def _on_disconnected(self) -> None:
        if not self._closing:
            log.warning("disconnected from NATS")
        self.connected_event.clear()

    async def _on_reconnected(self) -> None:
        log.info("reconnected to NATS")
        try:
            await self._ensure_streams()
        except Exception as exc:
            log.warning("could not ensure streams after reconnect: %s", exc)
        self.generation += 1
        self.connected_event.set()

    async def wait_connected(self, timeout: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self.connected_event.wait(), timeout)
        except TimeoutError:
            return False
        return self.is_connected

    async def ping(self, timeout: float = 1.0) -> None:
        if self.nc is None or not self.nc.is_connected:
            raise ConnectionError("not connected to NATS")
        await self.nc.flush(timeout=max(1, int(timeout)))

    async def close(self) -> None:
        self._closing = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.nc is not None and not self.nc.is_closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.nc.drain(), 5)
            with contextlib.suppress(Exception):
                await self.nc.close()
