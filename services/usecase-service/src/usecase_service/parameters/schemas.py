"""The per-municipality parameters of the method."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from servicekit.problems import FieldError, Unprocessable

DEFAULT_WAGE_RATE = 55.0
DEFAULT_DISCOUNT_RATE = 0.009
DEFAULT_DISCOUNT_SOURCE = "BMF nominal Kalkulationszinssatz, 0.9 % p.a. (as of 2023-07-07)"
DEFAULT_THRESHOLD = 6.0


class PortfolioWeights(BaseModel):
    """How the portfolio score weighs its components; the weights sum to 100."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"economic": 40, "qualitative": 30, "support": 20, "urgency": 10}]
        },
    )

    economic: float = Field(default=40, ge=0, le=100, description="NPV and benefit-cost ratio.")
    qualitative: float = Field(default=30, ge=0, le=100, description="Q and E criteria.")
    support: float = Field(default=20, ge=0, le=100, description="Citizen support.")
    urgency: float = Field(default=10, ge=0, le=100, description="D criteria.")

    @model_validator(mode="after")
    def _sum_to_100(self) -> Self:
        total = self.economic + self.qualitative + self.support + self.urgency
        if abs(total - 100) > 1e-6:
            raise Unprocessable(
                f"The portfolio weights sum to {total:g}, not 100.",
                [
                    FieldError(
                        field="body.portfolio_weights", message=f"sum is {total:g}, must be 100"
                    )
                ],
            )
        return self


class SettingsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "wage_rate_eur_per_hour": 58.5,
                    "discount_rate": 0.009,
                    "discount_rate_source": DEFAULT_DISCOUNT_SOURCE,
                    "recommendation_threshold": 6.0,
                    "portfolio_weights": {
                        "economic": 40,
                        "qualitative": 30,
                        "support": 20,
                        "urgency": 10,
                    },
                }
            ]
        },
    )

    wage_rate_eur_per_hour: float = Field(
        default=DEFAULT_WAGE_RATE, gt=0, le=1000, description="Full cost of one staff hour."
    )
    discount_rate: float = Field(default=DEFAULT_DISCOUNT_RATE, ge=0, le=0.5)
    discount_rate_source: str = Field(default=DEFAULT_DISCOUNT_SOURCE, min_length=1, max_length=300)
    recommendation_threshold: float = Field(
        default=DEFAULT_THRESHOLD,
        ge=0,
        le=10,
        description="A qualitative score at or above it recommends a use case with NPV <= 0.",
    )
    portfolio_weights: PortfolioWeights = Field(default_factory=PortfolioWeights)


class SettingsOut(SettingsIn):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "municipality": "musterstadt",
                    "wage_rate_eur_per_hour": 58.5,
                    "discount_rate": 0.009,
                    "discount_rate_source": DEFAULT_DISCOUNT_SOURCE,
                    "recommendation_threshold": 6.0,
                    "portfolio_weights": {
                        "economic": 40,
                        "qualitative": 30,
                        "support": 20,
                        "urgency": 10,
                    },
                    "version": 2,
                    "is_default": False,
                    "updated_at": "2026-11-26T12:00:00Z",
                }
            ]
        },
    )

    municipality: str
    version: int = Field(description="0 while the defaults apply.")
    is_default: bool
    updated_at: datetime | None
