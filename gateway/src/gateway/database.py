"""The gateway's own metadata: API keys and municipalities, plus the kit tables."""

from sqlalchemy.orm import DeclarativeBase

from servicekit.db import make_metadata
from servicekit.events.outbox import Outbox
from servicekit.tables import KitTables


class Base(DeclarativeBase):
    metadata = make_metadata()


kit = KitTables(Base.metadata)
outbox = Outbox(kit, "gateway", stream="platform")
