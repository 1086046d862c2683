"""HTTP: the six steps of a use case, its data needs and BPMN import/export."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from servicekit.problems import problem_responses
from usecase_service.assessment.schemas import AssessmentInput
from usecase_service.http import DB, Caller, IfMatch, UseCaseId
from usecase_service.steps import service
from usecase_service.steps.schemas import (
    Benefits,
    DataRequirementIn,
    Problem,
    Process,
    Requirements,
    Services,
)
from usecase_service.usecases.router import WRITE_ERRORS, answer
from usecase_service.usecases.schemas import UseCaseDetail

router = APIRouter(prefix="/api/v1/use-cases/{use_case_id}", tags=["use-case steps"])
BPMN_MEDIA = "application/xml"


@router.put(
    "/problem",
    operation_id="putUseCaseProblem",
    summary="Step 1: set the problem (as-is / to-be)",
    description="The problem statement, affected groups and as-is and to-be snapshots.",
    responses=WRITE_ERRORS,
)
async def put_problem(
    use_case_id: UseCaseId,
    data: Problem,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.put_step(db, principal, use_case_id, "problem", data, if_match)
    return answer(response, detail)


@router.put(
    "/process",
    operation_id="putUseCaseProcess",
    summary="Step 2: set the as-is and target processes",
    description="Ordered steps; the response carries the computed comparison (steps, "
    "handovers and media breaks removed, lead time, effort, hours and euros saved per year "
    "at the municipality's wage rate).",
    responses=WRITE_ERRORS,
)
async def put_process(
    use_case_id: UseCaseId,
    data: Process,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.put_step(db, principal, use_case_id, "process", data, if_match)
    return answer(response, detail)


@router.put(
    "/benefits",
    operation_id="putUseCaseBenefits",
    summary="Step 3: set the benefits per group",
    description="Per beneficiary group: description, KPI, baseline, target, yearly value.",
    responses=WRITE_ERRORS,
)
async def put_benefits(
    use_case_id: UseCaseId,
    data: Benefits,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.put_step(db, principal, use_case_id, "benefits", data, if_match)
    return answer(response, detail)


@router.put(
    "/requirements",
    operation_id="putUseCaseRequirements",
    summary="Step 4: set technology and actors",
    description="The data needed are separate resources (`data-requirements`).",
    responses=WRITE_ERRORS,
)
async def put_requirements(
    use_case_id: UseCaseId,
    data: Requirements,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.put_step(db, principal, use_case_id, "requirements", data, if_match)
    return answer(response, detail)


@router.put(
    "/services",
    operation_id="putUseCaseServices",
    summary="Step 5: set the services needed",
    description="Each with provider, kind of provider, sourcing and estimated cost.",
    responses=WRITE_ERRORS,
)
async def put_services(
    use_case_id: UseCaseId,
    data: Services,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.put_step(db, principal, use_case_id, "services", data, if_match)
    return answer(response, detail)


@router.put(
    "/assessment",
    operation_id="putUseCaseAssessment",
    summary="Step 6: set the cost-benefit analysis inputs",
    description="Horizon, base year, discount rate (default: the municipality's, recorded "
    "with its source), risk surcharge, yearly line items and weighted criteria. The response "
    "carries NPV (total and budget-relevant), BCR, paybacks, IRR, scores and the "
    "recommendation with its reason.",
    responses=WRITE_ERRORS,
)
async def put_assessment(
    use_case_id: UseCaseId,
    data: AssessmentInput,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.put_step(db, principal, use_case_id, "assessment", data, if_match)
    return answer(response, detail)


@router.post(
    "/data-requirements",
    status_code=201,
    operation_id="addUseCaseDataRequirement",
    summary="Step 4: add a data need",
    description="A published catalogue dataset (unknown or withdrawn ones are refused with "
    "422), or data still to be found. Announced as `usecase.data_requirement.added`.",
    responses=WRITE_ERRORS,
)
async def add_data_requirement(
    use_case_id: UseCaseId,
    data: DataRequirementIn,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.add_data_requirement(db, principal, use_case_id, data, if_match)
    return answer(response, detail)


@router.delete(
    "/data-requirements/{requirement_id}",
    operation_id="removeUseCaseDataRequirement",
    summary="Step 4: remove a data need",
    description="Announced as `usecase.data_requirement.removed`.",
    responses=WRITE_ERRORS,
)
async def remove_data_requirement(
    use_case_id: UseCaseId,
    requirement_id: uuid.UUID,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    detail = await service.remove_data_requirement(
        db, principal, use_case_id, requirement_id, if_match
    )
    return answer(response, detail)


Which = Annotated[service.Which, Path(description="`as_is` or `target`.")]


@router.get(
    "/process/{which}/bpmn",
    operation_id="exportUseCaseProcessBpmn",
    summary="Step 2: export a process as BPMN 2.0 XML",
    description="One lane per actor, tasks in order; channel, minutes, waiting days and "
    "media breaks as `smartgov:` attributes.",
    response_class=Response,
    responses={200: {"content": {BPMN_MEDIA: {}}}, **problem_responses(404, 422)},
)
async def export_bpmn(use_case_id: UseCaseId, which: Which, db: DB, principal: Caller) -> Response:
    document = await service.export_bpmn(db, principal, use_case_id, which)
    return Response(document, media_type=BPMN_MEDIA)


@router.put(
    "/process/{which}/bpmn",
    operation_id="importUseCaseProcessBpmn",
    summary="Step 2: import a process from BPMN 2.0 XML",
    description="Replaces the as-is or target steps with the tasks of the document's first "
    "process, in sequence-flow order; lanes become actors. DTDs and entities are refused.",
    responses=WRITE_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {BPMN_MEDIA: {"schema": {"type": "string"}}},
        }
    },
)
async def import_bpmn(
    use_case_id: UseCaseId,
    which: Which,
    request: Request,
    db: DB,
    principal: Caller,
    response: Response,
    if_match: IfMatch = None,
) -> UseCaseDetail:
    document = await request.body()
    detail = await service.import_bpmn(db, principal, use_case_id, which, document, if_match)
    return answer(response, detail)
