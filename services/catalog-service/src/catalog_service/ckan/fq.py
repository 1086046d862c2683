"""The subset of Solr filter queries (`fq`) that CKAN clients and harvesters send, parsed into
search filters. Pure.

    organization:musterstadt            tags:"Öffentlicher Verkehr"
    organization:a OR organization:b    -organization:x
    groups:(tran OR envi)               metadata_modified:[2024-01-01T00:00:00Z TO *]
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from catalog_service.vocab import vocabulary

FACET_FIELDS = {
    "organization": "organization",
    "tags": "keyword",
    "groups": "theme",
    "res_format": "format",
    "license_id": "license",
    "municipality": "municipality",
}
RANGE_FIELDS = {"metadata_modified", "metadata_created"}
NOOP_FIELDS = {
    "dataset_type": "dataset",
    "type": "dataset",
    "state": "active",
    "capacity": "public",
}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<op>AND|OR|&&|\|\|)(?=\s|$)
    | (?P<clause>(?P<sign>[+-]?)(?P<field>[A-Za-z_][\w.]*):
        (?P<value>"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|(?:[^\s\\()]|\\.)+))
    )""",
    re.VERBOSE,
)


class FqError(ValueError):
    pass


@dataclass
class Filters:
    filters: dict[str, list[str]] = field(default_factory=dict)
    excludes: dict[str, list[str]] = field(default_factory=dict)
    ids: list[uuid.UUID] | None = None
    names: list[str] | None = None
    ranges: dict[str, tuple[datetime | None, datetime | None]] = field(default_factory=dict)
    nothing: bool = False  # a clause no dataset can match


def parse_datetime(text: str) -> datetime:
    cleaned = text.strip().replace("Z", "+00:00")
    if cleaned.upper().startswith("NOW"):
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise FqError(f"'{text}' is not an ISO 8601 date") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _unquote(value: str) -> str:
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = value[1:-1]
    return re.sub(r"\\(.)", r"\1", value)


def _values(raw: str) -> list[str]:
    if raw.startswith("(") and raw.endswith(")"):
        parts = re.split(r"\s+OR\s+", raw[1:-1].strip())
        return [_unquote(p.strip()) for p in parts if p.strip()]
    return [_unquote(raw)]


def _range(raw: str) -> tuple[datetime | None, datetime | None]:
    match = re.fullmatch(r"[\[{]\s*(\S+)\s+TO\s+(\S+)\s*[\]}]", raw)
    if not match:
        raise FqError(f"'{raw}' is not a range like [2024-01-01T00:00:00Z TO *]")
    low, high = match.groups()
    return (
        None if low == "*" else parse_datetime(low),
        None if high == "*" else parse_datetime(high),
    )


def _normalise(facet: str, value: str) -> str:
    if facet == "theme":
        return value.upper()
    if facet == "format":
        found = vocabulary().file_type(value)
        return found.code if found else value.upper()
    if facet == "license":
        found_license = vocabulary().license(value)
        return found_license.id if found_license else value
    return value


def _clauses(fq: str) -> list[list[tuple[str, str, str]]]:
    """AND-groups of OR-ed clauses (sign, field, raw value)."""
    groups: list[list[tuple[str, str, str]]] = []
    position, pending_or = 0, False
    text = fq.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FqError(f"cannot read the filter query at: {text[position : position + 30]!r}")
        position = match.end()
        if match.group("op"):
            if not groups:
                raise FqError("a filter query cannot start with an operator")
            pending_or = match.group("op") in ("OR", "||")
            continue
        clause = (match.group("sign"), match.group("field"), match.group("value"))
        if pending_or:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        pending_or = False
    if pending_or:
        raise FqError("a filter query cannot end with an operator")
    return groups


def parse_fq(*queries: str) -> Filters:
    out = Filters()
    for fq in queries:
        for group in _clauses(fq):
            fields = {f for _s, f, _v in group}
            if len(group) > 1 and (len(fields) > 1 or any(s == "-" for s, _f, _v in group)):
                raise FqError("OR is supported only between values of the same field")
            sign, name, _ = group[0]
            values = [v for _s, _f, raw in group for v in _values(raw)]
            raws = [raw for _s, _f, raw in group]
            if name in FACET_FIELDS:
                facet = FACET_FIELDS[name]
                normalised = [_normalise(facet, v) for v in values]
                target = out.excludes if sign == "-" else out.filters
                if sign != "-" and facet in target:  # AND with an earlier clause on this field
                    target[facet] = [v for v in target[facet] if v in normalised]
                    out.nothing |= not target[facet]
                else:
                    target.setdefault(facet, []).extend(normalised)
            elif name in RANGE_FIELDS:
                if sign == "-" or len(raws) > 1:
                    raise FqError(f"{name} supports one positive range")
                out.ranges[name] = _range(raws[0])
            elif name in ("id", "name"):
                if sign == "-":
                    raise FqError(f"-{name} is not supported")
                if name == "id":
                    try:
                        out.ids = [uuid.UUID(v) for v in values]
                    except ValueError:
                        out.nothing = True
                else:
                    out.names = values
            elif name in NOOP_FIELDS:
                if (sign == "-") == (NOOP_FIELDS[name] in values):
                    out.nothing = True
            else:
                raise FqError(f"cannot filter on '{name}'")
    return out
