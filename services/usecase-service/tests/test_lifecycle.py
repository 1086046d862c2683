"""Lifecycle rules (pure)."""

from __future__ import annotations

from usecase_service import demo
from usecase_service.usecases.lifecycle import (
    Kind,
    Steps,
    allowed_targets,
    classify,
    completeness,
    missing_for,
)
from usecase_service.vocab import Status

EMPTY = Steps(None, None, None, None, 0, None, None)
FULL = Steps(
    problem=demo.PARKING["problem"],
    process=demo.PARKING["process"],
    benefits=demo.PARKING["benefits"],
    requirements=demo.PARKING["requirements"],
    data_requirements=1,
    services=demo.PARKING["services"],
    assessment=demo.PARKING["assessment"],
)


def test_forward_needs_every_step_up_to_the_target():
    assert missing_for(Status.PROBLEM_DEFINED, EMPTY) == [
        "problem.statement",
        "problem.affected_groups",
        "problem.as_is",
        "problem.to_be",
    ]
    assert "process.as_is" in missing_for(Status.PROCESS_DEFINED, EMPTY)
    assert "problem.statement" in missing_for(Status.ASSESSED, EMPTY)
    assert missing_for(Status.ASSESSED, FULL) == []
    assert all(not items for items in completeness(FULL).values())


def test_requirements_need_data_or_technology_and_actors():
    steps = Steps(None, None, None, {"technology": [], "actors": []}, 0, None, None)
    assert completeness(steps)["requirements_defined"] == [
        "requirements.data_or_technology",
        "requirements.actors",
    ]


def test_transitions():
    assert classify(Status.DRAFT, Status.PROBLEM_DEFINED) is Kind.FORWARD
    assert classify(Status.DRAFT, Status.PROCESS_DEFINED) is None  # no skipping
    assert classify(Status.DRAFT, Status.APPROVED) is None
    assert classify(Status.ASSESSED, Status.APPROVED) is Kind.DECISION
    assert classify(Status.DEFERRED, Status.APPROVED) is Kind.DECISION
    assert classify(Status.ASSESSED, Status.PROBLEM_DEFINED) is Kind.REVISION
    assert classify(Status.REJECTED, Status.DRAFT) is Kind.REVISION
    assert classify(Status.APPROVED, Status.PILOTING) is Kind.OPERATION
    assert classify(Status.PILOTING, Status.IN_OPERATION) is Kind.OPERATION
    assert classify(Status.IN_OPERATION, Status.SCALED) is Kind.OPERATION
    assert classify(Status.SCALED, Status.RETIRED) is Kind.OPERATION
    assert classify(Status.PILOTING, Status.DRAFT) is None
    assert classify(Status.RETIRED, Status.DRAFT) is None
    assert classify(Status.DRAFT, Status.DRAFT) is None
    assert allowed_targets(Status.RETIRED) == []
