"""Imports every domain module's models so Alembic sees all tables."""

from usecase_service.datasets.models import DatasetRef
from usecase_service.parameters.models import MunicipalSettings
from usecase_service.participation.models import ParticipationResult, SupportTally
from usecase_service.usecases.models import DataRequirement, StatusChange, UseCase

__all__ = [
    "DataRequirement",
    "DatasetRef",
    "MunicipalSettings",
    "ParticipationResult",
    "StatusChange",
    "SupportTally",
    "UseCase",
]
