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
from datetime import date
from typing import Any, Protocol

METHOD = __doc__.split("\n\n")[1].strip() if __doc__ else ""
COMPONENTS = ("economic", "qualitative", "support", "urgency")


class Candidate(Protocol):
    """What ranking reads of a use case (a database row or any object with these)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def priority(self) -> str | None: ...
    @property
    def progress(self) -> int: ...
    @property
    def npv_total(self) -> float | None: ...
    @property
    def benefit_cost_ratio(self) -> float | None: ...
    @property
    def strategic_score(self) -> float | None: ...
    @property
    def urgency_score(self) -> float | None: ...
    @property
    def supports(self) -> int: ...
    @property
    def investment(self) -> float: ...
    @property
    def yearly_savings(self) -> float: ...
    @property
    def planned_start(self) -> date | None: ...
    @property
    def planned_end(self) -> date | None: ...


def _clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def economic_part(c: Candidate, largest_npv: float) -> float:
    parts = []
    if c.npv_total is not None:
        parts.append(_clamp(0.5 + 0.5 * c.npv_total / largest_npv) if largest_npv else 0.5)
    if c.benefit_cost_ratio is not None:
        parts.append(_clamp(c.benefit_cost_ratio / 2))
    return sum(parts) / len(parts) if parts else 0.0


def rank(candidates: Sequence[Candidate], weights: dict[str, float]) -> list[dict[str, Any]]:
    """Ranked use cases, best first, each with its components."""
    largest_npv = max((abs(c.npv_total) for c in candidates if c.npv_total is not None), default=0)
    most_supports = max((c.supports for c in candidates), default=0)
    w_economic, w_qualitative = weights["economic"], weights["qualitative"]
    w_support, w_urgency = weights["support"], weights["urgency"]
    ranked: list[dict[str, Any]] = []
    for c in candidates:
        economic = economic_part(c, largest_npv)
        qualitative = _clamp((c.strategic_score or 0) / 10)
        support = c.supports / most_supports if most_supports else 0.0
        urgency = _clamp((c.urgency_score or 0) / 10)
        contributions = (
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
                "score": round(sum(contributions), 2),
                "components": {
                    "economic": {
                        "value": c.npv_total,
                        "normalized": round(economic, 4),
                        "weight": w_economic,
                        "contribution": contributions[0],
                    },
                    "qualitative": {
                        "value": c.strategic_score,
                        "normalized": round(qualitative, 4),
                        "weight": w_qualitative,
                        "contribution": contributions[1],
                    },
                    "support": {
                        "value": c.supports,
                        "normalized": round(support, 4),
                        "weight": w_support,
                        "contribution": contributions[2],
                    },
                    "urgency": {
                        "value": c.urgency_score,
                        "normalized": round(urgency, 4),
                        "weight": w_urgency,
                        "contribution": contributions[3],
                    },
                },
                "npv_total": c.npv_total,
                "benefit_cost_ratio": c.benefit_cost_ratio,
                "supports": c.supports,
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
    for c in candidates:
        t = by_status.setdefault(
            c.status, {"use_cases": 0, "investment": 0.0, "yearly_savings": 0.0}
        )
        t["use_cases"] += 1
        t["investment"] += c.investment
        t["yearly_savings"] += c.yearly_savings
    for t in by_status.values():
        t["investment"] = round(t["investment"], 2)
        t["yearly_savings"] = round(t["yearly_savings"], 2)
    return {
        "use_cases": len(candidates),
        "investment": round(sum(c.investment for c in candidates), 2),
        "yearly_savings": round(sum(c.yearly_savings for c in candidates), 2),
        "by_status": by_status,
    }
