"""The events this service publishes (contracts in docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from usecase_service.database import outbox
from usecase_service.usecases.models import DataRequirement, UseCase


async def use_case_event(
    session: AsyncSession, use_case: UseCase, action: str, **extra: Any
) -> None:
    """`usecase.usecase.<action>`: created, updated, published, status_changed, archived."""
    data = {
        "id": str(use_case.id),
        "municipality": use_case.municipality,
        "title": use_case.title,
        "status": use_case.status,
        "visibility": use_case.visibility,
        "version": use_case.version,
        **extra,
    }
    await outbox.emit(
        session,
        f"usecase.usecase.{action}",
        data,
        entity_id=use_case.id,
        municipality=use_case.municipality,
    )


async def data_requirement_event(
    session: AsyncSession, use_case: UseCase, requirement: DataRequirement, action: str
) -> None:
    """`usecase.data_requirement.<action>`: added, removed."""
    data = {
        "id": str(requirement.id),
        "use_case_id": str(use_case.id),
        "use_case_title": use_case.title,
        "municipality": use_case.municipality,
        "dataset_id": str(requirement.dataset_id) if requirement.dataset_id else None,
        "title": requirement.title,
        "description": requirement.description,
        "open": requirement.open,
        "personal": requirement.personal,
    }
    await outbox.emit(
        session,
        f"usecase.data_requirement.{action}",
        data,
        entity_id=requirement.id,
        municipality=use_case.municipality,
    )
