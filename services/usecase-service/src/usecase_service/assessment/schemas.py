"""Step 6, the cost-benefit analysis: inputs and computed results (the API contract)."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from servicekit.problems import FieldError, Unprocessable
from usecase_service.examples import ASSESSMENT_RESULT_EXAMPLE
from usecase_service.vocab import CriterionCategory, LineItemKind

MAX_HORIZON = 30


class LineItem(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "year": 2026,
                    "kind": "development_cost",
                    "amount": 120000.0,
                    "budget_relevant": True,
                    "description": "Sensors and installation",
                }
            ]
        },
    )

    year: int = Field(ge=1990, le=2200, description="Calendar year; within the horizon.")
    kind: LineItemKind
    amount: float = Field(ge=0, le=1e12, description="Euros, never negative; `kind` says the sign.")
    budget_relevant: bool = Field(
        default=True, description="Whether it touches the municipal budget (haushaltswirksam)."
    )
    description: str = Field(default="", max_length=500)


class Criterion(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "category": "Q",
                    "name": "Supports the climate strategy",
                    "weight": 40,
                    "points": 8,
                }
            ]
        },
    )

    category: CriterionCategory = Field(
        description="Q strategic importance, E external effects, D urgency."
    )
    name: str = Field(min_length=1, max_length=200)
    weight: float = Field(ge=0, le=100, description="Share of 100 across all criteria.")
    points: float = Field(ge=0, le=10)


class AssessmentInput(BaseModel):
    """WiBe-style inputs. Costs carry the risk surcharge; all flows are discounted to the
    base year (t = 0)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "base_year": 2026,
                    "horizon_years": 5,
                    "discount_rate": 0.009,
                    "discount_rate_source": "BMF Kalkulationszinssatz, 0.9 % p.a. (2023-07-07)",
                    "risk_surcharge": 0.1,
                    "line_items": [
                        {"year": 2026, "kind": "development_cost", "amount": 120000.0},
                        {"year": 2027, "kind": "operating_benefit", "amount": 45000.0},
                    ],
                    "criteria": [
                        {"category": "Q", "name": "Climate strategy", "weight": 60, "points": 8},
                        {"category": "D", "name": "Legal deadline", "weight": 40, "points": 5},
                    ],
                }
            ]
        },
    )

    base_year: int = Field(ge=1990, le=2200)
    horizon_years: int = Field(ge=1, le=MAX_HORIZON)
    discount_rate: float | None = Field(
        default=None,
        ge=0,
        le=0.5,
        description="Nominal, e.g. 0.009 for 0.9 %. Omitted: the municipality's setting.",
    )
    discount_rate_source: str | None = Field(
        default=None, max_length=300, description="Where the rate comes from; recorded."
    )
    risk_surcharge: float = Field(
        default=0.0, ge=0, le=2, description="Added to every cost, e.g. 0.1 for +10 %."
    )
    line_items: list[LineItem] = Field(default_factory=list, max_length=500)
    criteria: list[Criterion] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        last = self.base_year + self.horizon_years - 1
        errors = [
            FieldError(
                field=f"body.line_items.{i}.year",
                message=f"year {item.year} is outside the horizon {self.base_year}-{last}",
            )
            for i, item in enumerate(self.line_items)
            if not self.base_year <= item.year <= last
        ]
        if self.criteria:
            total = sum(c.weight for c in self.criteria)
            if abs(total - 100) > 1e-6:
                errors.append(
                    FieldError(
                        field="body.criteria",
                        message=f"the weights sum to {total:g}, not 100",
                    )
                )
        if errors:
            raise Unprocessable(
                "The assessment is not consistent: "
                + "; ".join(f"{e.field}: {e.message}" for e in errors[:5]),
                errors,
            )
        return self


class YearFlow(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2027,
                    "benefits": 45000.0,
                    "costs": 8800.0,
                    "net": 36200.0,
                    "discounted_net": 35876.11,
                    "budget_relevant_net": 36200.0,
                }
            ]
        }
    )

    year: int = Field(examples=[2027])
    benefits: float = Field(examples=[45000.0])
    costs: float = Field(examples=[8800.0])
    net: float = Field(examples=[36200.0])
    discounted_net: float = Field(examples=[35876.11])
    budget_relevant_net: float = Field(examples=[36200.0])


class AssessmentResult(BaseModel):
    """What the analysis computes. `null` where a figure does not exist (e.g. no IRR
    without a sign change in the flows, no payback within the horizon)."""

    model_config = ConfigDict(json_schema_extra={"examples": [ASSESSMENT_RESULT_EXAMPLE]})

    discount_rate: float
    discount_rate_source: str | None
    present_value_benefits: float
    present_value_costs: float
    npv_total: float
    npv_budget_relevant: float
    benefit_cost_ratio: float | None
    investment: float = Field(description="One-off development costs (with risk) less benefits.")
    yearly_net_saving: float = Field(description="Average operating net benefit per year.")
    simple_payback_years: float | None
    discounted_payback_years: float | None
    irr: float | None
    qualitative_score: float | None = Field(description="0-10, all criteria weighted.")
    scores_by_category: dict[str, float]
    urgency_score: float | None = Field(description="0-10, the D criteria alone.")
    strategic_score: float | None = Field(description="0-10, the Q and E criteria alone.")
    recommendation_threshold: float
    recommended: bool
    recommendation_reason: str
    flows: list[YearFlow]
