"""Ranking a municipality's use cases by a transparent score. Pure, no I/O.

Each component is normalised to 0..1, multiplied by its weight (the weights sum to 100),
so the score is 0..100 and every contribution can be shown:

- economic: the mean of the NPV part (0.5 + 0.5 * NPV / largest |NPV| in the portfolio)
  and the BCR part (BCR / 2, capped at 1); 0 when not assessed;
- qualitative: the Q and E criteria score / 10;
- support: citizen supports / the most supports of any use case in the portfolio;
- urgency: the D criteria score / 10.

The result is plain data in the shape of `portfolio.schemas.RankedUseCase`: thousands of
use cases are ranked per request, so no model objects are built on the way.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

METHOD = __doc__.split("\n\n")[1].strip() if __doc__ else ""
COMPONENTS = ("economic", "qualitative", "support", "urgency")


@dataclass(slots=True)
class Candidate:
    """What ranking reads of a use case. A slots object, not a database row: reading an
    attribute of a SQLAlchemy row costs several times more (ranking 2,000 rows took 71 ms,
    copying them into these first 2 ms plus 38 ms)."""

    id: uuid.UUID
    title: str
    status: str
    priority: str | None
    progress: int
    npv_total: float | None
    benefit_cost_ratio: float | None
    strategic_score: float | None
    urgency_score: float | None
    supports: int
    investment: float
    yearly_savings: float
    planned_start: date | None
    planned_end: date | None


def _clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def economic_part(npv_total: float | None, bcr: float | None, largest_npv: float) -> float:
    parts = []
    if npv_total is not None:
        parts.append(_clamp(0.5 + 0.5 * npv_total / largest_npv) if largest_npv else 0.5)
    if bcr is not None:
        parts.append(_clamp(bcr / 2))
    return sum(parts) / len(parts) if parts else 0.0


def _component(value: Any, normalized: float, weight: float, contribution: float) -> dict[str, Any]:
    return {
        "value": value,
        "normalized": round(normalized, 4),
        "weight": weight,
        "contribution": contribution,
    }


def rank(candidates: Sequence[Candidate], weights: dict[str, float]) -> list[dict[str, Any]]:
    """Ranked use cases, best first, each with its components."""
    largest_npv = max((abs(c.npv_total) for c in candidates if c.npv_total is not None), default=0)
    most_supports = max((c.supports for c in candidates), default=0)
    w_economic, w_qualitative = weights["economic"], weights["qualitative"]
    w_support, w_urgency = weights["support"], weights["urgency"]
    ranked: list[dict[str, Any]] = []
    for c in candidates:
        npv, bcr, supports = c.npv_total, c.benefit_cost_ratio, c.supports
        strategic, urgent = c.strategic_score, c.urgency_score
        economic = economic_part(npv, bcr, largest_npv)
        qualitative = _clamp((strategic or 0) / 10)
        support = supports / most_supports if most_supports else 0.0
        urgency = _clamp((urgent or 0) / 10)
        parts = (
            round(economic * w_economic, 2),
            round(qualitative * w_qualitative, 2),
            round(support * w_support, 2),
            round(urgency * w_urgency, 2),
        )
        ranked.append(
            {
                "rank": 0,
                "id": c.id,
                "title": c.title,
                "status": c.status,
                "priority": c.priority,
                "score": round(parts[0] + parts[1] + parts[2] + parts[3], 2),
                "components": {
                    "economic": _component(npv, economic, w_economic, parts[0]),
                    "qualitative": _component(strategic, qualitative, w_qualitative, parts[1]),
                    "support": _component(supports, support, w_support, parts[2]),
                    "urgency": _component(urgent, urgency, w_urgency, parts[3]),
                },
                "npv_total": npv,
                "benefit_cost_ratio": bcr,
                "supports": supports,
                "investment": c.investment,
                "yearly_savings": c.yearly_savings,
            }
        )
    ranked.sort(key=lambda r: (-r["score"], -(r["npv_total"] or 0), r["title"], str(r["id"])))
    for position, item in enumerate(ranked, start=1):
        item["rank"] = position
    return ranked


def totals(candidates: Sequence[Candidate]) -> dict[str, Any]:
    """Investment and yearly savings, in all and per status."""
    by_status: dict[str, dict[str, Any]] = {}
    investment = savings = 0.0
    for c in candidates:
        status, invested, saved = c.status, c.investment, c.yearly_savings
        t = by_status.setdefault(status, {"use_cases": 0, "investment": 0.0, "yearly_savings": 0.0})
        t["use_cases"] += 1
        t["investment"] += invested
        t["yearly_savings"] += saved
        investment += invested
        savings += saved
    for t in by_status.values():
        t["investment"] = round(t["investment"], 2)
        t["yearly_savings"] = round(t["yearly_savings"], 2)
    return {
        "use_cases": len(candidates),
        "investment": round(investment, 2),
        "yearly_savings": round(savings, 2),
        "by_status": by_status,
    }
