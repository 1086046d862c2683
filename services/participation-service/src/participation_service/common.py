"""Small helpers shared by the domain modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from servicekit.pagination import SortKey


def hour(value: datetime) -> datetime:
    """Public timestamps are rounded down to the hour, so activity cannot be timed."""
    return value.replace(minute=0, second=0, microsecond=0)


def sort_key(column: Any, *, descending: bool = False, attribute: str) -> SortKey:
    """A keyset pagination key for an ORM attribute."""
    return SortKey(column, descending=descending, attribute=attribute)
