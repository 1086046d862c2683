"""create_app(): wires servicekit, routers and event consumers."""

from fastapi import FastAPI

from servicekit.runtime import create_app as create_service_app
from usecase_service import __doc__ as description
from usecase_service import models  # noqa: F401  (registers every table)
from usecase_service.database import Base, kit, outbox, tenants
from usecase_service.datasets import handlers as datasets
from usecase_service.exports.router import router as exports_router
from usecase_service.parameters.router import router as settings_router
from usecase_service.participation import handlers as participation
from usecase_service.portfolio.router import router as portfolio_router
from usecase_service.settings import Settings
from usecase_service.steps.router import router as steps_router
from usecase_service.usecases.router import router as usecases_router

VERSION = "0.1.0"
TAGS = [
    {"name": "use cases", "description": "Use cases, their lifecycle, history and adoption."},
    {"name": "use-case steps", "description": "The six steps: problem to cost-benefit analysis."},
    {"name": "portfolio", "description": "Ranking, roadmap, totals and CSV export."},
    {"name": "exports", "description": "A use case as JSON or a printable summary."},
    {"name": "use-case settings", "description": "Per-municipality parameters of the method."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="SmartGov use-case service",
        description=description or "",
        version=VERSION,
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[
            usecases_router,
            steps_router,
            exports_router,
            portfolio_router,
            settings_router,
        ],
        handlers={**tenants.handlers(), **datasets.handlers(), **participation.handlers()},
        openapi_tags=TAGS,
    )
