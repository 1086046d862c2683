"""Alembic on both dialects: an env.py helper and programmatic upgrades."""

from __future__ import annotations

import asyncio
import logging
import os
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


def head_revisions(script_location: str) -> set[str]:
    """The revisions the code expects (one, unless branches were left unmerged)."""
    return set(ScriptDirectory.from_config(alembic_config(script_location, "")).get_heads())


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


async def schema_is_current(script_location: str, database_url: str) -> bool:
    """Whether the database is exactly at the code's head: a process must not serve on an
    older schema (its queries would fail) nor on a newer one (a rollback without downgrade)."""
    return await current_revisions(database_url) == head_revisions(script_location)


async def wait_for_current_schema(
    script_location: str, database_url: str, timeout: float, interval: float = 2.0
) -> bool:
    """Poll until the schema is current or `timeout` seconds passed; an unreachable
    database counts as not current yet."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            if await schema_is_current(script_location, database_url):
                return True
        except Exception as exc:  # the database may still be starting
            log.info("schema check failed: %s", type(exc).__name__)
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(interval)


def _configure(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
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
