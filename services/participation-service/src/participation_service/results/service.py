"""Public results per process, exports, publication, and the throttled supports aggregate."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.access import Actor, visible_process
from participation_service.common import hour
from participation_service.contributions.models import Comment, Contribution, Support
from participation_service.database import outbox
from participation_service.processes.models import Process
from participation_service.results.models import SupportsEmission
from participation_service.results.schemas import PublishIn
from participation_service.surveys.models import Survey
from participation_service.surveys.service import results_in as survey_results
from participation_service.text import csv_safe
from servicekit.db import Database, utcnow
from servicekit.identity import Role
from servicekit.problems import Conflict

GROUPS = ("citizen", "business", "administration", "other")
EVENT_CONTRIBUTIONS = 500  # keeps the event well under the NATS payload limit


def _visible(model: Any) -> Any:
    return (model.hidden.is_(False)) & (model.author_blocked.is_(False))


async def compute(session: AsyncSession, process: Process) -> dict[str, Any]:
    """The results document as plain data (built without per-row models: it must stay fast
    for processes with tens of thousands of contributions)."""
    rows = (
        await session.execute(
            select(
                Contribution.id,
                Contribution.kind,
                Contribution.title,
                Contribution.category,
                Contribution.state,
                Contribution.stakeholder_group,
                Contribution.answer,
                Contribution.author_id,
            ).where(Contribution.process_id == process.id, _visible(Contribution))
        )
    ).all()
    visible_ids = {r.id for r in rows}
    by_contribution: dict[uuid.UUID, dict[str, int]] = {}
    for cid, group, n in await session.execute(
        select(Support.contribution_id, Support.stakeholder_group, func.count())
        .where(Support.process_id == process.id)
        .group_by(Support.contribution_id, Support.stakeholder_group)
    ):
        if cid in visible_ids:
            by_contribution.setdefault(cid, {})[group] = n
    comments = dict(
        (
            await session.execute(
                select(Comment.contribution_id, func.count())
                .join(Contribution, Contribution.id == Comment.contribution_id)
                .where(Contribution.process_id == process.id, _visible(Comment))
                .group_by(Comment.contribution_id)
            )
        ).all()
    )
    supporters = set(
        (
            await session.scalars(
                select(Support.participant_id).where(Support.process_id == process.id).distinct()
            )
        ).all()
    )
    authors = {r.author_id for r in rows if r.author_id}
    contributions = []
    supports_by_group: Counter[str] = Counter()
    for r in rows:
        groups = by_contribution.get(r.id, {})
        supports_by_group.update(groups)
        contributions.append(
            {
                "id": str(r.id),
                "kind": r.kind,
                "title": r.title,
                "category": r.category,
                "state": r.state,
                "stakeholder_group": r.stakeholder_group,
                "supports": sum(groups.values()),
                "supports_by_group": groups,
                "comments": comments.get(r.id, 0),
                "answer": r.answer,
            }
        )
    contributions.sort(key=lambda c: (-c["supports"], c["id"]))
    surveys = (
        await session.scalars(
            select(Survey).where(Survey.process_id == process.id).order_by(Survey.created_at)
        )
    ).all()
    return {
        "process_id": str(process.id),
        "use_case_id": str(process.use_case_id),
        "municipality": process.municipality,
        "title": process.title,
        "status": process.status,
        "generated_at": hour(utcnow()).isoformat(),
        "results_published_at": process.results_published_at.isoformat()
        if process.results_published_at
        else None,
        "summary": process.results_summary,
        "totals": {
            "contributions": len(rows),
            "supports": sum(supports_by_group.values()),
            "comments": sum(comments.values()),
            "participants": len(supporters | authors),
            "contributions_by_group": dict(Counter(r.stakeholder_group for r in rows)),
            "supports_by_group": dict(supports_by_group),
        },
        "contributions": contributions,
        "surveys": [(await survey_results(session, s)).model_dump(mode="json") for s in surveys],
    }


async def get(db: Database, actor: Actor, process_id: uuid.UUID) -> dict[str, Any]:
    async with db.sessions() as session:
        process = await visible_process(session, actor, process_id)
        return await compute(session, process)


CSV_COLUMNS = [
    "id",
    "kind",
    "title",
    "category",
    "state",
    "stakeholder_group",
    "supports",
    *[f"supports_{g}" for g in GROUPS],
    "comments",
    "answer",
]


def to_csv(results: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for c in results["contributions"]:
        writer.writerow(
            [
                c["id"],
                c["kind"],
                csv_safe(c["title"]),
                csv_safe(c["category"]),
                c["state"],
                c["stakeholder_group"],
                c["supports"],
                *[c["supports_by_group"].get(g, 0) for g in GROUPS],
                c["comments"],
                csv_safe(c["answer"]),
            ]
        )
    return out.getvalue()


async def publish(
    db: Database, actor: Actor, process_id: uuid.UUID, data: PublishIn
) -> dict[str, Any]:
    async with db.transaction() as session:
        process = await visible_process(session, actor, process_id)
        actor.principal.require_role(process.municipality, Role.EDITOR)
        if process.status == "draft":
            raise Conflict("A draft process has no results to publish.")
        process.results_published_at = utcnow()
        process.results_summary = data.summary
        process.version += 1
        await session.flush()
        results = await compute(session, process)
        event_results = {
            "totals": results["totals"],
            "contributions": results["contributions"][:EVENT_CONTRIBUTIONS],
            "contributions_truncated": len(results["contributions"]) > EVENT_CONTRIBUTIONS,
            "surveys": [
                {**s, "questions": [{**q, "texts": None} for q in s["questions"]]}
                for s in results["surveys"]
            ],
        }
        await outbox.emit(
            session,
            "participation.results.published",
            {
                "id": str(process.id),
                "use_case_id": str(process.use_case_id),
                "municipality": process.municipality,
                "title": process.title,
                "summary": data.summary,
                "results": event_results,
            },
            entity_id=process.id,
            municipality=process.municipality,
        )
        return results


async def supports_aggregate(session: AsyncSession, process: Process) -> dict[str, Any]:
    by_group = dict(
        (
            await session.execute(
                select(Support.stakeholder_group, func.count())
                .where(Support.process_id == process.id)
                .group_by(Support.stakeholder_group)
            )
        ).all()
    )
    participants = await session.scalar(
        select(func.count(func.distinct(Support.participant_id))).where(
            Support.process_id == process.id
        )
    )
    contributions = await session.scalar(
        select(func.count())
        .select_from(Contribution)
        .where(Contribution.process_id == process.id, _visible(Contribution))
    )
    return {
        "use_case_id": str(process.use_case_id),
        "process_id": str(process.id),
        "municipality": process.municipality,
        "supports": sum(by_group.values()),
        "contributions": int(contributions or 0),
        "participants": int(participants or 0),
        "by_group": by_group,
    }


async def emit_supports_changes(db: Database, interval: float, now: datetime | None = None) -> int:
    """Emit `participation.supports.changed` for each process whose aggregate changed, at most
    once per process per `interval` seconds. Returns how many events were emitted."""
    now = now or utcnow()
    due_before = now - timedelta(seconds=interval)
    emitted = 0
    async with db.sessions() as session:
        candidates = (
            await session.scalars(
                select(Process.id)
                .outerjoin(SupportsEmission, SupportsEmission.process_id == Process.id)
                .where(
                    Process.status != "draft",
                    or_(
                        SupportsEmission.process_id.is_(None),
                        SupportsEmission.emitted_at <= due_before,
                    ),
                    or_(
                        Process.status == "open",
                        SupportsEmission.process_id.is_(None),
                        SupportsEmission.emitted_at < Process.updated_at,
                    ),
                )
            )
        ).all()
    for process_id in candidates:
        async with db.transaction() as session:
            process = await session.get(Process, process_id)
            if process is None:
                continue
            aggregate = await supports_aggregate(session, process)
            last = await session.get(SupportsEmission, process_id)
            if last is not None and (last.aggregate == aggregate or last.emitted_at > due_before):
                continue
            if last is None and aggregate["supports"] == 0:
                continue
            if last is None:
                session.add(
                    SupportsEmission(process_id=process_id, aggregate=aggregate, emitted_at=now)
                )
            else:
                last.aggregate = aggregate
                last.emitted_at = now
            await outbox.emit(
                session,
                "participation.supports.changed",
                aggregate,
                entity_id=process_id,
                municipality=process.municipality,
            )
            emitted += 1
    return emitted
