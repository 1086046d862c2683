"""The portfolio: one query for the candidates, then pure ranking."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlalchemy import select

from servicekit.db import Database
from servicekit.identity import Principal
from usecase_service.database import tenants
from usecase_service.parameters.schemas import PortfolioWeights
from usecase_service.parameters.service import settings_for
from usecase_service.portfolio.ranking import COMPONENTS, METHOD, Candidate, Ranked, rank
from usecase_service.portfolio.schemas import (
    ComponentOut,
    Portfolio,
    RankedUseCase,
    Roadmap,
    RoadmapItem,
    RoadmapLane,
    StatusTotals,
    Totals,
)
from usecase_service.usecases.models import UseCase
from usecase_service.vocab import Status, Visibility

# Rejected and retired use cases are no longer part of the plan.
OUT_OF_PORTFOLIO = (Status.REJECTED.value, Status.RETIRED.value)
COLUMNS = (
    UseCase.id,
    UseCase.title,
    UseCase.status,
    UseCase.priority,
    UseCase.progress,
    UseCase.npv_total,
    UseCase.benefit_cost_ratio,
    UseCase.strategic_score,
    UseCase.urgency_score,
    UseCase.supports,
    UseCase.investment,
    UseCase.yearly_savings,
    UseCase.planned_start,
    UseCase.planned_end,
)


async def _candidates(
    db: Database, principal: Principal, municipality: str
) -> tuple[list[Candidate], PortfolioWeights]:
    stmt = select(*COLUMNS).where(
        UseCase.municipality == municipality,
        UseCase.archived_at.is_(None),
        UseCase.status.not_in(OUT_OF_PORTFOLIO),
    )
    if not principal.can_see_internal(municipality):
        stmt = stmt.where(UseCase.visibility == Visibility.PUBLIC)
    async with db.sessions() as session:
        await tenants.require(session, municipality, field="query.municipality")
        rows = (await session.execute(stmt)).all()
        settings = await settings_for(session, municipality)
    candidates = [Candidate(**row._asdict()) for row in rows]
    return candidates, PortfolioWeights(**settings.portfolio_weights)


def totals(candidates: Sequence[Candidate]) -> Totals:
    by_status: dict[str, StatusTotals] = {}
    for c in candidates:
        t = by_status.setdefault(
            c.status, StatusTotals(use_cases=0, investment=0, yearly_savings=0)
        )
        t.use_cases += 1
        t.investment = round(t.investment + c.investment, 2)
        t.yearly_savings = round(t.yearly_savings + c.yearly_savings, 2)
    return Totals(
        use_cases=len(candidates),
        investment=round(sum(c.investment for c in candidates), 2),
        yearly_savings=round(sum(c.yearly_savings for c in candidates), 2),
        by_status=by_status,
    )


def to_out(r: Ranked) -> RankedUseCase:
    c = r.candidate
    return RankedUseCase(
        rank=r.rank,
        id=c.id,
        title=c.title,
        status=Status(c.status),
        priority=c.priority,
        score=r.score,
        components={
            name: ComponentOut(
                value=comp.value,
                normalized=comp.normalized,
                weight=comp.weight,
                contribution=comp.contribution,
            )
            for name, comp in r.components.items()
        },
        npv_total=c.npv_total,
        benefit_cost_ratio=c.benefit_cost_ratio,
        supports=c.supports,
        investment=c.investment,
        yearly_savings=c.yearly_savings,
    )


async def portfolio(db: Database, principal: Principal, municipality: str) -> Portfolio:
    candidates, weights = await _candidates(db, principal, municipality)
    ranked = rank(candidates, weights.model_dump())
    return Portfolio(
        municipality=municipality,
        weights=weights,
        method=METHOD,
        items=[to_out(r) for r in ranked],
        totals=totals(candidates),
    )


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
    for item in result.items:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    item.rank,
                    item.id,
                    item.title,
                    item.status.value,
                    item.priority,
                    item.score,
                    *[item.components[name].contribution for name in COMPONENTS],
                    item.npv_total,
                    item.benefit_cost_ratio,
                    item.supports,
                    item.investment,
                    item.yearly_savings,
                )
            ]
        )
    return out.getvalue()
