from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AREAS = ("usecase", "catalog", "participation")
Scope = Literal[
    "usecase:read",
    "usecase:write",
    "catalog:read",
    "catalog:write",
    "participation:read",
    "participation:write",
]


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "municipality": "musterstadt",
                    "name": "Fachverfahren Bauamt",
                    "scopes": ["catalog:read", "catalog:write"],
                    "expires_at": "2027-12-31T23:59:59Z",
                }
            ]
        },
    )
    municipality: str = Field(max_length=63, examples=["musterstadt"])
    name: str = Field(min_length=1, max_length=200, examples=["Fachverfahren Bauamt"])
    scopes: list[Scope] = Field(
        min_length=1,
        description="`<area>:read` or `<area>:write` (write includes read) per area: "
        "usecase, catalog, participation.",
    )
    expires_at: datetime | None = Field(default=None, description="RFC 3339; none = no expiry.")


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    municipality: str = Field(examples=["musterstadt"])
    name: str
    prefix: str = Field(description="First characters of the key, to recognise it.")
    scopes: list[str]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(
        description="The secret key. Shown only once; send it as `Authorization: ApiKey <key>` "
        "or `X-API-Key`.",
        examples=["sgk_AbCdEfGh_0123456789abcdefghijklmnopqrstuvwxyzABCDEF"],
    )
