"""search: facet values, status, municipality and modified on the PostgreSQL search row

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Facets, visibility and modification time beside the text, so search counts
# and pages the matched set from the search row alone (GIN on facets for facet-only filters).
POSTGRES_DDL = [
    "ALTER TABLE dataset_search ADD COLUMN facets TEXT[] NOT NULL DEFAULT '{}',"
    " ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'draft',"
    " ADD COLUMN municipality VARCHAR(63) NOT NULL DEFAULT '',"
    " ADD COLUMN modified TIMESTAMPTZ NOT NULL DEFAULT now()",
    "UPDATE dataset_search s SET status = d.status, municipality = d.municipality,"
    " modified = d.metadata_modified,"
    " facets = ARRAY(SELECT f.facet || ':' || f.value FROM dataset_facets f"
    " WHERE f.dataset_id = d.id ORDER BY f.facet, f.value)"
    " FROM datasets d WHERE d.id = s.dataset_id",
    "CREATE INDEX ix_dataset_search_facets ON dataset_search USING GIN (facets)",
    "ANALYZE dataset_search",  # every row was rewritten: plans need fresh statistics
]


def upgrade() -> None:
    # SQLite's FTS5 table keeps only the text; SQLite counts facets from dataset_facets.
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DDL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_dataset_search_facets")
        op.execute(
            "ALTER TABLE dataset_search DROP COLUMN facets, DROP COLUMN status,"
            " DROP COLUMN municipality, DROP COLUMN modified"
        )
