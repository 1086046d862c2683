from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from participation_service.text import ShortText

Reason = Annotated[
    Literal["spam", "offensive", "off_topic"],
    Field(
        description="`spam` (advertising, repeated posts), `offensive` (insulting, "
        "discriminating or unlawful), `off_topic` (not about the process)."
    ),
]


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"reason": "spam"}})
    reason: Reason
    details: ShortText = ""


class ReportOut(BaseModel):
    target_type: str
    target_id: uuid.UUID
    reported: bool
    hidden: bool = Field(description="Whether the item is now hidden (automatically or before).")


class ActionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "action": "hide",
                "target_type": "contribution",
                "target_id": "0c3f1f8e-0b2a-4c1e-9d55-0a1b2c3d4e5f",
                "reason": "Werbung",
            }
        },
    )
    action: Literal["hide", "restore", "block", "unblock"] = Field(
        description="`hide` a contribution or comment (no longer shown), `restore` it; "
        "`block` a participant in `municipality` (all their content there is hidden, they "
        "cannot take part), `unblock` them."
    )
    target_type: Literal["contribution", "comment", "participant"] = Field(
        description="What `target_id` names: a `contribution` or `comment` (hide, restore) or "
        "a `participant` by pseudonym (block, unblock)."
    )
    target_id: str = Field(min_length=1, max_length=64)
    municipality: str | None = Field(
        default=None, max_length=63, description="Needed when blocking a participant."
    )
    reason: ShortText = ""

    @model_validator(mode="after")
    def _fits(self) -> ActionIn:
        blocking = self.action in ("block", "unblock")
        if blocking != (self.target_type == "participant"):
            raise ValueError("block/unblock act on participants; hide/restore on content")
        if blocking and not self.municipality:
            raise ValueError("blocking needs the municipality")
        return self


class QueueItem(BaseModel):
    target_type: str
    target_id: uuid.UUID
    process_id: uuid.UUID
    author_id: str | None = Field(description="The author's pseudonym.")
    text: str
    hidden: bool
    author_blocked: bool
    reports: int
    reasons: dict[str, int]


class LogEntry(BaseModel):
    id: uuid.UUID
    municipality: str
    actor: str
    action: str
    target_type: str
    target_id: str
    reason: str
    created_at: datetime
