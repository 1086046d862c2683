"""create_app(): the gateway."""

from fastapi import FastAPI

from gateway import __doc__ as description
from gateway.database import Base, kit, outbox
from gateway.settings import Settings
from servicekit.runtime import create_app as create_service_app

VERSION = "0.1.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="SmartGov API",
        description=description or "",
        version=VERSION,
        metadata=Base.metadata,
        kit=kit,
        outbox=outbox,
        routers=[],
    )
