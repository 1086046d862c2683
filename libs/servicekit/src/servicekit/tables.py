"""Tables every service carries in its own database: outbox, inbox, dead letters,
idempotency keys and the relay lease. Services add them to their metadata with
`KitTables(Base.metadata)` and include them in their Alembic migrations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

from servicekit.db import UTCDateTime

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL wants BIGINT identity.
SequenceInt = BigInteger().with_variant(Integer(), "sqlite")


class KitTables:
    def __init__(self, metadata: MetaData) -> None:
        self.outbox = Table(
            "kit_outbox",
            metadata,
            Column("seq", SequenceInt, primary_key=True, autoincrement=True),
            Column("event_id", Uuid, nullable=False, unique=True),
            Column("subject", String(200), nullable=False),
            Column("payload", LargeBinary, nullable=False),
            Column("created_at", UTCDateTime, nullable=False),
            Column("published_at", UTCDateTime, nullable=True),
            Index("ix_kit_outbox_unpublished", "published_at", "seq"),
        )
        self.inbox = Table(
            "kit_inbox",
            metadata,
            Column("event_id", Uuid, primary_key=True),
            Column("consumer", String(100), nullable=False),
            Column("event_type", String(200), nullable=False),
            Column("processed_at", UTCDateTime, nullable=False),
        )
        self.dead_letters = Table(
            "kit_dead_letters",
            metadata,
            Column("id", SequenceInt, primary_key=True, autoincrement=True),
            Column("consumer", String(100), nullable=False),
            Column("subject", String(200), nullable=False),
            Column("event_id", String(100), nullable=True),
            Column("deliveries", Integer, nullable=False),
            Column("error", Text, nullable=False),
            Column("payload", LargeBinary, nullable=False),
            Column("recorded_at", UTCDateTime, nullable=False),
        )
        self.idempotency = Table(
            "kit_idempotency_keys",
            metadata,
            Column("principal", String(200), primary_key=True),
            Column("key", String(200), primary_key=True),
            Column("request_hash", String(64), nullable=False),
            Column("status_code", Integer, nullable=True),
            Column("response_headers", JSON, nullable=True),
            Column("response_body", LargeBinary, nullable=True),
            Column("created_at", UTCDateTime, nullable=False),
        )
        self.leases = Table(
            "kit_leases",
            metadata,
            Column("name", String(100), primary_key=True),
            Column("holder", String(100), nullable=False),
            Column("expires_at", UTCDateTime, nullable=False),
        )
