"""Recomputes what a use case's steps yield (comparison, assessment, portfolio figures).

Called in the same transaction as every change of the steps, with the municipality's
parameters in force; the results record the parameters they used.
"""

from __future__ import annotations

from usecase_service.assessment.calculations import assess
from usecase_service.assessment.schemas import AssessmentInput, AssessmentResult
from usecase_service.parameters.models import MunicipalSettings
from usecase_service.processes.comparison import compare
from usecase_service.processes.schemas import ProcessComparison
from usecase_service.steps.schemas import Problem, Process, Services
from usecase_service.usecases.models import UseCase


def comparison_of(use_case: UseCase, wage_rate: float) -> ProcessComparison | None:
    if not use_case.process:
        return None
    process = Process.model_validate(use_case.process)
    if not (process.as_is or process.target):
        return None
    problem = Problem.model_validate(use_case.problem) if use_case.problem else None
    cases = problem.as_is.cases_per_year if problem and problem.as_is else 0
    return compare(process.as_is, process.target, cases_per_year=cases, wage_rate=wage_rate)


def assessment_of(use_case: UseCase, settings: MunicipalSettings) -> AssessmentResult | None:
    if not use_case.assessment:
        return None
    data = AssessmentInput.model_validate(use_case.assessment)
    own_rate = data.discount_rate is not None
    return assess(
        data,
        discount_rate=data.discount_rate
        if data.discount_rate is not None
        else settings.discount_rate,
        discount_rate_source=data.discount_rate_source
        if own_rate
        else settings.discount_rate_source,
        threshold=settings.recommendation_threshold,
    )


def refresh(use_case: UseCase, settings: MunicipalSettings) -> None:
    comparison = comparison_of(use_case, settings.wage_rate_eur_per_hour)
    result = assessment_of(use_case, settings)
    use_case.comparison_result = comparison.model_dump(mode="json") if comparison else None
    use_case.assessment_result = result.model_dump(mode="json") if result else None
    use_case.npv_total = result.npv_total if result else None
    use_case.benefit_cost_ratio = result.benefit_cost_ratio if result else None
    use_case.strategic_score = result.strategic_score if result else None
    use_case.urgency_score = result.urgency_score if result else None
    if result is not None:
        use_case.investment = result.investment
        use_case.yearly_savings = result.yearly_net_saving
    else:
        services = Services.model_validate(use_case.services) if use_case.services else None
        use_case.investment = sum(s.estimated_cost_eur for s in services.items) if services else 0.0
        use_case.yearly_savings = comparison.euros_saved_per_year if comparison else 0.0
