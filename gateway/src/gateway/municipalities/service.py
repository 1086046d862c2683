"""Registering and changing municipalities; each change announces itself as an event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gateway.database import outbox
from gateway.municipalities.models import Municipality
from gateway.municipalities.schemas import MunicipalityIn, MunicipalityPatch, check_state
from servicekit.concurrency import check_if_match
from servicekit.db import Database, utcnow
from servicekit.identity import Principal
from servicekit.pagination import PageParams, SortKey, paginate
from servicekit.problems import Conflict, FieldError, NotFound, Unprocessable

REGISTERED = "platform.municipality.registered"
UPDATED = "platform.municipality.updated"


def event_data(m: Municipality) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "slug": m.slug,
        "name": m.name,
        "regional_key": m.regional_key,
        "federal_state": m.federal_state,
        "active": m.active,
    }


async def register(db: Database, principal: Principal, data: MunicipalityIn) -> Municipality:
    principal.require_platform_admin()
    now = utcnow()
    try:
        async with db.transaction() as session:
            await _refuse_duplicates(session, data.slug, data.regional_key)
            municipality = Municipality(
                slug=data.slug,
                name=data.name,
                regional_key=data.regional_key,
                federal_state=data.federal_state,
                contact_name=data.contact.name,
                contact_email=data.contact.email,
                contact_phone=data.contact.phone,
                active=True,
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(municipality)
            await session.flush()
            await outbox.emit(
                session,
                REGISTERED,
                event_data(municipality),
                entity_id=municipality.id,
                municipality=municipality.slug,
            )
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict(f"Municipality '{data.slug}' or its regional key exists already.") from exc
    return municipality


async def _refuse_duplicates(session: Any, slug: str, regional_key: str) -> None:
    existing = await session.scalar(
        select(Municipality).where(
            (Municipality.slug == slug) | (Municipality.regional_key == regional_key)
        )
    )
    if existing is not None:
        what = "slug" if existing.slug == slug else "regional key"
        raise Conflict(
            f"A municipality with this {what} exists already: '{existing.slug}'.",
            extra={"existing": existing.slug},
        )


async def update(
    db: Database,
    principal: Principal,
    slug: str,
    patch: MunicipalityPatch,
    if_match: str | None,
) -> Municipality:
    principal.require_platform_admin()
    async with db.transaction() as session:
        municipality = await session.scalar(select(Municipality).where(Municipality.slug == slug))
        if municipality is None:
            raise NotFound(f"Municipality '{slug}' does not exist.")
        check_if_match(if_match, municipality.id, municipality.version)
        changes = patch.model_dump(exclude_unset=True)
        contact = changes.pop("contact", None)
        if contact is not None:
            changes.update(
                contact_name=contact.get("name"),
                contact_email=contact.get("email"),
                contact_phone=contact.get("phone"),
            )
        if any(v is None for k, v in changes.items() if not k.startswith("contact_")):
            raise Unprocessable(
                "Fields other than contact cannot be null.",
                errors=[
                    FieldError(field=f"body.{k}", message="must not be null")
                    for k, v in changes.items()
                    if v is None and not k.startswith("contact_")
                ],
            )
        state = changes.get("federal_state", municipality.federal_state)
        key = changes.get("regional_key", municipality.regional_key)
        try:
            check_state(state, key)
        except ValueError as exc:
            raise Unprocessable(
                str(exc), errors=[FieldError(field="body.regional_key", message=str(exc))]
            ) from exc
        if key != municipality.regional_key:
            taken = await session.scalar(
                select(Municipality.slug).where(Municipality.regional_key == key)
            )
            if taken is not None:
                raise Conflict(f"Regional key {key} belongs to '{taken}'.")
        if not changes or all(getattr(municipality, k) == v for k, v in changes.items()):
            return municipality
        for name, value in changes.items():
            setattr(municipality, name, value)
        municipality.version += 1
        municipality.updated_at = utcnow()
        await session.flush()
        await outbox.emit(
            session,
            UPDATED,
            event_data(municipality),
            entity_id=municipality.id,
            municipality=municipality.slug,
        )
    return municipality


async def get(db: Database, slug: str) -> Municipality:
    async with db.sessions() as session:
        municipality = await session.scalar(select(Municipality).where(Municipality.slug == slug))
    if municipality is None:
        raise NotFound(f"Municipality '{slug}' does not exist.")
    return municipality


async def list_page(
    db: Database, params: PageParams, *, include_inactive: bool
) -> tuple[list[Municipality], str | None]:
    stmt = select(Municipality)
    if not include_inactive:
        stmt = stmt.where(Municipality.active.is_(True))
    async with db.sessions() as session:
        return await paginate(
            session,
            stmt,
            [
                SortKey(Municipality.slug.expression, attribute="slug"),
                SortKey(Municipality.id.expression, attribute="id"),
            ],
            params,
        )


async def active_slugs(db: Database) -> set[str]:
    async with db.sessions() as session:
        rows = await session.scalars(select(Municipality.slug).where(Municipality.active.is_(True)))
        return set(rows)
