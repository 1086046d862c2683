"""create_app(): wires servicekit, routers and event consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from participation_service import __doc__ as description
from participation_service import models  # noqa: F401  (every table on the metadata)
from participation_service.contributions.router import router as contributions_router
from participation_service.database import Base, kit, outbox, tenants
from participation_service.moderation.router import router as moderation_router
from participation_service.open311.router import router as open311_router
from participation_service.participants.router import router as participants_router
from participation_service.processes.router import router as processes_router
from participation_service.ratelimit import WriteLimits
from participation_service.results.router import router as results_router
from participation_service.results.service import emit_supports_changes
from participation_service.settings import Settings
from participation_service.surveys.router import router as surveys_router
from participation_service.usecases import service as usecases
from servicekit.db import Database
from servicekit.events.outbox import Lease
from servicekit.runtime import create_app as create_service_app

VERSION = "0.1.0"
log = logging.getLogger("participation_service")

TAGS = [
    {
        "name": "processes",
        "description": "Consultations on published use cases, with dated phases.",
    },
    {
        "name": "contributions",
        "description": "Ideas and problems, comments, supports, official answers.",
    },
    {"name": "surveys", "description": "Surveys per phase and their aggregated results."},
    {"name": "moderation", "description": "Reports, the moderation queue, actions and audit log."},
    {"name": "results", "description": "Public results and exports."},
    {"name": "participants", "description": "Your pseudonymous profile, GDPR export and deletion."},
    {"name": "open311", "description": "Open311 GeoReport v2 subset for reporting apps."},
]


async def supports_ticker(db: Database, interval: float) -> None:
    """Throttled `participation.supports.changed`: one replica (lease holder) checks every
    `interval` seconds and emits an aggregate only for processes whose supports changed."""
    lease = Lease(db, kit, "participation-supports-ticker", ttl=max(15.0, interval * 3))
    while True:
        try:
            if await lease.acquire():
                await emit_supports_changes(db, interval)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("supports ticker failed, retrying: %s", exc)
        await asyncio.sleep(interval)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="SmartGov participation service",
        description=description or "",
        version=VERSION,
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[
            processes_router,
            contributions_router,
            surveys_router,
            moderation_router,
            results_router,
            participants_router,
            open311_router,
        ],
        handlers={**tenants.handlers(), **usecases.handlers()},
        openapi_tags=TAGS,
    )
    app.state.write_limits = WriteLimits(
        settings.writes_per_minute_participant, settings.writes_per_minute_ip
    )
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with inner(app):
            ticker = asyncio.create_task(
                supports_ticker(app.state.runtime.db, settings.supports_event_seconds)
            )
            try:
                yield
            finally:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker

    app.router.lifespan_context = lifespan
    return app
