"""The portfolio: one query for the candidates, then pure ranking."""

from __future__ import annotations

import csv
import io
from dataclasses import fields
from typing import Any

from sqlalchemy import select

from servicekit.db import Database
from servicekit.identity import Principal
from usecase_service.database import tenants
from usecase_service.parameters.schemas import PortfolioWeights
from usecase_service.parameters.service import settings_for
from usecase_service.portfolio.ranking import COMPONENTS, METHOD, Candidate, rank, totals
from usecase_service.portfolio.schemas import Roadmap, RoadmapItem, RoadmapLane
from usecase_service.usecases.models import UseCase
from usecase_service.vocab import Status, Visibility

# Rejected and retired use cases are no longer part of the plan.
OUT_OF_PORTFOLIO = (Status.REJECTED.value, Status.RETIRED.value)


# Core columns, not ORM attributes: 2,000 rows come back as plain rows, several times faster.
TABLE = UseCase.__table__
COLUMNS = tuple(TABLE.c[f.name] for f in fields(Candidate))


async def _candidates(
    db: Database, principal: Principal, municipality: str
) -> tuple[list[Candidate], PortfolioWeights]:
    stmt = select(*COLUMNS).where(
        TABLE.c.municipality == municipality,
        TABLE.c.archived_at.is_(None),
        TABLE.c.status.not_in(OUT_OF_PORTFOLIO),
    )
    if not principal.can_see_internal(municipality):
        stmt = stmt.where(TABLE.c.visibility == Visibility.PUBLIC)
    async with db.sessions() as session:
        await tenants.require(session, municipality, field="query.municipality")
        rows = [Candidate(*row) for row in await session.execute(stmt)]
        settings = await settings_for(session, municipality)
    return rows, PortfolioWeights(**settings.portfolio_weights)


async def portfolio(db: Database, principal: Principal, municipality: str) -> dict[str, Any]:
    """The ranking as plain data in the shape of `Portfolio` (see `ranking`)."""
    candidates, weights = await _candidates(db, principal, municipality)
    return {
        "municipality": municipality,
        "weights": weights.model_dump(),
        "method": METHOD,
        "items": rank(candidates, weights.model_dump()),
        "totals": totals(candidates),
    }


async def roadmap(db: Database, principal: Principal, municipality: str) -> Roadmap:
    candidates, _ = await _candidates(db, principal, municipality)
    lanes = []
    for status in Status:
        items = sorted(
            (c for c in candidates if c.status == status),
            key=lambda c: (c.planned_start is None, c.planned_start, c.title),
        )
        lanes.append(
            RoadmapLane(
                status=status,
                items=[
                    RoadmapItem(
                        id=c.id,
                        title=c.title,
                        priority=c.priority,
                        progress=c.progress,
                        planned_start=c.planned_start,
                        planned_end=c.planned_end,
                    )
                    for c in items
                ],
            )
        )
    return Roadmap(municipality=municipality, lanes=lanes)


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    text = "" if value is None else str(value)
    return (
        "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text
    )


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


async def portfolio_csv(db: Database, principal: Principal, municipality: str) -> str:
    result = await portfolio(db, principal, municipality)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "rank",
            "id",
            "title",
            "status",
            "priority",
            "score",
            *[f"{name}_contribution" for name in COMPONENTS],
            "npv_total",
            "benefit_cost_ratio",
            "supports",
            "investment",
            "yearly_savings",
        ]
    )
    for item in result["items"]:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    item["rank"],
                    item["id"],
                    item["title"],
                    item["status"],
                    item["priority"],
                    item["score"],
                    *[item["components"][name]["contribution"] for name in COMPONENTS],
                    item["npv_total"],
                    item["benefit_cost_ratio"],
                    item["supports"],
                    item["investment"],
                    item["yearly_savings"],
                )
            ]
        )
    return out.getvalue()
