"""Alembic on both dialects: an env.py helper and programmatic upgrades."""

from __future__ import annotations

import asyncio
import os
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
