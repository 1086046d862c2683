"""catalog.dataset.published / updated / withdrawn → the dataset read model.

Out-of-order delivery: an event older than what is stored does not overwrite it. A
withdrawal flags every use case that needs the dataset; a later re-publication clears it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.consumer import Handler
from servicekit.events.envelope import CloudEvent
from usecase_service.datasets.models import DatasetRef
from usecase_service.usecases.models import DataRequirement, UseCase

PUBLISHED = "catalog.dataset.published"
UPDATED = "catalog.dataset.updated"
WITHDRAWN = "catalog.dataset.withdrawn"


async def apply_dataset_event(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    dataset_id = uuid.UUID(str(data["id"]))
    withdrawn = event.type.endswith(".withdrawn.v1")
    row = await session.get(DatasetRef, dataset_id)
    if row is not None and row.event_time > event.time:
        return
    if row is None:
        row = DatasetRef(id=dataset_id)
        session.add(row)
    row.municipality = data.get("municipality") or event.municipality
    row.name = str(data.get("name") or "")[:200]
    row.title = str(data.get("title") or row.title or "")[:500]
    row.modified = str(data["modified"])[:40] if data.get("modified") else None
    row.landing_page = str(data["landing_page"])[:1000] if data.get("landing_page") else None
    row.withdrawn = withdrawn
    row.event_time = event.time
    await session.flush()
    await session.execute(
        update(DataRequirement)
        .where(DataRequirement.dataset_id == dataset_id)
        .values(dataset_withdrawn=withdrawn, dataset_title=row.title)
    )
    needing = select(DataRequirement.use_case_id).where(DataRequirement.dataset_id == dataset_id)
    flagged = exists().where(
        DataRequirement.use_case_id == UseCase.id, DataRequirement.dataset_withdrawn.is_(True)
    )
    await session.execute(update(UseCase).where(UseCase.id.in_(needing)).values(flagged=flagged))


def handlers() -> dict[str, Handler]:
    return {
        PUBLISHED: apply_dataset_event,
        UPDATED: apply_dataset_event,
        WITHDRAWN: apply_dataset_event,
    }
