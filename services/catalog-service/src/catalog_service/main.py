"""create_app(): wires servicekit, routers and event consumers."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from catalog_service import __doc__ as description
from catalog_service.ckan.router import router as ckan_router
from catalog_service.database import Base, kit, outbox, tenants
from catalog_service.datasets.router import router as datasets_router
from catalog_service.dcat.router import router as dcat_router
from catalog_service.demand.handlers import handlers as demand_handlers
from catalog_service.demand.router import router as demand_router
from catalog_service.files.router import UPLOAD_PATH
from catalog_service.files.router import router as files_router
from catalog_service.files.storage import LocalStorage
from catalog_service.harvest.router import router as harvest_router
from catalog_service.harvest.scheduler import scheduler
from catalog_service.models import __all__ as _every_model  # noqa: F401  (foreign keys resolve)
from catalog_service.organizations.router import router as organizations_router
from catalog_service.search.cache import SearchCache
from catalog_service.settings import Settings
from servicekit.runtime import create_app as create_service_app

VERSION = "0.1.0"

TAGS = [
    {"name": "catalog: datasets", "description": "DCAT-AP.de datasets and distributions."},
    {"name": "catalog: organizations", "description": "Publishers of a municipality."},
    {"name": "catalog: files", "description": "Uploaded files, previews and row queries."},
    {"name": "catalog: harvesting", "description": "CKAN and DCAT harvest sources and runs."},
    {"name": "catalog: data requests", "description": "Data use cases need."},
    {"name": "catalog: CKAN API", "description": "CKAN Action API for CKAN clients."},
    {"name": "catalog: DCAT-AP.de", "description": "The catalogue as DCAT-AP.de RDF."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    storage = LocalStorage(settings.storage_dir)
    app = create_service_app(
        settings,
        title="SmartGov catalog service",
        description=description or "",
        version=VERSION,
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[
            datasets_router,
            files_router,
            organizations_router,
            harvest_router,
            demand_router,
            ckan_router,
            dcat_router,
        ],
        handlers={**tenants.handlers(), **demand_handlers(storage)},
        openapi_tags=TAGS,
        body_limit_overrides=[(UPLOAD_PATH, settings.max_upload_bytes)],
    )
    app.state.storage = storage
    app.state.search_cache = SearchCache(int(settings.search_cache_mib * 1024 * 1024))
    _run_scheduler_with(app, settings)
    return app


def _run_scheduler_with(app: FastAPI, settings: Settings) -> None:
    """Scheduled harvesting lives as long as the app's lifespan."""
    original = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with original(a):
            db = a.state.runtime.db
            task = asyncio.create_task(
                scheduler(
                    db, settings.harvest_schedule_poll_seconds, settings.harvest_timeout_seconds
                )
            )
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
