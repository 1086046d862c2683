"""`python -m <package> check-schema`: the gate in every Deployment's init container, so a
pod never serves on an older schema than its code's (a newer release's schema is allowed:
migrations are expand/contract, which keeps a rollback by one release working)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from servicekit.db import Database
from servicekit.migrations import SchemaState, schema_state, upgrade

MIGRATION = """
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("t{revision}", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("t{revision}")
"""


@pytest.fixture
def two_revisions(tmp_path: Path) -> str:
    """A migration script directory with revisions a1 -> a2."""
    scripts = tmp_path / "migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(
        "from sqlalchemy import MetaData\n"
        "from servicekit.migrations import run_env\n"
        "run_env(MetaData())\n"
    )
    (scripts / "script.py.mako").write_text("")
    for revision, down in (("a1", None), ("a2", "a1")):
        (scripts / "versions" / f"{revision}.py").write_text(
            MIGRATION.format(revision=revision, down=down)
        )
    return str(scripts)


async def stamp(database_url: str, revision: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        await db.dispose()


@pytest.mark.db
async def test_schema_states(two_revisions: str, fresh_database_url: str) -> None:
    url = fresh_database_url  # (alembic's env.py runs its own event loop: use a thread)
    assert await schema_state(two_revisions, url) == SchemaState.MISSING
    await asyncio.to_thread(upgrade, two_revisions, url, "a1")
    assert await schema_state(two_revisions, url) == SchemaState.BEHIND
    await asyncio.to_thread(upgrade, two_revisions, url, "head")
    assert await schema_state(two_revisions, url) == SchemaState.CURRENT
    await stamp(url, "a3_from_a_newer_release")
    assert await schema_state(two_revisions, url) == SchemaState.AHEAD
    assert [s.servable for s in SchemaState] == [False, False, True, True]


def check_schema(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "USECASE_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "usecase_service", "check-schema", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.db
def test_the_command_fails_until_the_database_is_migrated(fresh_database_url: str) -> None:
    before = check_schema(fresh_database_url)
    assert before.returncode == 1, before.stdout + before.stderr
    assert "database schema missing" in before.stdout
    upgrade("usecase_service:migrations", fresh_database_url)
    after = check_schema(fresh_database_url)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "database schema current" in after.stdout


def test_the_command_gives_up_on_an_unreachable_database_after_waiting() -> None:
    result = check_schema("postgresql+asyncpg://nobody@127.0.0.1:9/none", "--wait", "1")
    assert result.returncode == 1
    assert "database schema missing" in result.stdout
