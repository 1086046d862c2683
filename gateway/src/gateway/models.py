"""Imports every domain module's models so Alembic sees all tables."""

from gateway.apikeys.models import ApiKey
from gateway.municipalities.models import Municipality

__all__ = ["ApiKey", "Municipality"]
