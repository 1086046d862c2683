"""Alembic on both dialects: an env.py helper and programmatic upgrades."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from alembic import command, context
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from servicekit.db import create_engine

URL_ATTRIBUTE = "smartgov_database_url"

log = logging.getLogger("servicekit.migrations")


def alembic_config(script_location: str, database_url: str) -> Config:
    """A config for `script_location` (e.g. `usecase_service:migrations`) and one database."""
    config = Config()
    config.set_main_option("script_location", script_location)
    config.attributes[URL_ATTRIBUTE] = database_url
    return config


def upgrade(script_location: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(script_location, database_url), revision)


class SchemaState(StrEnum):
    MISSING = "missing"  # never migrated, or the database is unreachable
    BEHIND = "behind"  # migrations of this code are not applied yet
    CURRENT = "current"  # exactly at this code's head
    AHEAD = "ahead"  # at a revision this code does not know: a newer release migrated

    @property
    def servable(self) -> bool:
        """A process serves on its own schema and, during an upgrade or a rollback, on the
        next release's (migrations are expand/contract: one release back stays compatible);
        never on an older one, whose tables or columns its queries would miss."""
        return self in (SchemaState.CURRENT, SchemaState.AHEAD)


def _scripts(script_location: str) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(script_location, ""))


def head_revisions(script_location: str) -> set[str]:
    """The revisions the code expects (one, unless branches were left unmerged)."""
    return set(_scripts(script_location).get_heads())


async def current_revisions(database_url: str) -> set[str]:
    """The revisions the database is at (empty when it was never migrated)."""

    def read(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(read)
    finally:
        await engine.dispose()


async def schema_state(script_location: str, database_url: str) -> SchemaState:
    """Where the database's schema stands relative to this code's migrations."""
    scripts = _scripts(script_location)
    current = await current_revisions(database_url)
    if not current:
        return SchemaState.MISSING
    if current == set(scripts.get_heads()):
        return SchemaState.CURRENT
    known = {revision.revision for revision in scripts.walk_revisions()}
    return SchemaState.BEHIND if current <= known else SchemaState.AHEAD


async def wait_for_schema(
    script_location: str, database_url: str, timeout: float, interval: float = 2.0
) -> SchemaState:
    """Poll until the schema can be served on or `timeout` seconds passed; an unreachable
    database counts as missing."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            state = await schema_state(script_location, database_url)
        except Exception as exc:  # the database may still be starting
            log.info("schema check failed: %s", type(exc).__name__)
            state = SchemaState.MISSING
        if state.servable or loop.time() >= deadline:
            return state
        await asyncio.sleep(interval)


UNMANAGED_TABLES = "servicekit_unmanaged_table_prefixes"


def include_name_for(metadata: MetaData) -> Callable[[str | None, str, Any], bool]:
    """Alembic `include_name`: skips tables whose names start with a prefix listed in
    `metadata.info[UNMANAGED_TABLES]` (objects a migration creates with dialect-specific SQL,
    such as full-text indexes, that the models cannot describe)."""
    prefixes = tuple(metadata.info.get(UNMANAGED_TABLES, ()))

    def include_name(name: str | None, type_: str, _parent: Any) -> bool:
        return not (type_ == "table" and name is not None and name.startswith(prefixes))

    return include_name


def _configure(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name_for(metadata),
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure, metadata)
            await connection.commit()
    finally:
        await engine.dispose()


def run_env(metadata: MetaData, default_url_env: str | None = None) -> None:
    """The body of every service's `env.py`."""
    config = context.config
    url: Any = config.attributes.get(URL_ATTRIBUTE) or (
        os.environ.get(default_url_env) if default_url_env else None
    )
    url = url or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL for migrations")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection, metadata)
        return
    asyncio.run(_run_online(str(url), metadata))
