"""As-is versus target process. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from usecase_service.processes.schemas import ProcessComparison, ProcessStep

MINUTES_PER_WORKING_DAY = 8 * 60


def handovers(steps: Sequence[ProcessStep]) -> int:
    """How often the case passes from one actor to another."""
    return sum(1 for a, b in pairwise(steps) if a.actor != b.actor)


def media_breaks(steps: Sequence[ProcessStep]) -> int:
    return sum(1 for s in steps if s.media_break)


def effort_minutes(steps: Sequence[ProcessStep]) -> float:
    return sum(s.processing_minutes for s in steps)


def lead_time_days(steps: Sequence[ProcessStep]) -> float:
    return sum(s.waiting_days for s in steps) + effort_minutes(steps) / MINUTES_PER_WORKING_DAY


def compare(
    as_is: Sequence[ProcessStep],
    target: Sequence[ProcessStep],
    *,
    cases_per_year: int,
    wage_rate: float,
) -> ProcessComparison:
    """Savings per year = minutes saved per case / 60 * cases per year * wage rate."""
    before, after = effort_minutes(as_is), effort_minutes(target)
    hours = (before - after) / 60 * cases_per_year
    return ProcessComparison(
        steps_before=len(as_is),
        steps_after=len(target),
        steps_removed=len(as_is) - len(target),
        handovers_before=handovers(as_is),
        handovers_after=handovers(target),
        handovers_removed=handovers(as_is) - handovers(target),
        media_breaks_before=media_breaks(as_is),
        media_breaks_after=media_breaks(target),
        media_breaks_removed=media_breaks(as_is) - media_breaks(target),
        lead_time_days_before=round(lead_time_days(as_is), 2),
        lead_time_days_after=round(lead_time_days(target), 2),
        effort_minutes_before=before,
        effort_minutes_after=after,
        cases_per_year=cases_per_year,
        hours_saved_per_year=round(hours, 2),
        wage_rate_eur_per_hour=wage_rate,
        euros_saved_per_year=round(hours * wage_rate, 2),
    )
