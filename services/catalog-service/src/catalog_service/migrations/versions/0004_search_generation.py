"""search: a generation number that every change to what search answers show bumps

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = [
    "CREATE TABLE dataset_search_generation ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), generation BIGINT NOT NULL)",
    "INSERT INTO dataset_search_generation (id, generation) VALUES (1, 0)",
]
BUMP = "UPDATE dataset_search_generation SET generation = generation + 1 WHERE id = 1"

# PostgreSQL: bumped once per transaction, at commit (a deferred constraint trigger), so the
# row lock on the counter is the last lock a writer takes and is held only while it commits:
# writers queue there briefly but can never deadlock on it.
POSTGRES_FUNCTION = f"""
CREATE FUNCTION dataset_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('catalog.search_changed', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('catalog.search_changed', 'on', true);
        {BUMP};
    END IF;
    RETURN NULL;
END $$"""
SHOWN = ("datasets", "distributions", "organizations")
POSTGRES_TABLES = (*SHOWN, "dataset_search")
SQLITE_TABLES = (*SHOWN, "dataset_facets")  # the FTS table changes only with its dataset


def upgrade() -> None:
    for statement in TABLE:
        op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in POSTGRES_TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {table}_search_changed"
                f" AFTER INSERT OR UPDATE OR DELETE ON {table}"
                " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                " EXECUTE FUNCTION dataset_search_changed()"
            )
        return
    for table in SQLITE_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_search_changed_{event.lower()}"
                f" AFTER {event} ON {table} BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in POSTGRES_TABLES:
            op.execute(f"DROP TRIGGER {table}_search_changed ON {table}")
        op.execute("DROP FUNCTION dataset_search_changed()")
    else:
        for table in SQLITE_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_search_changed_{event}")
    op.execute("DROP TABLE dataset_search_generation")
