"""The service's metadata, with the tables every service carries."""

from sqlalchemy.orm import DeclarativeBase

from catalog_service.search.backends import UNMANAGED_PREFIXES
from servicekit.db import make_metadata
from servicekit.events.outbox import Outbox
from servicekit.migrations import UNMANAGED_TABLES
from servicekit.tables import KitTables
from servicekit.tenants import Tenants


class Base(DeclarativeBase):
    metadata = make_metadata()


# The full-text index tables are created by the migrations with dialect-specific SQL.
Base.metadata.info[UNMANAGED_TABLES] = UNMANAGED_PREFIXES
kit = KitTables(Base.metadata)
tenants = Tenants(Base.metadata)
outbox = Outbox(kit, "catalog-service", stream="catalog")
