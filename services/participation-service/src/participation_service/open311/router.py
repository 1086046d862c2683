"""Open311 GeoReport v2 subset, so existing reporting apps can post problems into a
problem-collection phase. Services are the open processes whose current phase accepts
problems; a request is a problem contribution. Errors use GeoReport's list of
{code, description}, which those apps parse."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import select

from participation_service.access import Actor, get_actor, get_writer, take_part, visible_process
from participation_service.common import hour
from participation_service.contributions import service as contributions
from participation_service.contributions.models import Contribution
from participation_service.contributions.schemas import ContributionIn
from participation_service.processes.models import Process
from participation_service.processes.service import visible_filter
from servicekit.db import Database, utcnow
from servicekit.openapi import OPTIONALLY_AUTHENTICATED
from servicekit.problems import ProblemError
from servicekit.runtime import get_db

router = APIRouter(prefix="/open311/v2", tags=["open311"])
DB = Annotated[Database, Depends(get_db)]
MAX_REQUESTS = 200
STATUS = {"submitted": "open", "under_consideration": "open", "accepted": "open"}


def _aware(value: datetime) -> datetime:
    """GeoReport dates may come without an offset; they are read as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_ERROR_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}
# Open311 answers errors as its own JSON list, not problem+json.
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": "Open311 error list",
        "content": {"application/json": {"schema": _ERROR_SCHEMA}},
    }
    for status in (400, 401, 403, 404, 409, 422, 429)
}


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status_code=status)


def _service(process: Process) -> dict[str, Any]:
    return {
        "service_code": str(process.id),
        "service_name": process.title[:100],
        "description": process.description[:500],
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(process.categories),
        "group": process.municipality,
    }


def _request(c: Contribution) -> dict[str, Any]:
    lon = lat = None
    if c.geometry and c.geometry.get("type") == "Point":
        lon, lat = c.geometry["coordinates"][:2]
    return {
        "service_request_id": str(c.id),
        "status": STATUS.get(c.state, "closed"),
        "status_notes": c.answer,
        "service_name": c.category,
        "service_code": str(c.process_id),
        "description": c.body,
        "requested_datetime": hour(c.created_at).isoformat(),
        "updated_datetime": hour(c.updated_at).isoformat(),
        "lat": lat,
        "long": lon,
    }


@router.get(
    "/services.json",
    operation_id="open311ListServices",
    summary="Open311: services",
    description="Open processes whose current phase collects problems. `jurisdiction_id` is "
    "the municipality slug.",
)
async def list_services(
    db: DB,
    actor: Annotated[Actor, Depends(get_actor)],
    jurisdiction_id: Annotated[str | None, Query(max_length=63)] = None,
) -> JSONResponse:
    now = utcnow()
    stmt = visible_filter(select(Process).where(Process.status == "open"), actor)
    if jurisdiction_id:
        stmt = stmt.where(Process.municipality == jurisdiction_id)
    async with db.sessions() as session:
        processes = (await session.scalars(stmt.order_by(Process.created_at).limit(500))).all()
    services = []
    for p in processes:
        phase = p.current_phase(now)
        if phase is not None and "problem" in phase.contribution_types:
            services.append(_service(p))
    return JSONResponse(services)


async def _payload(request: Request) -> dict[str, str]:
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return {k: str(v) for k, v in data.items() if v is not None}
    try:
        form = parse_qs(body.decode(), keep_blank_values=False, max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError("the body is not form-encoded") from exc
    return {k: v[0] for k, v in form.items()}


@router.post(
    "/requests.json",
    operation_id="open311CreateRequest",
    summary="Open311: post a service request",
    description="Form-encoded or JSON: `service_code` (a process id), `description`, optional "
    "`lat`/`long`, `attribute[category]`, `stakeholder_group` for guests. Becomes a problem "
    "in the process's problem-collection phase. The caller is the signed-in participant, or "
    "a guest where the process allows guests.",
    status_code=201,
    openapi_extra={"security": OPTIONALLY_AUTHENTICATED},  # guests may post
    responses=ERRORS,
)
async def create_request(
    db: DB, request: Request, actor: Annotated[Actor, Depends(get_writer)]
) -> JSONResponse:
    try:
        form = await _payload(request)
        service_code = uuid.UUID(form.get("service_code", ""))
    except ValueError as exc:
        return _error(400, f"service_code is required and must be a service's code ({exc}).")
    description = form.get("description", "").strip()
    if not description:
        return _error(400, "description is required.")
    geometry = None
    if "lat" in form or "long" in form:
        try:
            geometry = {"type": "Point", "coordinates": [float(form["long"]), float(form["lat"])]}
        except (KeyError, ValueError):
            return _error(400, "lat and long must both be numbers.")
    try:
        data = ContributionIn(
            kind="problem",
            title=description.splitlines()[0][:80],
            body=description,
            category=form.get("attribute[category]"),
            geometry=geometry,
            stakeholder_group=form.get("stakeholder_group")
            or ("citizen" if actor.is_guest else None),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        return _error(400, f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
    try:
        async with db.transaction() as session:
            process = await visible_process(session, actor, service_code)
            taking = await take_part(
                session, actor, process, utcnow(), guest_group=data.stakeholder_group
            )
            contribution = await contributions.create_in(
                session, process, taking, data, source="open311"
            )
            answer = [
                {
                    "service_request_id": str(contribution.id),
                    "service_notice": "",
                    "account_id": None,
                }
            ]
    except ProblemError as exc:
        return _error(exc.status, exc.detail or exc.title)
    return JSONResponse(answer, status_code=201)


@router.get(
    "/requests.json",
    operation_id="open311ListRequests",
    summary="Open311: list service requests",
    description="Problems of visible processes, newest first (at most 200). Filters: "
    "`service_request_id` (comma-separated), `service_code`, `start_date`, `end_date`, `status`.",
    responses={400: ERRORS[400]},
)
async def list_requests(
    db: DB,
    actor: Annotated[Actor, Depends(get_actor)],
    service_request_id: Annotated[str | None, Query(max_length=2000)] = None,
    service_code: uuid.UUID | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    jurisdiction_id: Annotated[str | None, Query(max_length=63)] = None,
) -> JSONResponse:
    visible = visible_filter(select(Process.id), actor)
    stmt = select(Contribution).where(
        Contribution.kind == "problem",
        Contribution.hidden.is_(False),
        Contribution.author_blocked.is_(False),
        Contribution.process_id.in_(visible),
    )
    if service_request_id:
        try:
            ids = [uuid.UUID(s.strip()) for s in service_request_id.split(",") if s.strip()]
        except ValueError:
            return _error(400, "service_request_id must be request ids.")
        stmt = stmt.where(Contribution.id.in_(ids))
    if service_code:
        stmt = stmt.where(Contribution.process_id == service_code)
    if jurisdiction_id:
        stmt = stmt.where(Contribution.municipality == jurisdiction_id)
    if start_date:
        stmt = stmt.where(Contribution.created_at >= _aware(start_date))
    if end_date:
        stmt = stmt.where(Contribution.created_at <= _aware(end_date))
    async with db.sessions() as session:
        rows = (
            await session.scalars(stmt.order_by(Contribution.created_at.desc()).limit(MAX_REQUESTS))
        ).all()
    items = [_request(c) for c in rows]
    if status:
        items = [i for i in items if i["status"] == status]
    return JSONResponse(items)


@router.get(
    "/requests/{service_request_id}.json",
    operation_id="open311GetRequest",
    summary="Open311: one service request",
    description="A list with the one request, as GeoReport v2 answers.",
    responses={404: ERRORS[404]},
)
async def get_request(
    service_request_id: str, db: DB, actor: Annotated[Actor, Depends(get_actor)]
) -> JSONResponse:
    try:
        cid = uuid.UUID(service_request_id)
        async with db.sessions() as session:
            contribution, _ = await contributions.load(session, actor, cid)
    except (ValueError, ProblemError):
        return _error(404, f"No service request {service_request_id}.")
    if contribution.kind != "problem":
        return _error(404, f"No service request {service_request_id}.")
    return JSONResponse([_request(contribution)])
