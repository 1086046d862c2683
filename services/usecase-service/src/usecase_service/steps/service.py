"""Editing the six steps. Every edit goes through `usecases.service.change`."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.db import Database, utcnow
from servicekit.identity import Principal
from servicekit.problems import FieldError, NotFound, Unprocessable
from usecase_service.access import require_readable
from usecase_service.assessment.schemas import AssessmentInput
from usecase_service.datasets.models import DatasetRef
from usecase_service.processes import bpmn
from usecase_service.processes.schemas import ProcessStep
from usecase_service.steps.schemas import (
    Benefits,
    DataRequirementIn,
    Problem,
    Process,
    Requirements,
    Services,
)
from usecase_service.usecases.events import data_requirement_event
from usecase_service.usecases.models import DataRequirement, UseCase
from usecase_service.usecases.schemas import UseCaseDetail
from usecase_service.usecases.service import change, load
from usecase_service.vocab import Vocabulary

MAX_DATA_REQUIREMENTS = 100


class Which(Vocabulary):
    """Which of the two processes: `as_is` (today's) or `target` (the planned one)."""

    AS_IS = "as_is"
    TARGET = "target"


StepDocument = Problem | Process | Benefits | Requirements | Services | AssessmentInput


async def put_step(
    db: Database,
    principal: Principal,
    use_case_id: uuid.UUID,
    step: str,
    data: StepDocument,
    if_match: str | None,
) -> UseCaseDetail:
    """Replace one step's document (`problem`, `process`, ... `assessment`)."""

    async def apply(_session: AsyncSession, use_case: UseCase) -> None:
        setattr(use_case, step, data.model_dump(mode="json"))

    return await change(db, principal, use_case_id, if_match, apply)


async def add_data_requirement(
    db: Database,
    principal: Principal,
    use_case_id: uuid.UUID,
    data: DataRequirementIn,
    if_match: str | None,
) -> UseCaseDetail:
    """A link to a published catalogue dataset, or data still to be found. A link to a
    dataset the catalogue never published or has withdrawn is refused."""

    async def apply(session: AsyncSession, use_case: UseCase) -> None:
        if len(use_case.data_requirements) >= MAX_DATA_REQUIREMENTS:
            raise Unprocessable(f"A use case has at most {MAX_DATA_REQUIREMENTS} data needs.")
        dataset = await session.get(DatasetRef, data.dataset_id) if data.dataset_id else None
        if data.dataset_id and (dataset is None or dataset.withdrawn):
            state = "withdrawn from" if dataset else "not published in"
            raise Unprocessable(
                f"Dataset {data.dataset_id} is {state} the catalogue.",
                [FieldError(field="body.dataset_id", message=f"dataset {state} the catalogue")],
            )
        requirement = DataRequirement(
            id=uuid.uuid4(),
            **data.model_dump(),
            dataset_title=dataset.title if dataset else None,
            dataset_withdrawn=False,
            created_at=utcnow(),
        )
        use_case.data_requirements.append(requirement)
        await data_requirement_event(session, use_case, requirement, "added")

    return await change(db, principal, use_case_id, if_match, apply)


async def remove_data_requirement(
    db: Database,
    principal: Principal,
    use_case_id: uuid.UUID,
    requirement_id: uuid.UUID,
    if_match: str | None,
) -> UseCaseDetail:
    async def apply(session: AsyncSession, use_case: UseCase) -> None:
        found = next((r for r in use_case.data_requirements if r.id == requirement_id), None)
        if found is None:
            raise NotFound(f"Data requirement {requirement_id} does not exist.")
        use_case.data_requirements.remove(found)
        use_case.flagged = any(r.dataset_withdrawn for r in use_case.data_requirements)
        await data_requirement_event(session, use_case, found, "removed")

    return await change(db, principal, use_case_id, if_match, apply)


def _steps(use_case: UseCase, which: Which) -> list[ProcessStep]:
    process = Process.model_validate(use_case.process or {})
    return list(getattr(process, which.value))


async def export_bpmn(
    db: Database, principal: Principal, use_case_id: uuid.UUID, which: Which
) -> bytes:
    async with db.sessions() as session:
        use_case = require_readable(principal, await load(session, use_case_id), use_case_id)
    label = "as-is" if which is Which.AS_IS else "target"
    return bpmn.export_process(
        _steps(use_case, which),
        name=f"{use_case.title} ({label})",
        process_id=f"{which.value}_{use_case.id.hex[:8]}",
    )


async def import_bpmn(
    db: Database,
    principal: Principal,
    use_case_id: uuid.UUID,
    which: Which,
    document: bytes,
    if_match: str | None,
) -> UseCaseDetail:
    try:
        steps = bpmn.import_process(document)
    except bpmn.BpmnError as exc:
        raise Unprocessable(
            f"The BPMN document cannot be imported: {exc}",
            [FieldError(field="body", message=str(exc))],
        ) from exc

    async def apply(_session: AsyncSession, use_case: UseCase) -> None:
        process = Process.model_validate(use_case.process or {})
        setattr(process, which.value, steps)
        use_case.process = process.model_dump(mode="json")

    return await change(db, principal, use_case_id, if_match, apply)
