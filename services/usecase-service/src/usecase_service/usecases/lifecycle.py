"""The use-case lifecycle: which transitions exist and what each needs. Pure, no I/O.

draft → problem_defined → process_defined → benefits_defined → requirements_defined →
services_defined → assessed → approved | rejected | deferred; approved → piloting →
in_operation → scaled → retired. Going back to an earlier working state is a revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from usecase_service.vocab import Status

WORKING = [
    Status.DRAFT,
    Status.PROBLEM_DEFINED,
    Status.PROCESS_DEFINED,
    Status.BENEFITS_DEFINED,
    Status.REQUIREMENTS_DEFINED,
    Status.SERVICES_DEFINED,
    Status.ASSESSED,
]
DECISIONS = {Status.APPROVED, Status.REJECTED, Status.DEFERRED}
OPERATION = {
    Status.APPROVED: {Status.PILOTING, Status.RETIRED},
    Status.PILOTING: {Status.IN_OPERATION, Status.RETIRED},
    Status.IN_OPERATION: {Status.SCALED, Status.RETIRED},
    Status.SCALED: {Status.RETIRED},
}
# From these a use case may go back to any earlier working state to be revised.
REVISABLE = {*WORKING[1:], Status.APPROVED, Status.REJECTED, Status.DEFERRED}


class Kind(StrEnum):
    FORWARD = "forward"
    DECISION = "decision"
    REVISION = "revision"
    OPERATION = "operation"


@dataclass(frozen=True)
class Steps:
    """What the completeness checks look at."""

    problem: dict[str, Any] | None
    process: dict[str, Any] | None
    benefits: dict[str, Any] | None
    requirements: dict[str, Any] | None
    data_requirements: int
    services: dict[str, Any] | None
    assessment: dict[str, Any] | None


def _problem(s: Steps) -> list[str]:
    p = s.problem or {}
    return [
        label
        for label, present in (
            ("problem.statement", bool(p.get("statement", "").strip())),
            ("problem.affected_groups", bool(p.get("affected_groups"))),
            ("problem.as_is", p.get("as_is") is not None),
            ("problem.to_be", p.get("to_be") is not None),
        )
        if not present
    ]


def _process(s: Steps) -> list[str]:
    p = s.process or {}
    return [f"process.{part}" for part in ("as_is", "target") if not p.get(part)]


def _benefits(s: Steps) -> list[str]:
    return [] if (s.benefits or {}).get("items") else ["benefits.items"]


def _requirements(s: Steps) -> list[str]:
    r = s.requirements or {}
    missing = []
    if not s.data_requirements and not r.get("technology"):
        missing.append("requirements.data_or_technology")
    if not r.get("actors"):
        missing.append("requirements.actors")
    return missing


def _services(s: Steps) -> list[str]:
    return [] if (s.services or {}).get("items") else ["services.items"]


def _assessment(s: Steps) -> list[str]:
    a = s.assessment or {}
    return [f"assessment.{part}" for part in ("line_items", "criteria") if not a.get(part)]


CHECKS = {
    Status.PROBLEM_DEFINED: _problem,
    Status.PROCESS_DEFINED: _process,
    Status.BENEFITS_DEFINED: _benefits,
    Status.REQUIREMENTS_DEFINED: _requirements,
    Status.SERVICES_DEFINED: _services,
    Status.ASSESSED: _assessment,
}


def missing_for(target: Status, steps: Steps) -> list[str]:
    """Everything that must be filled in before a use case may be in `target`
    (the step of `target` and all steps before it)."""
    if target not in WORKING:
        target = Status.ASSESSED
    upto = WORKING.index(target)
    return [item for status in WORKING[1 : upto + 1] for item in CHECKS[status](steps)]


def completeness(steps: Steps) -> dict[str, list[str]]:
    """Per step status: what is still missing in that step alone."""
    return {status.value: check(steps) for status, check in CHECKS.items()}


def allowed_targets(current: Status) -> list[Status]:
    targets: list[Status] = []
    if current in WORKING and current != Status.ASSESSED:
        targets.append(WORKING[WORKING.index(current) + 1])
    if current in (Status.ASSESSED, Status.DEFERRED):
        targets += [s for s in (Status.APPROVED, Status.REJECTED, Status.DEFERRED) if s != current]
    targets += sorted(OPERATION.get(current, set()), key=list(Status).index)
    if current in REVISABLE:
        limit = WORKING.index(current) if current in WORKING else len(WORKING)
        targets += WORKING[:limit]
    return targets


def classify(current: Status, target: Status) -> Kind | None:
    """The kind of the transition, or None if it is not allowed."""
    if target not in allowed_targets(current):
        return None
    if target in DECISIONS:
        return Kind.DECISION
    if current in OPERATION and target in OPERATION.get(current, set()):
        return Kind.OPERATION
    if current in WORKING and target in WORKING and WORKING.index(target) > WORKING.index(current):
        return Kind.FORWARD
    return Kind.REVISION
