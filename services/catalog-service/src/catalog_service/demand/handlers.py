"""Consumers: use-case data requirements (demand, open data requests) and published
participation results (which become open datasets)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.datasets import service as datasets
from catalog_service.datasets.models import PUBLISHED, Dataset
from catalog_service.demand.models import ACTIVE, REMOVED, DataRequirement
from catalog_service.files.storage import FileStorage
from catalog_service.organizations.models import Organization
from servicekit.events.consumer import Handler
from servicekit.events.envelope import CloudEvent

REQUIREMENT_ADDED = "usecase.data_requirement.added"
REQUIREMENT_REMOVED = "usecase.data_requirement.removed"
RESULTS_PUBLISHED = "participation.results.published"


async def _existing_dataset(session: AsyncSession, raw: Any) -> uuid.UUID | None:
    try:
        dataset_id = uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None
    if dataset_id is None:
        return None
    return await session.scalar(select(Dataset.id).where(Dataset.id == dataset_id))


async def requirement_changed(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    requirement_id = uuid.UUID(str(data["id"]))
    row = await session.get(DataRequirement, requirement_id)
    if row is not None and row.updated_at > event.time:
        return  # an older event arriving late
    removed = event.nats_subject == REQUIREMENT_REMOVED
    values = {
        "municipality": data.get("municipality") or event.municipality or "",
        "use_case_id": uuid.UUID(str(data["use_case_id"])),
        "use_case_title": str(data.get("use_case_title") or "")[:500],
        "dataset_id": await _existing_dataset(session, data.get("dataset_id")),
        "title": str(data.get("title") or "")[:500],
        "description": str(data.get("description") or ""),
        "open": bool(data.get("open", True)),
        "personal": bool(data.get("personal", False)),
        "status": REMOVED if removed else ACTIVE,
        "updated_at": event.time,
    }
    if row is None:
        session.add(DataRequirement(id=requirement_id, created_at=event.time, **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)


def results_handler(storage: FileStorage) -> Handler:
    async def results_published(session: AsyncSession, event: CloudEvent) -> None:
        """The published results of a participation process become an open dataset
        (re-publishing updates it), with the results as a JSON file."""
        data = event.data
        municipality = data.get("municipality") or event.municipality
        org = await session.scalar(
            select(Organization)
            .where(Organization.municipality == municipality)
            .order_by(Organization.created_at)
        )
        if org is None:
            return  # nobody publishes open data here yet; nothing to attach the results to
        payload = json.dumps(
            {k: data.get(k) for k in ("id", "use_case_id", "title", "summary", "results")},
            ensure_ascii=False, indent=2,
        ).encode()  # fmt: skip

        async def chunks() -> AsyncIterator[bytes]:
            yield payload

        stored = await storage.save(chunks(), max_bytes=len(payload) + 1)
        title = f"Beteiligungsergebnisse: {data.get('title') or 'Beteiligung'}"[:500]
        name = f"beteiligung-{data['id']}"[:100]
        columns = {
            "title": title,
            "description": data.get("summary") or title,
            "keywords": ["Beteiligung", "Bürgerbeteiligung"],
            "themes": ["GOVE"],
            "license_id": "dl-by-de/2.0",
            "contact_email": org.email,
            "contact_url": org.homepage,
            "contact_name": org.title,
            "access_rights": "PUBLIC",
            "issued": event.time,
            "modified": event.time,
            "extras": {"participation_process_id": str(data["id"])},
        }
        distribution = {
            "title": "Ergebnisse (JSON)",
            "format": "JSON",
            "media_type": "application/json",
            "file_key": stored.key,
            "byte_size": stored.byte_size,
            "checksum": stored.sha256,
        }
        ds = await session.scalar(select(Dataset).where(Dataset.name == name))
        if ds is None:
            await datasets.insert_dataset(
                session, org, columns, [distribution], name=name, status=PUBLISHED
            )
            return
        for key, value in columns.items():
            setattr(ds, key, value)
        for old in list(ds.distributions):
            ds.distributions.remove(old)
        datasets.new_distribution(ds, distribution)
        previous, ds.status = ds.status, PUBLISHED
        await datasets.after_change(session, ds, org, previous)

    return results_published


def handlers(storage: FileStorage) -> dict[str, Handler]:
    return {
        REQUIREMENT_ADDED: requirement_changed,
        REQUIREMENT_REMOVED: requirement_changed,
        RESULTS_PUBLISHED: results_handler(storage),
    }
