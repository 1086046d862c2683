from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from usecase_service.examples import DETAIL_EXAMPLE, HISTORY_EXAMPLE
from usecase_service.usecases.schemas import HistoryEntry, UseCaseDetail


class UseCaseExport(BaseModel):
    """A use case with its history, as a document to archive or hand on."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "format": "smartgov-use-case/1",
                    "exported_at": "2026-11-26T12:00:00Z",
                    "use_case": DETAIL_EXAMPLE,
                    "history": [HISTORY_EXAMPLE],
                }
            ]
        }
    )

    format: str = "smartgov-use-case/1"
    exported_at: datetime
    use_case: UseCaseDetail
    history: list[HistoryEntry]
