"""participation.supports.changed / results.published → support and results per use case.

Events about use cases this service does not know are recorded anyway (harmless) so a
late-arriving use case still finds them; older events do not overwrite newer ones.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.consumer import Handler
from servicekit.events.envelope import CloudEvent
from usecase_service.participation.models import ParticipationResult, SupportTally
from usecase_service.usecases.models import UseCase

SUPPORTS_CHANGED = "participation.supports.changed"
RESULTS_PUBLISHED = "participation.results.published"


def _count(value: object) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return max(0, int(value))
    return 0


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


async def apply_supports(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    process_id = uuid.UUID(str(data["process_id"]))
    use_case_id = uuid.UUID(str(data["use_case_id"]))
    tally = await session.get(SupportTally, process_id)
    if tally is not None and tally.event_time > event.time:
        return
    if tally is None:
        tally = SupportTally(process_id=process_id)
        session.add(tally)
    tally.use_case_id = use_case_id
    tally.municipality = data.get("municipality") or event.municipality
    tally.supports = _count(data.get("supports"))
    tally.contributions = _count(data.get("contributions"))
    tally.participants = _count(data.get("participants"))
    tally.by_group = _mapping(data.get("by_group"))
    tally.event_time = event.time
    await session.flush()
    sums = (
        await session.execute(
            select(
                func.coalesce(func.sum(SupportTally.supports), 0),
                func.coalesce(func.sum(SupportTally.participants), 0),
            ).where(SupportTally.use_case_id == use_case_id)
        )
    ).one()
    await session.execute(
        update(UseCase)
        .where(UseCase.id == use_case_id)
        .values(supports=int(sums[0]), participants=int(sums[1]))
    )


async def apply_results(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    process_id = uuid.UUID(str(data["id"]))
    row = await session.get(ParticipationResult, process_id)
    if row is not None and row.event_time > event.time:
        return
    if row is None:
        row = ParticipationResult(process_id=process_id)
        session.add(row)
    row.use_case_id = uuid.UUID(str(data["use_case_id"]))
    row.municipality = data.get("municipality") or event.municipality
    row.title = str(data.get("title") or "")[:500]
    row.summary = str(data.get("summary") or "")
    row.results = _mapping(data.get("results"))
    row.event_time = event.time


def handlers() -> dict[str, Handler]:
    return {SUPPORTS_CHANGED: apply_supports, RESULTS_PUBLISHED: apply_results}
