"""Full-text search inside the database: PostgreSQL tsvector + GIN, SQLite FTS5.

Both keep their index in a table the migrations create with dialect-specific SQL and that
every write of a dataset updates in its own transaction, so the index cannot drift."""
