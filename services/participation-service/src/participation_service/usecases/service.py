"""The use-case read model: only published public use cases can get a process; archiving
a use case closes its processes."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.processes import service as processes
from participation_service.processes.models import Process
from participation_service.usecases.models import UseCaseView
from servicekit.events.consumer import Handler
from servicekit.events.envelope import CloudEvent

SUBJECTS = (
    "usecase.usecase.created",
    "usecase.usecase.updated",
    "usecase.usecase.published",
    "usecase.usecase.status_changed",
    "usecase.usecase.archived",
)


async def apply(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    action = event.type.rsplit(".", 2)[-2]
    use_case_id = uuid.UUID(str(data["id"]))
    version = int(data.get("version") or 0)
    view = await session.get(UseCaseView, use_case_id)
    if view is not None and (version, event.time) < (view.version, view.updated_at):
        return  # an older event arriving late
    if view is None:
        view = UseCaseView(id=use_case_id, published=False, archived=False)
        session.add(view)
    status = str(data.get("status") or "")
    view.municipality = str(data.get("municipality") or event.municipality or "")
    view.title = str(data.get("title") or "")[:300]
    view.status = status[:40]
    view.visibility = str(data.get("visibility") or "public")[:40]
    view.version = version
    view.updated_at = event.time
    # Published means "announced public" (`usecase.usecase.published`); the use case's own
    # status (draft, problem_defined, ...) is its lifecycle step and never unpublishes it.
    view.published = view.published or action == "published" or status == "published"
    view.archived = action == "archived" or status == "archived"
    await session.flush()
    if view.archived:
        await close_processes_of(session, use_case_id)


async def close_processes_of(session: AsyncSession, use_case_id: uuid.UUID) -> None:
    rows = (
        await session.scalars(
            select(Process).where(Process.use_case_id == use_case_id, Process.status != "closed")
        )
    ).all()
    for process in rows:
        await processes.close_in(session, process)


def handlers() -> dict[str, Handler]:
    return dict.fromkeys(SUBJECTS, apply)
