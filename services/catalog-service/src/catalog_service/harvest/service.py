"""Harvest runs: read a source, create/update/withdraw local read-only copies. Records are
written a page at a time, each in its own savepoint, so one broken record never stops a run
and never leaves anything half-written."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import ssl
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import certifi
import httpx
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.datasets import bulk
from catalog_service.datasets import service as datasets
from catalog_service.datasets.bulk import NewDataset
from catalog_service.datasets.models import PUBLISHED, WITHDRAWN, Dataset
from catalog_service.datasets.rules import dataset_columns, distribution_columns, slugify
from catalog_service.datasets.schemas import DatasetPatch, DistributionIn
from catalog_service.harvest.models import HarvestRun, HarvestSource
from catalog_service.harvest.schemas import HarvestSourceIn, record_error
from catalog_service.harvest.sources import (
    Record,
    SourceError,
    ckan_names,
    ckan_records,
    dcat_records,
)
from catalog_service.organizations import service as organizations
from catalog_service.organizations.models import Organization
from servicekit.db import Database, utcnow
from servicekit.identity import Principal, Role
from servicekit.problems import Conflict, NotFound

log = logging.getLogger("catalog_service.harvest")
BATCH = 500  # one page of the source, one transaction


async def create_source(db: Database, principal: Principal, body: HarvestSourceIn) -> HarvestSource:
    async with db.transaction() as session:
        org = await organizations.find(session, body.organization)
        principal.require_role(org.municipality, Role.ADMIN)
        source = HarvestSource(
            municipality=org.municipality, organization_id=org.id, title=body.title,
            url=body.url.rstrip("/") if body.kind == "ckan" else body.url, kind=body.kind,
            schedule_minutes=body.schedule_minutes,
        )  # fmt: skip
        session.add(source)
        await session.flush()
        return source


async def find_source(
    session: AsyncSession, principal: Principal, source_id: uuid.UUID
) -> HarvestSource:
    source = await session.get(HarvestSource, source_id)
    if source is None or not principal.can_see_internal(source.municipality):
        raise NotFound(f"No harvest source '{source_id}'.")
    return source


class _Problem(Exception):
    pass


def _columns(record: Record) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fields = dict(record.fields or {})
    try:
        parsed = DatasetPatch.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _Problem(f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}") from exc
    columns, errors = dataset_columns(parsed.model_dump(), prefix="record")
    if not columns.get("title") or not columns.get("description"):
        raise _Problem("a dataset needs a title and a description")
    dists = []
    for i, raw in enumerate(record.distributions):
        raw = dict(raw)
        origin_id = raw.pop("origin_id", None)
        try:
            dist = DistributionIn.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise _Problem(f"distribution {i + 1}: {first['loc'][-1]}: {first['msg']}") from exc
        dist_columns, dist_errors = distribution_columns(
            dist.model_dump(), prefix=f"record.distributions.{i}"
        )
        errors += dist_errors
        dists.append({**dist_columns, "origin_id": origin_id})
    if errors:
        raise _Problem(
            "; ".join(f"{e.field.removeprefix('record.')}: {e.message}" for e in errors[:3])
        )
    return columns, dists


def _fingerprint(columns: dict[str, Any], dists: list[dict[str, Any]]) -> str:
    raw = json.dumps([columns, dists], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _origin_url(source: HarvestSource, record: Record) -> str:
    if source.kind == "dcat":
        return record.origin_id
    return f"{source.url}/dataset/{record.origin_name or record.origin_id}"


async def _update(
    session: AsyncSession,
    ds: Dataset,
    org: Organization,
    record: Record,
    prepared: tuple[dict[str, Any], list[dict[str, Any]]],
    extras: dict[str, Any],
    origin_url: str,
) -> None:
    columns, dists = prepared
    for key, value in columns.items():
        setattr(ds, key, value)
    ds.extras = extras
    ds.origin_url = origin_url
    for old in list(ds.distributions):
        ds.distributions.remove(old)
    for dist in dists:
        datasets.new_distribution(ds, dist)
    previous, ds.status = ds.status, PUBLISHED
    await datasets.after_change(session, ds, org, previous)


async def _apply_batch(
    session: AsyncSession,
    source: HarvestSource,
    org: Organization,
    valid: list[tuple[Record, Any]],
) -> dict[str, int]:
    """Writes valid records: new ones in bulk, changed ones one by one (in record order, so
    the events keep it too); returns how many were created, updated or unchanged."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    wanted = {record.origin_id for record, _ in valid}
    known = {
        ds.origin_id: ds
        for ds in await session.scalars(
            select(Dataset).where(
                Dataset.harvest_source_id == source.id, Dataset.origin_id.in_(wanted)
            )
        )
    }
    pending: list[NewDataset] = []
    pending_origins: set[str] = set()
    inserted: set[str] = set()

    async def flush_pending() -> None:
        await bulk.insert_many(session, org, pending)
        pending.clear()
        inserted.update(pending_origins)
        pending_origins.clear()

    for record, prepared in valid:
        columns, dists = prepared
        fingerprint = _fingerprint(columns, dists)
        extras = {"origin_hash": fingerprint, "origin_name": record.origin_name}
        origin_url = _origin_url(source, record)
        if record.origin_id in pending_origins:  # twice in one batch: the first must exist
            await flush_pending()
        ds = known.get(record.origin_id)
        if ds is None and record.origin_id in inserted:
            ds = await session.scalar(
                select(Dataset).where(
                    Dataset.harvest_source_id == source.id, Dataset.origin_id == record.origin_id
                )
            )
        if ds is None:
            pending.append(
                NewDataset(
                    columns,
                    dists,
                    name=slugify(record.origin_name or columns["title"]),
                    status=PUBLISHED,
                    extra={
                        "harvest_source_id": source.id,
                        "origin_id": record.origin_id,
                        "origin_url": origin_url,
                        "extras": extras,
                    },
                )
            )
            pending_origins.add(record.origin_id)
            counts["created"] += 1
            continue
        if ds.extras.get("origin_hash") == fingerprint and ds.status == PUBLISHED:
            counts["unchanged"] += 1
            continue
        await flush_pending()
        await _update(session, ds, org, record, prepared, extras, origin_url)
        counts["updated"] += 1
    await flush_pending()
    return counts


async def _write(
    db: Database, source: HarvestSource, valid: list[tuple[Record, Any]]
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Writes valid records in one transaction; if the database refuses one, the batch is
    rolled back and written record by record so only the culprit is lost."""
    try:
        async with db.transaction() as session:
            org = await session.get(Organization, source.organization_id)
            assert org is not None
            counts = await _apply_batch(session, source, org, valid)
        return counts, []
    except Exception:
        if len(valid) == 1:
            raise
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors = []
    for item in valid:
        try:
            single, _ = await _write(db, source, [item])
        except Exception as exc:  # one broken record never stops the run
            log.exception("harvest record failed", extra={"record": item[0].origin_id})
            errors.append(record_error(item[0].origin_id, f"{type(exc).__name__}: {exc}"))
            continue
        for key, n in single.items():
            counts[key] += n
    return counts, errors


async def _withdraw_missing(
    db: Database, source: HarvestSource, run: HarvestRun, keep: set[str], by_name: bool
) -> None:
    async with db.transaction() as session:
        org = await session.get(Organization, source.organization_id)
        assert org is not None
        rows = await session.scalars(
            select(Dataset).where(
                Dataset.harvest_source_id == source.id, Dataset.status == PUBLISHED
            )
        )
        for ds in rows:
            key = ds.extras.get("origin_name") if by_name else ds.origin_id
            if key not in keep:
                ds.status = WITHDRAWN
                await datasets.after_change(session, ds, org, PUBLISHED)
                run.withdrawn += 1


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's default verification (certifi's CAs), built once: loading them takes ~0.3 s."""
    return ssl.create_default_context(cafile=certifi.where())


async def _read_ahead(items: AsyncIterator[list[Record]]) -> AsyncIterator[list[Record]]:
    """The source's next page is fetched and parsed while the current one is written."""
    queue: asyncio.Queue[list[Record] | BaseException | None] = asyncio.Queue(maxsize=1)

    async def pump() -> None:
        try:
            async for item in items:
                await queue.put(item)
            await queue.put(None)
        except Exception as exc:  # handed to the reader, raised where it would have been
            await queue.put(exc)

    task = asyncio.create_task(pump())
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _batches(records: AsyncIterator[Record]) -> AsyncIterator[list[Record]]:
    batch: list[Record] = []
    async for record in records:
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def run_harvest(
    db: Database, source_id: uuid.UUID, *, timeout: float, full: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> HarvestRun:  # fmt: skip
    async with db.transaction() as session:
        source = await session.get(HarvestSource, source_id)
        if source is None:
            raise NotFound(f"No harvest source '{source_id}'.")
        running = await session.scalar(
            select(HarvestRun.id).where(
                HarvestRun.source_id == source_id, HarvestRun.status == "running"
            )
        )
        if running is not None:
            raise Conflict(
                "This source is being harvested right now.", extra={"run_id": str(running)}
            )
        run = HarvestRun(id=uuid.uuid4(), source_id=source_id, status="running", errors=[])
        session.add(run)
        since = None if full else source.last_harvested_modified
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    newest: datetime | None = since
    try:
        async with httpx.AsyncClient(
            timeout=timeout, transport=transport, follow_redirects=True, verify=_tls()
        ) as client:
            records = (
                ckan_records(client, source.url, since)
                if source.kind == "ckan"
                else dcat_records(client, source.url, since)
            )
            async for batch in _read_ahead(_batches(records)):
                valid = []
                for record in batch:
                    seen.add(record.origin_id)
                    if record.error:
                        errors.append(record_error(record.origin_id, record.error))
                        continue
                    try:
                        valid.append((record, _columns(record)))
                    except _Problem as exc:
                        errors.append(record_error(record.origin_id, str(exc)))
                        continue
                    if record.modified and (newest is None or record.modified > newest):
                        newest = record.modified
                counts, write_errors = await _write(db, source, valid)
                errors += write_errors
                for key, n in counts.items():
                    setattr(run, key, getattr(run, key) + n)
            if source.kind == "ckan" and not full and since is not None:
                await _withdraw_missing(db, source, run, await ckan_names(client, source.url), True)
            elif since is None:
                await _withdraw_missing(db, source, run, seen, False)
        run.status, run.message = "finished", None
    except SourceError as exc:
        run.status, run.message = "failed", str(exc)
    except Exception as exc:
        log.exception("harvest run failed")
        run.status, run.message = "failed", f"{type(exc).__name__}: {exc}"[:1000]
    async with db.transaction() as session:
        stored = await session.get(HarvestRun, run.id)
        source_row = await session.get(HarvestSource, source_id)
        assert stored is not None and source_row is not None
        for key in ("status", "message", "created", "updated", "unchanged", "withdrawn"):
            setattr(stored, key, getattr(run, key))
        stored.errors = errors
        stored.finished_at = utcnow()
        source_row.last_run_at = stored.finished_at
        if run.status == "finished" or source.kind == "ckan":  # CKAN pages come oldest first
            source_row.last_harvested_modified = newest
        return stored


async def due_sources(db: Database) -> list[uuid.UUID]:
    now = utcnow()
    async with db.sessions() as session:
        rows = await session.execute(
            select(
                HarvestSource.id, HarvestSource.schedule_minutes, HarvestSource.last_run_at
            ).where(HarvestSource.schedule_minutes.is_not(None))
        )
        return [
            sid for sid, minutes, last in rows.all()
            if minutes and (last is None or (now - last).total_seconds() >= minutes * 60)
        ]  # fmt: skip
