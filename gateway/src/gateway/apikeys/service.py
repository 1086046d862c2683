"""Creating, listing and revoking API keys; looking a presented key up."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from gateway.apikeys.models import ApiKey
from gateway.apikeys.schemas import ApiKeyIn
from gateway.municipalities.models import Municipality
from servicekit.db import Database, utcnow
from servicekit.identity import Principal, PrincipalKind, Role
from servicekit.pagination import PageParams, SortKey, paginate
from servicekit.problems import FieldError, Forbidden, NotFound, ProblemError

KEY_PREFIX = "sgk_"


def hash_key(key: str) -> str:
    # Keys are 256-bit random secrets: a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """(key, its public prefix)."""
    public = secrets.token_urlsafe(6)[:8]
    return f"{KEY_PREFIX}{public}_{secrets.token_urlsafe(32)}", f"{KEY_PREFIX}{public}"


def _require_manager(principal: Principal, municipality: str) -> None:
    principal.require_authenticated()
    if principal.kind is not PrincipalKind.USER:
        raise Forbidden("API keys cannot manage API keys.")
    if not principal.has_role(municipality, Role.ADMIN):
        raise Forbidden(f"Managing API keys needs the admin role in '{municipality}'.")


async def create(db: Database, principal: Principal, data: ApiKeyIn) -> tuple[ApiKey, str]:
    _require_manager(principal, data.municipality)
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise ProblemError(
            422,
            "expires_at lies in the past.",
            title="Validation failed",
            errors=[FieldError(field="body.expires_at", message="must be in the future")],
        )
    key, prefix = new_key()
    async with db.transaction() as session:
        exists = await session.scalar(
            select(Municipality.slug).where(Municipality.slug == data.municipality)
        )
        if exists is None:
            raise ProblemError(
                422,
                f"Unknown municipality '{data.municipality}'.",
                title="Validation failed",
                errors=[FieldError(field="body.municipality", message="unknown municipality")],
            )
        row = ApiKey(
            municipality=data.municipality,
            name=data.name,
            prefix=prefix,
            key_hash=hash_key(key),
            scopes=sorted(set(data.scopes)),
            created_by=principal.subject or "unknown",
            created_at=utcnow(),
            expires_at=data.expires_at,
        )
        session.add(row)
    return row, key


async def list_page(
    db: Database, principal: Principal, municipality: str | None, params: PageParams
) -> tuple[list[ApiKey], str | None]:
    stmt = select(ApiKey)
    if municipality is not None:
        _require_manager(principal, municipality)
        stmt = stmt.where(ApiKey.municipality == municipality)
    elif not principal.platform_admin:
        principal.require_authenticated()
        managed = [m for m in principal.memberships if principal.has_role(m, Role.ADMIN)]
        if not managed or principal.kind is not PrincipalKind.USER:
            raise Forbidden("Listing API keys needs the admin role in a municipality.")
        stmt = stmt.where(ApiKey.municipality.in_(managed))
    async with db.sessions() as session:
        return await paginate(
            session,
            stmt,
            [
                SortKey(ApiKey.created_at.expression, descending=True, attribute="created_at"),
                SortKey(ApiKey.id.expression, descending=True, attribute="id"),
            ],
            params,
        )


async def get(db: Database, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    principal.require_authenticated()
    async with db.sessions() as session:
        row = await session.get(ApiKey, key_id)
    if row is None or not (
        principal.platform_admin
        or (
            principal.kind is PrincipalKind.USER
            and principal.has_role(row.municipality, Role.ADMIN)
        )
    ):
        raise NotFound(f"API key {key_id} does not exist.")
    return row


async def revoke(db: Database, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    row = await get(db, principal, key_id)
    _require_manager(principal, row.municipality)
    async with db.transaction() as session:
        row = await session.get(ApiKey, key_id)  # type: ignore[assignment]
        assert row is not None
        if row.revoked_at is None:
            row.revoked_at = utcnow()
    return row


@dataclass(frozen=True)
class KeyGrant:
    id: str
    name: str
    municipality: str
    scopes: frozenset[str]
    expires_at: datetime | None


async def lookup(db: Database, key: str) -> KeyGrant | None:
    """The grant of a presented key; None when unknown, revoked, expired or its municipality
    is inactive."""
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(ApiKey, Municipality.active)
                .join(Municipality, Municipality.slug == ApiKey.municipality)
                .where(ApiKey.key_hash == hash_key(key))
            )
        ).first()
    if row is None:
        return None
    api_key, active = row
    if api_key.revoked_at is not None or not active:
        return None
    if api_key.expires_at is not None and api_key.expires_at <= utcnow():
        return None
    return KeyGrant(
        id=str(api_key.id),
        name=api_key.name,
        municipality=api_key.municipality,
        scopes=frozenset(api_key.scopes),
        expires_at=api_key.expires_at,
    )


async def record_use(db: Database, used: dict[str, datetime]) -> None:
    if not used:
        return
    async with db.transaction() as session:
        for key_id, when in used.items():
            await session.execute(
                update(ApiKey).where(ApiKey.id == uuid.UUID(key_id)).values(last_used_at=when)
            )
