"""Checking survey answers and aggregating them: pure functions, no I/O."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from participation_service.surveys.schemas import QuestionResult
from participation_service.text import plain
from servicekit.problems import FieldError

MAX_TEXT = 2000


class QuestionLike(Protocol):
    id: uuid.UUID
    kind: str
    text: str
    options: list[str]
    required: bool
    confidential: bool


def _check(question: QuestionLike, value: Any) -> Any:
    kind, options = question.kind, question.options
    if kind == "single_choice":
        if not isinstance(value, str) or value not in options:
            raise ValueError(f"one of {options}")
        return value
    if kind == "multiple_choice":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v in options for v in value)
            or len(set(value)) != len(value)
        ):
            raise ValueError(f"a non-empty list of distinct options from {options}")
        return value
    if kind == "scale":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValueError("an integer from 1 to 5")
        return value
    if kind == "ranking":
        if not isinstance(value, list) or sorted(map(str, value)) != sorted(options):
            raise ValueError(f"every option exactly once, best first: {options}")
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise ValueError(f"a non-empty text of at most {MAX_TEXT} characters")
    return plain(value)


def check_answers(
    questions: Sequence[QuestionLike], answers: dict[uuid.UUID, Any]
) -> tuple[dict[uuid.UUID, Any], list[FieldError]]:
    """The valid answers, and every problem (missing required, unknown question, bad value)."""
    errors: list[FieldError] = []
    known = {q.id: q for q in questions}
    for qid in answers:
        if qid not in known:
            errors.append(FieldError(field=f"body.answers.{qid}", message="no such question"))
    valid: dict[uuid.UUID, Any] = {}
    for q in questions:
        if q.id not in answers or answers[q.id] is None:
            if q.required:
                errors.append(FieldError(field=f"body.answers.{q.id}", message="required"))
            continue
        try:
            valid[q.id] = _check(q, answers[q.id])
        except ValueError as exc:
            errors.append(FieldError(field=f"body.answers.{q.id}", message=f"expected {exc}"))
    return valid, errors


@dataclass(frozen=True)
class GivenAnswer:
    question_id: uuid.UUID
    group: str
    value: Any


def aggregate(question: QuestionLike, answers: Iterable[GivenAnswer]) -> QuestionResult:
    mine = [a for a in answers if a.question_id == question.id]
    result = QuestionResult(
        question_id=question.id,
        kind=question.kind,
        text=question.text,
        confidential=question.confidential,
        answered=len(mine),
    )
    if question.kind == "text":
        if not question.confidential:
            result.texts = [a.value for a in mine if a.value]
        return result
    chosen: list[tuple[str, str]] = []  # (group, option)
    if question.kind in ("single_choice", "scale"):
        chosen = [(a.group, str(a.value)) for a in mine]
    elif question.kind == "multiple_choice":
        chosen = [(a.group, str(v)) for a in mine for v in a.value]
    if question.kind == "ranking":
        points: Counter[str] = Counter(dict.fromkeys(question.options, 0))
        n = len(question.options)
        for a in mine:
            for place, option in enumerate(a.value):
                points[str(option)] += n - place
        result.ranking_points = dict(points)
        return result
    keys = question.options if question.kind != "scale" else ["1", "2", "3", "4", "5"]
    counts = Counter(dict.fromkeys(keys, 0))
    counts.update(option for _, option in chosen)
    result.counts = dict(counts)
    if question.kind == "scale" and mine:
        result.mean = round(sum(int(a.value) for a in mine) / len(mine), 2)
    if not question.confidential:
        by_group: dict[str, dict[str, int]] = {}
        for group, option in chosen:
            by_group.setdefault(group, dict.fromkeys(keys, 0))[option] += 1
        result.by_group = by_group
    return result
