"""The JetStream streams of the platform: one per producing component."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

log = logging.getLogger("servicekit.streams")


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]


STREAMS: dict[str, StreamSpec] = {
    "platform": StreamSpec("PLATFORM", ("platform.>",)),
    "usecase": StreamSpec("USECASE", ("usecase.>",)),
    "catalog": StreamSpec("CATALOG", ("catalog.>",)),
    "participation": StreamSpec("PARTICIPATION", ("participation.>",)),
}

DUPLICATE_WINDOW_SECONDS = 120.0


def stream_for_subject(subject: str) -> StreamSpec:
    return STREAMS[subject.split(".", 1)[0]]


def stream_config(spec: StreamSpec, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        subjects=list(spec.subjects),
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=90 * 24 * 3600.0,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        num_replicas=replicas,
    )


async def ensure_stream(js: JetStreamContext, spec: StreamSpec, replicas: int = 1) -> None:
    """Create or update a stream; safe when several replicas race at start-up."""
    config = stream_config(spec, replicas)
    try:
        await js.update_stream(config)
        return
    except NotFoundError:
        pass
    try:
        await js.add_stream(config)
    except BadRequestError:
        # Another process created it between our update and add (err 10058): update again.
        await js.update_stream(config)
    log.info("stream ready", extra={"stream": spec.name})
