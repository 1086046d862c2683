"""Imports every domain module's models so Alembic sees all tables."""

from participation_service.contributions.models import (
    Comment,
    Contribution,
    Support,
    SupportBudget,
)
from participation_service.moderation.models import ModerationEntry, Report
from participation_service.participants.models import Block, Participant
from participation_service.processes.models import Invitation, Phase, Process
from participation_service.results.models import SupportsEmission
from participation_service.surveys.models import Answer, Question, Survey, SurveyResponse
from participation_service.usecases.models import UseCaseView

__all__ = [
    "Answer",
    "Block",
    "Comment",
    "Contribution",
    "Invitation",
    "ModerationEntry",
    "Participant",
    "Phase",
    "Process",
    "Question",
    "Report",
    "Support",
    "SupportBudget",
    "SupportsEmission",
    "Survey",
    "SurveyResponse",
    "UseCaseView",
]
