"""`python -m <package> check-schema`: the gate that keeps a pod from serving on a schema
that is not its own (the init container in every Deployment)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from servicekit.migrations import head_revisions, schema_is_current, upgrade

SERVICE = "usecase_service"
MIGRATIONS = "usecase_service:migrations"


def check_schema(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "USECASE_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", SERVICE, "check-schema", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.db
def test_check_schema_fails_until_the_database_is_migrated(fresh_database_url: str) -> None:
    before = check_schema(fresh_database_url)
    assert before.returncode == 1
    assert "is not at head" in before.stdout
    upgrade(MIGRATIONS, fresh_database_url)
    after = check_schema(fresh_database_url)
    assert after.returncode == 0, after.stdout + after.stderr
    assert sorted(head_revisions(MIGRATIONS))[0] in after.stdout


@pytest.mark.db
async def test_an_older_schema_is_not_current(fresh_database_url: str) -> None:
    # at "base" (nothing applied) the code's head is missing
    assert not await schema_is_current(MIGRATIONS, fresh_database_url)


def test_check_schema_with_an_unreachable_database_gives_up_after_waiting() -> None:
    result = check_schema("postgresql+asyncpg://nobody@127.0.0.1:9/none", "--wait", "1")
    assert result.returncode == 1
    assert "is not at head" in result.stdout
