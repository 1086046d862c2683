"""Many new datasets at once (harvesting): the same rows, index entries and events as
`service.insert_dataset` one by one, written with one executemany per table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.database import outbox
from catalog_service.datasets.indexing import document, facet_values, search_entry
from catalog_service.datasets.models import PUBLISHED, Dataset, DatasetFacet, Distribution
from catalog_service.datasets.service import event_data
from catalog_service.organizations.models import Organization
from catalog_service.search.backends import search_backend
from servicekit.db import utcnow
from servicekit.events.outbox import OutboxItem


def _blank_row(model: type[Any]) -> dict[str, Any]:
    """Every column: its constant default, else None (executemany needs the same keys)."""
    return {
        c.key: c.default.arg if c.default is not None and c.default.is_scalar else None
        for c in model.__table__.columns
    }


_BLANK_DATASET = _blank_row(Dataset)
_BLANK_DISTRIBUTION = _blank_row(Distribution)


@dataclass
class NewDataset:
    columns: dict[str, Any]
    distributions: list[dict[str, Any]]
    name: str
    status: str
    extra: dict[str, Any] = field(default_factory=dict)


def _taken_within(names: set[str], base: str) -> set[str]:
    return {n for n in names if n.startswith(base)}


async def unique_names(session: AsyncSession, wanted: list[str]) -> list[str]:
    """`service.unique_name` for many names at once; the names also differ from each other."""
    bases = [w[:90] for w in wanted]
    clashes = set(await session.scalars(select(Dataset.name).where(Dataset.name.in_(set(bases)))))
    chosen: list[str] = []
    given: set[str] = set()
    for base in bases:
        if base not in clashes and base not in given:  # the usual case
            chosen.append(base)
            given.add(base)
            continue
        taken = set(
            await session.scalars(select(Dataset.name).where(Dataset.name.like(f"{base}%")))
        )
        taken |= _taken_within(given, base)
        name = base
        n = 2
        while name in taken:
            name = f"{base}-{n}"
            n += 1
        chosen.append(name)
        given.add(name)
    return chosen


async def insert_many(
    session: AsyncSession, org: Organization, new: list[NewDataset]
) -> list[uuid.UUID]:
    if not new:
        return []
    names = await unique_names(session, [n.name for n in new])
    now = utcnow()
    rows: list[dict[str, Any]] = []
    dist_rows: list[dict[str, Any]] = []
    facet_rows: list[dict[str, Any]] = []
    index_params: list[dict[str, Any]] = []
    events: list[OutboxItem] = []
    backend = search_backend(session)
    for item, name in zip(new, names, strict=True):
        row = dict(_BLANK_DATASET)
        row.update(keywords=[], themes=[], extras={}, version=1)
        row.update(item.columns)
        row.update(item.extra)
        row.update(
            id=uuid.uuid4(), municipality=org.municipality, organization_id=org.id, name=name,
            status=item.status, metadata_created=now, metadata_modified=now,
        )  # fmt: skip
        dists = []
        for i, columns in enumerate(item.distributions):
            dist = dict(_BLANK_DISTRIBUTION)
            dist.update(columns)
            if dist["license_id"] is None:
                dist["license_id"] = row["license_id"]
            stamp = now + timedelta(microseconds=i)  # keeps the given order (sorted by it)
            dist.update(id=uuid.uuid4(), dataset_id=row["id"], created_at=stamp, updated_at=stamp)
            dists.append(dist)
        ds = SimpleNamespace(**row, distributions=[SimpleNamespace(**d) for d in dists])
        facet_rows += [
            {"dataset_id": ds.id, "facet": f, "value": v}
            for f, v in sorted(facet_values(ds, org))  # type: ignore[arg-type]
        ]
        entry = search_entry(ds, org)  # type: ignore[arg-type]
        index_params.append(backend.params(ds.id, document(ds, org), entry))  # type: ignore[arg-type]
        rows.append(row)
        dist_rows += dists
        if item.status == PUBLISHED:
            events.append(
                OutboxItem(
                    "catalog.dataset.published",
                    event_data(ds),  # type: ignore[arg-type]
                    entity_id=ds.id,
                    municipality=ds.municipality,
                )
            )
        events += [
            OutboxItem(
                "catalog.distribution.added",
                {
                    "id": str(d["id"]),
                    "dataset_id": str(ds.id),
                    "municipality": ds.municipality,
                    "title": d["title"],
                    "format": d["format"],
                },
                entity_id=d["id"],
                municipality=ds.municipality,
            )
            for d in dists
        ]
    # Core inserts on the tables: the rows are complete column dicts already, and the ORM's
    # bulk path would walk each of them through its persistence machinery again.
    tables = Dataset.metadata.tables
    await session.execute(insert(tables[Dataset.__tablename__]), rows)
    if dist_rows:
        await session.execute(insert(tables[Distribution.__tablename__]), dist_rows)
    if facet_rows:
        await session.execute(insert(tables[DatasetFacet.__tablename__]), facet_rows)
    await backend.index_many(session, index_params)
    await outbox.emit_many(session, events)
    return [r["id"] for r in rows]
