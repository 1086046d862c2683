"""Portfolio ranking (pure)."""

from __future__ import annotations

import uuid

import pytest

from usecase_service.portfolio.ranking import Candidate, rank, totals

WEIGHTS = {"economic": 40, "qualitative": 30, "support": 20, "urgency": 10}


def candidate(title: str, **kw) -> Candidate:
    base = {
        "id": uuid.uuid4(),
        "title": title,
        "status": "assessed",
        "priority": None,
        "progress": 0,
        "npv_total": None,
        "benefit_cost_ratio": None,
        "strategic_score": None,
        "urgency_score": None,
        "supports": 0,
        "investment": 0.0,
        "yearly_savings": 0.0,
        "planned_start": None,
        "planned_end": None,
    }
    return Candidate(**{**base, **kw})


def test_score_is_the_sum_of_weighted_components():
    a = candidate(
        "A",
        npv_total=100_000,
        benefit_cost_ratio=2.0,
        strategic_score=8,
        urgency_score=5,
        supports=10,
    )
    b = candidate(
        "B",
        npv_total=-50_000,
        benefit_cost_ratio=0.5,
        strategic_score=9,
        urgency_score=10,
        supports=40,
    )
    c = candidate("C")
    ranked = rank([c, b, a], WEIGHTS)
    assert [r["title"] for r in ranked] == ["A", "B", "C"]
    top = {r["title"]: r for r in ranked}
    a_c = top["A"]["components"]
    assert a_c["economic"]["normalized"] == pytest.approx(1.0)  # (1.0 + 1.0) / 2
    assert a_c["qualitative"]["normalized"] == pytest.approx(0.8)
    assert a_c["support"]["normalized"] == pytest.approx(0.25)
    assert a_c["urgency"]["normalized"] == pytest.approx(0.5)
    assert top["A"]["score"] == pytest.approx(40 * 1.0 + 30 * 0.8 + 20 * 0.25 + 10 * 0.5)
    b_c = top["B"]["components"]
    assert b_c["economic"]["normalized"] == pytest.approx((0.25 + 0.25) / 2)
    assert top["B"]["score"] == pytest.approx(40 * 0.25 + 30 * 0.9 + 20 * 1.0 + 10 * 1.0)
    assert top["C"]["score"] == 0
    assert [r["rank"] for r in ranked] == [1, 2, 3]


def test_weights_change_the_order():
    a = candidate("A", npv_total=100_000, supports=0)
    b = candidate("B", npv_total=0, supports=50)
    assert (
        rank([a, b], {"economic": 100, "qualitative": 0, "support": 0, "urgency": 0})[0]["title"]
        == "A"
    )
    assert (
        rank([a, b], {"economic": 0, "qualitative": 0, "support": 100, "urgency": 0})[0]["title"]
        == "B"
    )


def test_empty_portfolio():
    assert rank([], WEIGHTS) == []
    assert totals([]) == {"use_cases": 0, "investment": 0, "yearly_savings": 0, "by_status": {}}


def test_totals_by_status():
    items = [
        candidate("A", investment=100.0, yearly_savings=10.0),
        candidate("B", investment=50.5, yearly_savings=5.0, status="approved"),
        candidate("C", investment=1.0, yearly_savings=1.0),
    ]
    assert totals(items) == {
        "use_cases": 3,
        "investment": 151.5,
        "yearly_savings": 16.0,
        "by_status": {
            "assessed": {"use_cases": 2, "investment": 101.0, "yearly_savings": 11.0},
            "approved": {"use_cases": 1, "investment": 50.5, "yearly_savings": 5.0},
        },
    }
