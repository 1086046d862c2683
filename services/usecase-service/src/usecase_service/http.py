"""FastAPI dependencies every router of this service uses."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Path

from servicekit.db import Database
from servicekit.identity import Principal, get_principal
from servicekit.runtime import get_db

DB = Annotated[Database, Depends(get_db)]
Caller = Annotated[Principal, Depends(get_principal)]
IfMatch = Annotated[
    str | None,
    Header(max_length=200, description="The ETag you last saw; 412 if it changed since."),
]
UseCaseId = Annotated[uuid.UUID, Path(description="The use case's id.")]
