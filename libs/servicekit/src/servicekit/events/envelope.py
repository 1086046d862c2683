"""The CloudEvents 1.0 envelope (structured JSON mode)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

TYPE_PREFIX = "de.smartgov."
TYPE_SUFFIX = ".v1"


class CloudEvent(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")

    specversion: str = "1.0"
    id: uuid.UUID
    source: str
    type: str
    subject: str | None = None
    time: datetime
    datacontenttype: str = "application/json"
    municipality: str | None = Field(default=None, description="Extension: the tenant.")
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def nats_subject(self) -> str:
        return nats_subject_for(self.type)


def event_type(nats_subject: str) -> str:
    """`usecase.usecase.published` → `de.smartgov.usecase.usecase.published.v1`."""
    return f"{TYPE_PREFIX}{nats_subject}{TYPE_SUFFIX}"


def nats_subject_for(type_: str) -> str:
    if not (type_.startswith(TYPE_PREFIX) and type_.endswith(TYPE_SUFFIX)):
        raise ValueError(f"not a SmartGov event type: {type_}")
    return type_[len(TYPE_PREFIX) : -len(TYPE_SUFFIX)]


def make_event(
    service: str,
    subject: str,
    data: dict[str, Any],
    *,
    entity_id: str | uuid.UUID | None = None,
    municipality: str | None = None,
) -> CloudEvent:
    """An event for NATS subject `<context>.<entity>.<action>`, e.g. `catalog.dataset.published`."""
    if subject.count(".") != 2:
        raise ValueError(f"subject must be <context>.<entity>.<action>: {subject}")
    return CloudEvent(
        id=uuid.uuid4(),
        source=f"/smartgov/{service}",
        type=event_type(subject),
        subject=str(entity_id) if entity_id is not None else None,
        time=datetime.now(UTC),
        municipality=municipality,
        data=data,
    )
