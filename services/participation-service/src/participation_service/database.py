"""The service's metadata, with the tables every service carries."""

from sqlalchemy.orm import DeclarativeBase

from servicekit.db import make_metadata
from servicekit.events.outbox import Outbox
from servicekit.tables import KitTables
from servicekit.tenants import Tenants


class Base(DeclarativeBase):
    metadata = make_metadata()


kit = KitTables(Base.metadata)
tenants = Tenants(Base.metadata)
outbox = Outbox(kit, "participation-service", stream="participation")
