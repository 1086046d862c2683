from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from participation_service.text import Body, ShortText, Title
from servicekit.openapi import DocumentedAs

QuestionKind = Annotated[
    Literal["single_choice", "multiple_choice", "scale", "ranking", "text"],
    Field(
        description="How it is answered: `single_choice` (one of `options`), "
        "`multiple_choice` (one or more distinct `options`), `scale` (an integer from 1 to "
        "5), `ranking` (every option exactly once, best first), `text` (free text)."
    ),
]
Option = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^<>]+$")]
WITH_OPTIONS = ("single_choice", "multiple_choice", "ranking")


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: QuestionKind
    text: ShortText = Field(min_length=1)
    options: list[Option] = Field(default_factory=list, max_length=20)
    required: bool = False
    confidential: bool = Field(default=False, description="Results show counts only.")

    @model_validator(mode="after")
    def _options(self) -> QuestionIn:
        if self.kind in WITH_OPTIONS:
            if len(self.options) < 2 or len(set(self.options)) != len(self.options):
                raise ValueError(f"a {self.kind} question needs at least 2 distinct options")
        elif self.options:
            raise ValueError(f"a {self.kind} question has no options")
        if not self.text:
            raise ValueError("the question needs a text")
        return self


class SurveyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "phase_id": "5b0e8a0c-2f55-4f7c-a6a2-3a4c1e0b9d10",
                "title": "Wie parken Sie heute?",
                "questions": [
                    {
                        "kind": "single_choice",
                        "text": "Wie oft parken Sie in der Innenstadt?",
                        "options": ["täglich", "wöchentlich", "selten"],
                        "required": True,
                    },
                    {"kind": "scale", "text": "Wie zufrieden sind Sie (1-5)?", "required": True},
                    {"kind": "text", "text": "Was wünschen Sie sich?", "confidential": True},
                ],
            }
        },
    )
    phase_id: uuid.UUID
    title: Title
    description: Body | None = None
    questions: list[QuestionIn] = Field(min_length=1, max_length=50)


class QuestionOut(BaseModel):
    id: uuid.UUID
    kind: str
    text: str
    options: list[str]
    required: bool
    confidential: bool


class SurveyOut(BaseModel):
    id: uuid.UUID
    process_id: uuid.UUID
    phase_id: uuid.UUID
    title: str
    description: str
    open: bool = Field(description="Whether responses are accepted now (its phase is active).")
    questions: list[QuestionOut]


AnswerValue = str | Annotated[int, Field(ge=1, le=5)] | list[str] | None
# Checked per question kind by `answers.check_answers` (a 422 names each wrong answer).
GivenAnswer = Annotated[
    Any,
    DocumentedAs(
        AnswerValue,
        description="Depends on the question's `kind`: `single_choice` one of its options, "
        "`multiple_choice` a list of distinct options, `scale` an integer from 1 to 5, "
        "`ranking` every option once (best first), `text` the text. `null` (or leaving the "
        "question out) answers nothing.",
    ),
]


class ResponseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "answers": {
                    "7c9e6679-7425-40de-944b-e07fc1f90ae7": "täglich",
                    "f47ac10b-58cc-4372-a567-0e02b2c3d479": 4,
                    "a3bb189e-8bf9-3888-9912-ace4e6543002": "Mehr Fahrradstellplätze am Markt.",
                }
            }
        },
    )
    answers: dict[uuid.UUID, GivenAnswer] = Field(
        max_length=50, description="Question id → answer, for the questions of this survey."
    )


class ResponseOut(BaseModel):
    survey_id: uuid.UUID
    answered: int


class QuestionResult(BaseModel):
    question_id: uuid.UUID
    kind: str
    text: str
    confidential: bool
    answered: int
    counts: dict[str, int] | None = None
    by_group: dict[str, dict[str, int]] | None = None
    mean: float | None = None
    ranking_points: dict[str, int] | None = Field(
        default=None, description="Borda points: first place = number of options, last = 1."
    )
    texts: list[str] | None = None


class SurveyResults(BaseModel):
    survey_id: uuid.UUID
    title: str
    responses: int
    by_group: dict[str, int]
    questions: list[QuestionResult]
