"""A use case as a JSON document and as a printable one-page HTML summary."""

from __future__ import annotations

import uuid

from jinja2 import Environment, PackageLoader, select_autoescape

from servicekit.db import Database, utcnow
from servicekit.identity import Principal
from usecase_service.exports.schemas import UseCaseExport
from usecase_service.usecases import service as usecases
from usecase_service.usecases.schemas import HistoryEntry

templates = Environment(
    loader=PackageLoader("usecase_service", "exports/templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
SNAPSHOT_ROWS = [
    ("Cases per year", "cases_per_year"),
    ("Minutes per case", "processing_minutes_per_case"),
    ("Waiting days", "waiting_days"),
    ("Steps", "steps"),
    ("Handovers", "handovers"),
    ("Media breaks", "media_breaks"),
    ("Cost per case (EUR)", "cost_per_case"),
    ("OZG level", "ozg_level"),
]


async def export_json(db: Database, principal: Principal, use_case_id: uuid.UUID) -> UseCaseExport:
    detail = await usecases.get(db, principal, use_case_id)
    history = await usecases.history(db, principal, use_case_id)
    return UseCaseExport(
        exported_at=utcnow(),
        use_case=detail,
        history=[HistoryEntry.model_validate(h) for h in history],
    )


async def summary_html(db: Database, principal: Principal, use_case_id: uuid.UUID) -> str:
    detail = await usecases.get(db, principal, use_case_id)
    return templates.get_template("summary.html").render(
        uc=detail,
        snapshot_rows=SNAPSHOT_ROWS,
        generated_at=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
    )
