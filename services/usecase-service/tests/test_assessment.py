"""The cost-benefit maths against independently computed worked examples."""

from __future__ import annotations

import numpy_financial as npf
import pytest

from servicekit.problems import ProblemError
from usecase_service.assessment.calculations import (
    assess,
    discounted_payback,
    irr,
    npv,
    simple_payback,
    weighted_score,
)
from usecase_service.assessment.schemas import AssessmentInput

FLOWS = [
    [-100_000, 30_000, 30_000, 30_000, 30_000, 30_000],
    [-250_000, 20_000, 60_000, 90_000, 90_000, 90_000, 90_000],
    [-10_000, 0, 0, 15_000],
    [-50, 10, 10, 10, 10, 10, 10, 10, 10],
]


@pytest.mark.parametrize("flows", FLOWS)
@pytest.mark.parametrize("rate", [0.0, 0.009, 0.033, 0.08])
def test_npv_matches_numpy_financial(flows, rate):
    assert npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("flows", FLOWS)
def test_irr_matches_numpy_financial(flows):
    assert irr(flows) == pytest.approx(npf.irr(flows), abs=1e-9)


def test_irr_of_flows_that_never_change_sign_is_none():
    assert irr([100, 200, 300]) is None
    assert irr([-100, -5, 0]) is None
    assert irr([0, 0]) is None


def test_irr_of_flows_with_two_sign_changes_is_the_root_closest_to_zero():
    # -100 + 230 x - 132 x^2 = 0 at 1 + r = 1.1 and 1.2: two rates of return
    assert irr([-100, 230, -132]) == pytest.approx(0.1, abs=1e-9)
    assert irr([100, -230, 132]) == pytest.approx(0.1, abs=1e-9)
    assert irr([-100, 100, -100]) is None  # two sign changes, no real root


def test_irr_of_a_loss_is_negative():
    flows = [-1000, 300, 300, 300]
    assert irr(flows) == pytest.approx(npf.irr(flows), abs=1e-9)
    assert irr(flows) < 0


def test_paybacks_by_hand():
    # Invest 100 at t=0, save 50 a year: simple payback 2 years; discounted a bit longer.
    assert simple_payback(100, 50) == 2
    flows = [-100, 50, 50, 50]
    d = discounted_payback(0.1, flows)
    # cumulative discounted: -100, -54.545, -13.223, +24.343 → 2 + 13.223/37.566
    assert d == pytest.approx(2 + (100 - 50 / 1.1 - 50 / 1.21) / (50 / 1.331), rel=1e-9)
    assert discounted_payback(0.0, flows) == pytest.approx(2.0)
    assert discounted_payback(0.1, [-100, 10, 10]) is None
    assert simple_payback(100, 0) is None
    assert simple_payback(0, 10) == 0


def test_weighted_score():
    assert weighted_score([(60, 8), (40, 5)]) == pytest.approx(6.8)
    assert weighted_score([]) is None


def worked_example() -> AssessmentInput:
    return AssessmentInput(
        base_year=2026,
        horizon_years=5,
        discount_rate=0.009,
        discount_rate_source="BMF",
        risk_surcharge=0.1,
        line_items=[
            {"year": 2026, "kind": "development_cost", "amount": 100_000},
            {"year": 2026, "kind": "development_benefit", "amount": 10_000},
            *[
                {"year": y, "kind": "operating_cost", "amount": 5_000, "budget_relevant": True}
                for y in range(2027, 2031)
            ],
            *[
                {"year": y, "kind": "operating_benefit", "amount": 30_000, "budget_relevant": True}
                for y in range(2027, 2031)
            ],
            *[
                {"year": y, "kind": "operating_benefit", "amount": 8_000, "budget_relevant": False}
                for y in range(2027, 2031)
            ],
        ],
        criteria=[
            {"category": "Q", "name": "strategy", "weight": 50, "points": 8},
            {"category": "E", "name": "citizens", "weight": 30, "points": 6},
            {"category": "D", "name": "deadline", "weight": 20, "points": 9},
        ],
    )


def test_worked_example_against_numpy_financial():
    result = assess(worked_example(), discount_rate=0.009, discount_rate_source="BMF", threshold=6)
    # Independently: costs carry +10 %; t=0 is 2026.
    net = [-110_000 + 10_000] + [38_000 - 5_500] * 4
    budget = [-110_000 + 10_000] + [30_000 - 5_500] * 4
    benefits = [10_000] + [38_000] * 4
    costs = [110_000] + [5_500] * 4
    assert result.npv_total == pytest.approx(npf.npv(0.009, net), abs=0.01)
    assert result.npv_budget_relevant == pytest.approx(npf.npv(0.009, budget), abs=0.01)
    assert result.present_value_benefits == pytest.approx(npf.npv(0.009, benefits), abs=0.01)
    assert result.benefit_cost_ratio == pytest.approx(
        npf.npv(0.009, benefits) / npf.npv(0.009, costs), abs=1e-4
    )
    assert result.irr == pytest.approx(npf.irr(net), abs=1e-6)
    assert result.investment == 100_000
    assert result.yearly_net_saving == 32_500
    assert result.simple_payback_years == pytest.approx(100_000 / 32_500, abs=0.01)
    assert result.discounted_payback_years is not None
    assert result.discounted_payback_years > result.simple_payback_years
    assert result.qualitative_score == pytest.approx(0.5 * 8 + 0.3 * 6 + 0.2 * 9)
    assert result.strategic_score == pytest.approx((50 * 8 + 30 * 6) / 80, abs=0.01)
    assert result.urgency_score == 9
    assert result.scores_by_category == {"Q": 8, "E": 6, "D": 9}
    assert result.recommended is True
    assert "net present value is positive" in result.recommendation_reason
    assert [f.year for f in result.flows] == [2026, 2027, 2028, 2029, 2030]


def test_recommendation_by_quality_despite_negative_npv():
    data = worked_example().model_copy(
        update={
            "line_items": [
                item
                for item in worked_example().line_items
                if item.kind.value != "operating_benefit"
            ]
        }
    )
    result = assess(data, discount_rate=0.009, discount_rate_source=None, threshold=6)
    assert result.npv_total < 0
    assert result.irr is None  # all flows negative
    assert result.simple_payback_years is None
    assert result.recommended is True
    assert "reaches the threshold 6" in result.recommendation_reason
    strict = assess(data, discount_rate=0.009, discount_rate_source=None, threshold=8)
    assert strict.recommended is False
    assert strict.recommendation_reason.startswith("Not recommended")


def test_inputs_are_checked():
    with pytest.raises(ProblemError) as outside:
        AssessmentInput(
            base_year=2026,
            horizon_years=3,
            line_items=[{"year": 2029, "kind": "operating_cost", "amount": 1}],
        )
    assert outside.value.errors[0].field == "body.line_items.0.year"
    with pytest.raises(ProblemError) as weights:
        AssessmentInput(
            base_year=2026,
            horizon_years=3,
            criteria=[{"category": "Q", "name": "a", "weight": 50, "points": 1}],
        )
    assert weights.value.errors[0].field == "body.criteria"
