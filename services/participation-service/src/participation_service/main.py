"""create_app(): wires servicekit, routers and event consumers."""

from fastapi import FastAPI

from participation_service import __doc__ as description
from participation_service.database import Base, kit, outbox, tenants
from participation_service.settings import Settings
from servicekit.runtime import create_app as create_service_app

VERSION = "0.1.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="SmartGov participation service",
        description=description or "",
        version=VERSION,
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[],
        handlers={**tenants.handlers()},
    )
