"""Alembic on both dialects: an env.py helper and programmatic upgrades."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from servicekit.db import create_engine

URL_ATTRIBUTE = "smartgov_database_url"


def alembic_config(script_location: str, database_url: str) -> Config:
    """A config for `script_location` (e.g. `usecase_service:migrations`) and one database."""
    config = Config()
    config.set_main_option("script_location", script_location)
    config.attributes[URL_ATTRIBUTE] = database_url
    return config


def upgrade(script_location: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(script_location, database_url), revision)


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
