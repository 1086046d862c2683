"""A datastore_search-like query over a stored table: filters, q, sort, paging. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


class RowsQueryError(ValueError):
    pass


@dataclass
class RowsQuery:
    filters: dict[str, Any] = field(default_factory=dict)
    q: str | None = None
    fields: list[str] | None = None
    sort: list[tuple[str, bool]] = field(default_factory=list)
    limit: int = 100
    offset: int = 0


def parse_sort(text: str | None, columns: list[str]) -> list[tuple[str, bool]]:
    out = []
    for part in (text or "").split(","):
        pieces = part.split()
        if not pieces:
            continue
        if pieces[0] not in columns or len(pieces) > 2:
            raise RowsQueryError(f"cannot sort by '{part.strip()}'")
        descending = len(pieces) == 2 and pieces[1].lower() == "desc"
        if len(pieces) == 2 and pieces[1].lower() not in ("asc", "desc"):
            raise RowsQueryError(f"sort direction must be asc or desc, not '{pieces[1]}'")
        out.append((pieces[0], descending))
    return out


def _matches(row: dict[str, Any], query: RowsQuery) -> bool:
    for column, wanted in query.filters.items():
        options = wanted if isinstance(wanted, list) else [wanted]
        if str(row.get(column)) not in {str(o) for o in options}:
            return False
    if query.q:
        needle = query.q.lower()
        return any(needle in str(v).lower() for v in row.values() if v is not None)
    return True


def _sort_key(column: str) -> Callable[[dict[str, Any]], tuple[bool, Any]]:
    def key(row: dict[str, Any]) -> tuple[bool, Any]:
        value = row.get(column)
        return (value is None, value if value is not None else 0)

    return key


def run(
    rows: Iterable[dict[str, Any]], columns: list[str], query: RowsQuery
) -> tuple[list[dict[str, Any]], int]:
    """(records of the page, total matching)."""
    unknown = [c for c in [*query.filters, *(query.fields or [])] if c not in columns]
    if unknown:
        raise RowsQueryError(f"unknown columns: {', '.join(unknown)}")
    matching = (r for r in rows if _matches(r, query))
    if query.sort:
        materialised = list(matching)
        for column, descending in reversed(query.sort):
            materialised.sort(key=_sort_key(column), reverse=descending)
        matching_list = materialised
        total = len(matching_list)
        page = matching_list[query.offset : query.offset + query.limit]
    else:
        page, total = [], 0
        for row in matching:
            if query.offset <= total < query.offset + query.limit:
                page.append(row)
            total += 1
    if query.fields:
        page = [{c: r.get(c) for c in query.fields} for r in page]
    return page, total
