"""Database.autocommit(): single statements outside a transaction, on both dialects."""

from __future__ import annotations

from sqlalchemy import text

from servicekit.db import Database


async def test_autocommit_statements_take_effect_at_once(fresh_database_url):
    db = Database(fresh_database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (n INTEGER)"))
        async with db.autocommit() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        # no commit was needed: another connection sees the row
        async with db.sessions() as session:
            assert (await session.execute(text("SELECT n FROM t"))).scalar_one() == 1
        # and the pool hands out normal, transactional connections afterwards
        async with db.transaction() as session:
            await session.execute(text("INSERT INTO t VALUES (2)"))
            await session.rollback()
        async with db.sessions() as session:
            assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
    finally:
        await db.dispose()


async def test_first_row_reads_outside_a_transaction(fresh_database_url):
    db = Database(fresh_database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (n INTEGER, label TEXT)"))
        query = text("SELECT n, label FROM t WHERE n = :n")
        assert await db.first_row(query, {"n": 1}) is None
        async with db.transaction() as session:
            await session.execute(text("INSERT INTO t VALUES (1, 'one')"))
        row = await db.first_row(query, {"n": 1})
        assert row is not None and (row.n, row.label) == (1, "one")
        # the connection went back to the pool outside any transaction: writes elsewhere
        # are not blocked by it and are seen at once
        async with db.transaction() as session:
            await session.execute(text("UPDATE t SET label = 'uno' WHERE n = 1"))
        row = await db.first_row(query, {"n": 1})
        assert row is not None and row.label == "uno"
    finally:
        await db.dispose()
