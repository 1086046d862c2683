"""Public results per process, exports, publication, and the throttled supports aggregate."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from participation_service.access import Actor, visible_process
from participation_service.common import hour, sort_key
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
from servicekit.pagination import PageParams, SortKey, paginate
from servicekit.problems import Conflict

GROUPS = ("citizen", "business", "administration", "other")
EVENT_CONTRIBUTIONS = 500  # keeps the event well under the NATS payload limit


def _visible(model: Any) -> Any:
    # `NOT col` rather than `col IS false`: PostgreSQL estimates it from statistics.
    return ~model.hidden & ~model.author_blocked


def _per_group(column: Any) -> list[Any]:
    return [func.sum(case((column == g, 1), else_=0)).label(g) for g in GROUPS]


async def _totals(session: AsyncSession, process: Process) -> dict[str, Any]:
    visible_contributions = (Contribution.process_id == process.id) & _visible(Contribution)
    contributions_by_group = {
        g: int(n)
        for g, n in (
            await session.execute(
                select(Contribution.stakeholder_group, func.count())
                .where(visible_contributions)
                .group_by(Contribution.stakeholder_group)
            )
        ).all()
    }
    # All supports of the process minus those on hidden contributions (few): no join of
    # the two large tables, which PostgreSQL may plan as a nested loop.
    hidden = select(Contribution.id).where(
        Contribution.process_id == process.id, ~_visible(Contribution)
    )
    supports_by_group: Counter[str] = Counter()
    for g, n in (
        await session.execute(
            select(Support.stakeholder_group, func.count())
            .where(Support.process_id == process.id)
            .group_by(Support.stakeholder_group)
        )
    ).all():
        supports_by_group[g] += int(n)
    for g, n in (
        await session.execute(
            select(Support.stakeholder_group, func.count())
            .where(Support.contribution_id.in_(hidden))
            .group_by(Support.stakeholder_group)
        )
    ).all():
        supports_by_group[g] -= int(n)
    comments = await session.scalar(
        select(func.count())
        .select_from(Comment)
        .join(Contribution, Contribution.id == Comment.contribution_id)
        .where(visible_contributions, _visible(Comment))
    )
    participants = await session.scalar(
        select(func.count()).select_from(
            union(
                select(Support.participant_id.label("who")).where(Support.process_id == process.id),
                select(Contribution.author_id.label("who")).where(
                    visible_contributions, Contribution.author_id.is_not(None)
                ),
            ).subquery()
        )
    )
    return {
        "contributions": sum(contributions_by_group.values()),
        "supports": sum(supports_by_group.values()),
        "comments": int(comments or 0),
        "participants": int(participants or 0),
        "contributions_by_group": contributions_by_group,
        "supports_by_group": {g: n for g, n in supports_by_group.items() if n},
    }


async def _contributions(
    session: AsyncSession, process: Process, page: PageParams | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Contributions with their supports per group and comment counts, most supported
    first: one page of them, or all (exports). Counting happens in the database."""
    supports = (
        select(
            Support.contribution_id.label("cid"),
            func.count().label("total"),
            *_per_group(Support.stakeholder_group),
        )
        .where(Support.process_id == process.id)
        .group_by(Support.contribution_id)
        .subquery()
    )
    comments = (
        select(Comment.contribution_id.label("cid"), func.count().label("n"))
        .join(Contribution, Contribution.id == Comment.contribution_id)
        .where(Contribution.process_id == process.id, _visible(Comment))
        .group_by(Comment.contribution_id)
        .subquery()
    )
    total = func.coalesce(supports.c.total, 0)
    stmt = (
        select(
            Contribution.id,
            Contribution.kind,
            Contribution.title,
            Contribution.category,
            Contribution.state,
            Contribution.stakeholder_group,
            Contribution.answer,
            total.label("supports"),
            *[getattr(supports.c, g) for g in GROUPS],
            comments.c.n,
        )
        .outerjoin(supports, supports.c.cid == Contribution.id)
        .outerjoin(comments, comments.c.cid == Contribution.id)
        .where(Contribution.process_id == process.id, _visible(Contribution))
    )
    keys = [
        SortKey(total, descending=True, attribute="supports"),
        sort_key(Contribution.id, attribute="id"),
    ]
    if page is None:
        rows = list((await session.execute(stmt.order_by(total.desc(), Contribution.id))).all())
        cursor = None
    else:
        rows, cursor = await paginate(session, stmt, keys, page, scalars=False)
    items = []
    for r in rows:
        groups = {g: int(n) for g, n in zip(GROUPS, r[8:12], strict=True) if n}
        items.append(
            {
                "id": str(r.id),
                "kind": r.kind,
                "title": r.title,
                "category": r.category,
                "state": r.state,
                "stakeholder_group": r.stakeholder_group,
                "supports": int(r.supports),
                "supports_by_group": groups,
                "comments": r.n or 0,
                "answer": r.answer,
            }
        )
    return items, cursor


async def compute(
    session: AsyncSession, process: Process, page: PageParams | None = None
) -> dict[str, Any]:
    """The results document as plain data: totals and surveys, and the contributions (a page
    of them for the API; all of them for exports and the published event)."""
    contributions, cursor = await _contributions(session, process, page)
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
        "results_published_at": (
            hour(process.results_published_at).isoformat() if process.results_published_at else None
        ),
        "summary": process.results_summary,
        "totals": await _totals(session, process),
        "contributions": contributions,
        "next_cursor": cursor,
        "surveys": [(await survey_results(session, s)).model_dump(mode="json") for s in surveys],
    }


async def get(
    db: Database, actor: Actor, process_id: uuid.UUID, page: PageParams | None = None
) -> dict[str, Any]:
    async with db.sessions() as session:
        process = await visible_process(session, actor, process_id)
        return await compute(session, process, page)


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
