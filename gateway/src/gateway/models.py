"""Imports every domain module's models so Alembic sees all tables."""
