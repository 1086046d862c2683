"""Ranking a municipality's use cases by a transparent score. Pure, no I/O.

Each component is normalised to 0..1, multiplied by its weight (the weights sum to 100),
so the score is 0..100 and every contribution can be shown:

- economic: the mean of the NPV part (0.5 + 0.5 * NPV / largest |NPV| in the portfolio)
  and the BCR part (BCR / 2, capped at 1); 0 when not assessed;
- qualitative: the Q and E criteria score / 10;
- support: citizen supports / the most supports of any use case in the portfolio;
- urgency: the D criteria score / 10.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

METHOD = __doc__.split("\n\n", 1)[1].strip() if __doc__ else ""
COMPONENTS = ("economic", "qualitative", "support", "urgency")


@dataclass(frozen=True)
class Candidate:
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


@dataclass(frozen=True)
class Component:
    value: float | None
    normalized: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate: Candidate
    score: float
    components: dict[str, Component]


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def economic_part(c: Candidate, largest_npv: float) -> float:
    parts = []
    if c.npv_total is not None:
        parts.append(_clamp(0.5 + 0.5 * c.npv_total / largest_npv) if largest_npv else 0.5)
    if c.benefit_cost_ratio is not None:
        parts.append(_clamp(c.benefit_cost_ratio / 2))
    return sum(parts) / len(parts) if parts else 0.0


def rank(candidates: Sequence[Candidate], weights: dict[str, float]) -> list[Ranked]:
    largest_npv = max((abs(c.npv_total) for c in candidates if c.npv_total is not None), default=0)
    most_supports = max((c.supports for c in candidates), default=0)
    scored = []
    for c in candidates:
        values: dict[str, tuple[float | None, float]] = {
            "economic": (c.npv_total, economic_part(c, largest_npv)),
            "qualitative": (
                c.strategic_score,
                _clamp((c.strategic_score or 0) / 10),
            ),
            "support": (float(c.supports), c.supports / most_supports if most_supports else 0.0),
            "urgency": (c.urgency_score, _clamp((c.urgency_score or 0) / 10)),
        }
        components = {
            name: Component(
                value=value,
                normalized=round(normalized, 4),
                weight=weights[name],
                contribution=round(normalized * weights[name], 2),
            )
            for name, (value, normalized) in values.items()
        }
        score = round(sum(comp.contribution for comp in components.values()), 2)
        scored.append((score, c, components))
    scored.sort(key=lambda s: (-s[0], -(s[1].npv_total or 0), s[1].title, str(s[1].id)))
    return [
        Ranked(rank=i, candidate=c, score=score, components=components)
        for i, (score, c, components) in enumerate(scored, start=1)
    ]
