"""HTTP: /api/v1/portfolio."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from servicekit.problems import problem_responses
from usecase_service.http import DB, Caller
from usecase_service.portfolio import service
from usecase_service.portfolio.schemas import Portfolio, Roadmap

router = APIRouter(prefix="/api/v1/portfolio", tags=["portfolio"])
Municipality = Annotated[
    str, Query(max_length=63, pattern=r"^[a-z0-9][a-z0-9-]*$", description="The municipality.")
]


@router.get(
    "",
    operation_id="getPortfolio",
    summary="Rank a municipality's use cases",
    description="A transparent score from NPV/BCR, the qualitative score, citizen support and "
    "urgency, weighted by the municipality's settings; each component is shown. Members see "
    "internal use cases too, everyone else the public ones. Rejected and retired use cases "
    "are left out. Includes totals of investment and yearly savings.",
    responses=problem_responses(422),
)
async def get_portfolio(municipality: Municipality, db: DB, principal: Caller) -> Portfolio:
    return await service.portfolio(db, principal, municipality)


@router.get(
    "/roadmap",
    operation_id="getPortfolioRoadmap",
    summary="A municipality's roadmap by status and planned dates",
    description="One lane per status in lifecycle order; items by planned start.",
    responses=problem_responses(422),
)
async def get_roadmap(municipality: Municipality, db: DB, principal: Caller) -> Roadmap:
    return await service.roadmap(db, principal, municipality)


@router.get(
    "/export",
    operation_id="exportPortfolioCsv",
    summary="The ranked portfolio as CSV",
    description="One row per use case with rank, score and each component's contribution.",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **problem_responses(422)},
)
async def export_portfolio(municipality: Municipality, db: DB, principal: Caller) -> Response:
    body = await service.portfolio_csv(db, principal, municipality)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="portfolio-{municipality}.csv"'},
    )
