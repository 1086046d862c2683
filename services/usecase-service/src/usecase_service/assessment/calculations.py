"""The cost-benefit maths (WiBe 5.0 style). Pure functions, no I/O.

Conventions: t = 0 is the base year; flows of year t are discounted by (1 + i)^t
(like numpy-financial's `npv`, unlike Excel's NPV which starts at t = 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from usecase_service.assessment.schemas import AssessmentInput, AssessmentResult, YearFlow
from usecase_service.vocab import CriterionCategory, LineItemKind

COSTS = {LineItemKind.DEVELOPMENT_COST, LineItemKind.OPERATING_COST}
DEVELOPMENT = {LineItemKind.DEVELOPMENT_COST, LineItemKind.DEVELOPMENT_BENEFIT}


def npv(rate: float, flows: Sequence[float]) -> float:
    """Net present value of `flows[t]` at year t (Horner's scheme in 1 / (1 + rate): no powers,
    which matters because `irr` evaluates it at 800 rates)."""
    factor = 1 / (1 + rate)
    total = 0.0
    for flow in reversed(flows):
        total = total * factor + flow
    return total


def irr(flows: Sequence[float]) -> float | None:
    """The internal rate of return closest to 0, or None where the flows never change sign
    (or no root lies between -99 % and +10,000 %)."""
    signs = [math.copysign(1, f) for f in flows if f != 0]
    changes = sum(a != b for a, b in pairwise(signs))
    if changes == 0:
        return None
    low, high = -0.99, 100.0
    if changes == 1:
        # Descartes' rule of signs (in 1 / (1 + r) > 0): exactly one root above -100 %, so
        # when it lies in the range it is the answer, and no scan for others is needed.
        f_low, f_high = npv(low, flows), npv(high, flows)
        if f_low == 0 or f_high == 0:
            return low if f_low == 0 else high
        return _bisect(flows, low, high) if f_low * f_high < 0 else None
    # Scan 1 + r on a log grid from 0.01 to 101 for sign changes, then bisect each bracket.
    grid = [0.01 * 10_100 ** (k / 800) - 1 for k in range(801)]
    roots: list[float] = []
    previous_rate, previous_value = grid[0], npv(grid[0], flows)
    for rate in grid[1:]:
        value = npv(rate, flows)
        if value == 0:
            roots.append(rate)
        elif previous_value * value < 0:
            roots.append(_bisect(flows, previous_rate, rate))
        previous_rate, previous_value = rate, value
    if not roots:
        return None
    return min(roots, key=abs)


def _bisect(flows: Sequence[float], low: float, high: float) -> float:
    f_low = npv(low, flows)
    for _ in range(200):
        mid = (low + high) / 2
        f_mid = npv(mid, flows)
        if f_mid == 0 or high - low < 1e-13:
            return mid
        if f_low * f_mid < 0:
            high = mid
        else:
            low, f_low = mid, f_mid
    return (low + high) / 2


def discounted_payback(rate: float, flows: Sequence[float]) -> float | None:
    """Years from the base year until the cumulative discounted flow turns non-negative
    (interpolated within the year); None if that does not happen within the flows."""
    cumulative = 0.0
    for t, flow in enumerate(flows):
        discounted = flow / (1 + rate) ** t
        before = cumulative
        cumulative += discounted
        if cumulative >= 0 and (before < 0 or t == 0):
            if t == 0:
                return 0.0
            return t - 1 + (-before) / discounted
    return None


def simple_payback(investment: float, yearly_net_saving: float) -> float | None:
    """Investment / yearly net saving; 0 without investment, None without a saving."""
    if investment <= 0:
        return 0.0
    if yearly_net_saving <= 0:
        return None
    return investment / yearly_net_saving


def weighted_score(criteria: Sequence[tuple[float, float]]) -> float | None:
    """Σ points * weight / Σ weight over (weight, points); None without weight."""
    total = sum(weight for weight, _ in criteria)
    if total <= 0:
        return None
    return sum(weight * points for weight, points in criteria) / total


def assess(
    data: AssessmentInput,
    *,
    discount_rate: float,
    discount_rate_source: str | None,
    threshold: float,
) -> AssessmentResult:
    """Everything step 6 computes, from its inputs and the rate and threshold in force."""
    years = range(data.base_year, data.base_year + data.horizon_years)
    surcharge = 1 + data.risk_surcharge
    benefits = dict.fromkeys(years, 0.0)
    costs = dict.fromkeys(years, 0.0)
    budget_net = dict.fromkeys(years, 0.0)
    investment = 0.0
    operating_net = dict.fromkeys(years, 0.0)
    operating_years: set[int] = set()
    for item in data.line_items:
        is_cost = item.kind in COSTS
        amount = item.amount * surcharge if is_cost else item.amount
        signed = -amount if is_cost else amount
        (costs if is_cost else benefits)[item.year] += amount
        if item.budget_relevant:
            budget_net[item.year] += signed
        if item.kind in DEVELOPMENT:
            investment -= signed
        else:
            operating_net[item.year] += signed
            operating_years.add(item.year)

    net = [benefits[y] - costs[y] for y in years]
    rate = discount_rate
    pv_benefits = npv(rate, [benefits[y] for y in years])
    pv_costs = npv(rate, [costs[y] for y in years])
    npv_total = npv(rate, net)
    npv_budget = npv(rate, [budget_net[y] for y in years])
    yearly_saving = (
        sum(operating_net[y] for y in operating_years) / len(operating_years)
        if operating_years
        else 0.0
    )

    by_category: dict[str, list[tuple[float, float]]] = {}
    for c in data.criteria:
        by_category.setdefault(c.category.value, []).append((c.weight, c.points))
    scores = {
        category: score
        for category, pairs in by_category.items()
        if (score := weighted_score(pairs)) is not None
    }
    qualitative = weighted_score([(c.weight, c.points) for c in data.criteria])
    strategic = weighted_score(
        [(c.weight, c.points) for c in data.criteria if c.category != CriterionCategory.D]
    )
    recommended, reason = recommendation(
        npv_total, qualitative, threshold, rate=rate, horizon=data.horizon_years
    )
    return AssessmentResult(
        discount_rate=rate,
        discount_rate_source=discount_rate_source,
        present_value_benefits=round(pv_benefits, 2),
        present_value_costs=round(pv_costs, 2),
        npv_total=round(npv_total, 2),
        npv_budget_relevant=round(npv_budget, 2),
        benefit_cost_ratio=round(pv_benefits / pv_costs, 4) if pv_costs > 0 else None,
        investment=round(investment, 2),
        yearly_net_saving=round(yearly_saving, 2),
        simple_payback_years=_round(simple_payback(investment, yearly_saving), 2),
        discounted_payback_years=_round(discounted_payback(rate, net), 2),
        irr=_round(irr(net), 6),
        qualitative_score=_round(qualitative, 2),
        scores_by_category={k: round(v, 2) for k, v in scores.items()},
        urgency_score=_round(scores.get(CriterionCategory.D.value), 2),
        strategic_score=_round(strategic, 2),
        recommendation_threshold=threshold,
        recommended=recommended,
        recommendation_reason=reason,
        flows=[
            YearFlow(
                year=y,
                benefits=round(benefits[y], 2),
                costs=round(costs[y], 2),
                net=round(benefits[y] - costs[y], 2),
                discounted_net=round((benefits[y] - costs[y]) / (1 + rate) ** t, 2),
                budget_relevant_net=round(budget_net[y], 2),
            )
            for t, y in enumerate(years)
        ],
    )


def recommendation(
    npv_total: float, qualitative: float | None, threshold: float, *, rate: float, horizon: int
) -> tuple[bool, str]:
    """Recommended when the NPV is positive or the qualitative score reaches the threshold."""
    money = f"{npv_total:,.2f} EUR over {horizon} years at {rate * 100:.2f} %"
    quality = (
        f"the qualitative score {qualitative:.2f} of 10"
        if qualitative is not None
        else "no qualitative criteria were scored"
    )
    meets = qualitative is not None and qualitative >= threshold
    if npv_total > 0:
        extra = f"; {quality} (threshold {threshold:g})" if qualitative is not None else ""
        return True, f"Recommended: the net present value is positive ({money}){extra}."
    if meets:
        return True, (
            f"Recommended although the net present value is not positive ({money}): "
            f"{quality} reaches the threshold {threshold:g}."
        )
    below = (
        f"{quality} is below the threshold {threshold:g}" if qualitative is not None else quality
    )
    return False, (f"Not recommended: the net present value is not positive ({money}) and {below}.")


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
