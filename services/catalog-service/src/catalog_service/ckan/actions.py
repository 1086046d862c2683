"""CKAN Action API actions (the read subset clients and harvesters use)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_service.ckan.fq import FqError, parse_fq
from catalog_service.ckan.mapping import group_dict, license_dict, organization_dict, package_dict
from catalog_service.datasets import service as datasets
from catalog_service.datasets.models import PUBLISHED, Dataset, DatasetFacet
from catalog_service.files import service as files
from catalog_service.files.rows import RowsQuery, RowsQueryError, parse_sort
from catalog_service.files.storage import FileStorage
from catalog_service.organizations.models import Organization
from catalog_service.search.cache import SearchCache, query_key
from catalog_service.search.query import SearchQuery, Visibility, search
from catalog_service.vocab import vocabulary
from servicekit.db import Database
from servicekit.identity import Principal
from servicekit.problems import NotFound, ProblemError

MAX_ROWS = 1000
MAX_OFFSET = 10_000_000  # beyond any catalogue; keeps SQL OFFSET in range
CKAN_VERSION = "2.10.5"
FACET_NAMES = {
    "organization": "organization",
    "tags": "keyword",
    "groups": "theme",
    "res_format": "format",
    "license_id": "license",
    "municipality": "municipality",
}
SORT_FIELDS = {
    "score": "relevance",
    "rank": "relevance",
    "metadata_modified": "modified",
    "metadata_created": "created",
    "title_string": "title",
    "title": "title",
    "name": "name",
    "id": "id",
}
SEARCH_PARAMS = {
    "q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field", "facet.limit",
    "facet.mincount", "include_private", "include_drafts", "include_deleted", "fl", "defType",
    "qf", "wt", "indent", "use_default_schema", "callback", "_",
}  # fmt: skip


class CkanError(Exception):
    def __init__(self, type_: str, message: str | dict[str, Any], status: int) -> None:
        super().__init__(str(message))
        self.type = type_
        self.message = message
        self.status = status


def validation_error(field: str, message: str) -> CkanError:
    return CkanError("Validation Error", {field: [message]}, 409)


def search_query_error(message: str) -> CkanError:
    return CkanError("Search Query Error", f"Search Query is invalid: {message}", 400)


@dataclass
class Context:
    session: AsyncSession
    principal: Principal
    base_url: str
    site_title: str
    db: Database
    storage: FileStorage
    search_cache: SearchCache


Action = Callable[[Context, dict[str, Any]], Awaitable[Any]]


def _int(
    params: dict[str, Any], name: str, default: int, low: int = 0, high: int | None = None
) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise validation_error(name, "Invalid integer") from None
    if value < low:
        raise validation_error(name, f"Must be a natural number (>= {low})")
    if high is not None and value > high:
        raise validation_error(name, f"Must be at most {high}")
    return value


def _bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name, False)
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value)
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise validation_error("facet.field", "not a JSON list") from None
        return [str(v) for v in parsed]
    return [text]


def _visibility(ctx: Context, params: dict[str, Any]) -> Visibility:
    internal = None if ctx.principal.platform_admin else frozenset(ctx.principal.memberships)
    wanted = _bool(params, "include_private") or _bool(params, "include_drafts")
    return Visibility(internal=internal, include_internal=wanted)


def _sort(text: str) -> list[tuple[str, bool]]:
    out = []
    for part in text.split(","):
        pieces = part.split()
        if not pieces:
            continue
        if len(pieces) > 2 or pieces[0] not in SORT_FIELDS:
            raise search_query_error(f"cannot sort by '{part.strip()}'")
        direction = pieces[1].lower() if len(pieces) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise search_query_error(f"sort direction must be asc or desc, not '{pieces[1]}'")
        out.append((SORT_FIELDS[pieces[0]], direction == "desc"))
    return out or [("relevance", True), ("modified", True)]


async def _packages(ctx: Context, found: list[Dataset]) -> list[dict[str, Any]]:
    orgs = await datasets.organizations_by_id(ctx.session, {d.organization_id for d in found})
    return [package_dict(d, orgs[d.organization_id], ctx.base_url) for d in found]


async def package_search(ctx: Context, params: dict[str, Any]) -> orjson.Fragment:
    """The answer, serialised (from the search cache while the catalogue is unchanged)."""
    query, facet_fields, sort = _package_query(ctx, params)
    key = ("package_search", query_key(query), tuple(facet_fields), sort)

    async def compute() -> bytes:
        return orjson.dumps(await _package_result(ctx, query, facet_fields, sort))

    return orjson.Fragment(await ctx.search_cache.answer(ctx.db, key, compute))


def _package_query(ctx: Context, params: dict[str, Any]) -> tuple[SearchQuery, list[str], str]:
    """package_search's parameters as a search, its CKAN facet names and its sort as given."""
    unknown = sorted(k for k in params if k not in SEARCH_PARAMS and not k.startswith("ext_"))
    if unknown:
        raise search_query_error(f"unknown parameters: {', '.join(unknown)}")
    rows = _int(params, "rows", 10, 0, MAX_ROWS)
    start = _int(params, "start", 0, 0, MAX_OFFSET)
    facet_limit = _int(params, "facet.limit", 50, -1, 10_000)
    facet_mincount = _int(params, "facet.mincount", 1, 0, MAX_OFFSET)
    q = str(params.get("q") or "").strip()
    fqs = [str(params["fq"])] if params.get("fq") else []
    fqs += _list(params.get("fq_list"))
    text_words = []
    for word in q.split():
        if word in ("*:*", "*"):
            continue
        if ":" in word and not word.startswith(("http:", "https:")):
            fqs.append(word)  # field queries inside q, e.g. q=name:baumkataster
        else:
            text_words.append(word)
    try:
        filters = parse_fq(*fqs)
    except FqError as exc:
        raise search_query_error(str(exc)) from exc
    facet_fields = _list(params.get("facet.field"))
    for name in facet_fields:
        if name not in FACET_NAMES:
            raise search_query_error(f"cannot facet on '{name}'")
    if str(params.get("facet", "true")).lower() == "false":
        facet_fields = []
    modified = filters.ranges.get("metadata_modified", (None, None))
    created = filters.ranges.get("metadata_created", (None, None))
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    query = SearchQuery(
        text=" ".join(text_words) or None,
        filters=filters.filters,
        excludes=filters.excludes,
        ids=[] if filters.nothing else filters.ids,
        names=filters.names,
        modified_from=modified[0],
        modified_to=modified[1],
        created_from=created[0],
        created_to=created[1],
        visibility=_visibility(ctx, params),
        sort=_sort(sort),
        offset=start,
        limit=rows,
        facet_fields=[FACET_NAMES[f] for f in facet_fields],
        facet_limit=facet_limit if facet_limit >= 0 else 10_000,
        facet_mincount=facet_mincount,
    )
    return query, facet_fields, sort


async def _package_result(
    ctx: Context, query: SearchQuery, facet_fields: list[str], sort: str
) -> dict[str, Any]:
    result = await search(ctx.session, query)
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    titles = await _facet_titles(ctx.session, result.facets)
    for ckan_name in facet_fields:
        values = result.facets[FACET_NAMES[ckan_name]]
        shown = [(v.lower() if ckan_name == "groups" else v, n) for v, n in values]
        facets[ckan_name] = dict(shown)
        search_facets[ckan_name] = {
            "title": ckan_name,
            "items": [
                {"name": shown_v, "display_name": titles.get((FACET_NAMES[ckan_name], v), v),
                 "count": n}
                for (shown_v, n), (v, _n) in zip(shown, values, strict=True)
            ],
        }  # fmt: skip
    return {
        "count": result.count,
        "results": await _packages(ctx, result.datasets),
        "facets": facets,
        "search_facets": search_facets,
        "sort": sort,
    }


async def _facet_titles(
    session: AsyncSession, facets: dict[str, list[tuple[str, int]]]
) -> dict[tuple[str, str], str]:
    from catalog_service.search.labels import facet_labels

    labels = await facet_labels(session, facets)
    return {(f, v): label for f, values in labels.items() for v, label in values.items()}


async def package_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    id_or_name = str(params.get("id") or params.get("name_or_id") or "")
    if not id_or_name:
        raise validation_error("id", "Missing value")
    try:
        ds = await datasets.find(ctx.session, ctx.principal, id_or_name)
    except NotFound:
        raise CkanError("Not Found Error", "Not found", 404) from None
    return (await _packages(ctx, [ds]))[0]


async def package_list(ctx: Context, params: dict[str, Any]) -> list[str]:
    limit = _int(params, "limit", 100_000, 0, 100_000)
    offset = _int(params, "offset", 0, 0, MAX_OFFSET)
    rows = await ctx.session.scalars(
        select(Dataset.name).where(Dataset.status == PUBLISHED).order_by(Dataset.name)
        .offset(offset).limit(limit)
    )  # fmt: skip
    return list(rows)


async def current_package_list_with_resources(
    ctx: Context, params: dict[str, Any]
) -> list[dict[str, Any]]:
    limit = _int(params, "limit", 10, 0, MAX_ROWS)
    offset = _int(params, "offset", 0, 0, MAX_OFFSET)
    query = SearchQuery(
        visibility=_visibility(ctx, params), sort=[("modified", True)], offset=offset, limit=limit
    )
    return await _packages(ctx, (await search(ctx.session, query)).datasets)


async def _org_counts(session: AsyncSession) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(Dataset.organization_id, func.count())
        .where(Dataset.status == PUBLISHED)
        .group_by(Dataset.organization_id)
    )
    return dict(rows.tuples().all())


async def organization_list(ctx: Context, params: dict[str, Any]) -> list[Any]:
    limit = _int(params, "limit", 1000, 0, 100_000)
    offset = _int(params, "offset", 0, 0, MAX_OFFSET)
    stmt = select(Organization).order_by(Organization.name).offset(offset).limit(limit)
    wanted = _list(params.get("organizations"))
    if wanted:
        stmt = stmt.where(Organization.name.in_(wanted))
    orgs = list(await ctx.session.scalars(stmt))
    if not _bool(params, "all_fields"):
        return [o.name for o in orgs]
    counts = await _org_counts(ctx.session)
    return [organization_dict(o, counts.get(o.id, 0)) for o in orgs]


async def organization_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    id_or_name = str(params.get("id") or "")
    if not id_or_name:
        raise validation_error("id", "Missing value")
    from catalog_service.organizations.service import find

    try:
        org = await find(ctx.session, id_or_name)
    except NotFound:
        raise CkanError("Not Found Error", "Organization not found", 404) from None
    out = organization_dict(org, (await _org_counts(ctx.session)).get(org.id, 0))
    if _bool(params, "include_datasets"):
        query = SearchQuery(
            filters={"organization": [org.name]}, sort=[("modified", True)], limit=10
        )
        out["packages"] = await _packages(ctx, (await search(ctx.session, query)).datasets)
    return out


async def _theme_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(DatasetFacet.value, func.count())
        .join(Dataset, Dataset.id == DatasetFacet.dataset_id)
        .where(DatasetFacet.facet == "theme", Dataset.status == PUBLISHED)
        .group_by(DatasetFacet.value)
    )
    return dict(rows.tuples().all())


async def group_list(ctx: Context, params: dict[str, Any]) -> list[Any]:
    codes = sorted(vocabulary().themes)
    if not _bool(params, "all_fields"):
        return [c.lower() for c in codes]
    counts = await _theme_counts(ctx.session)
    return [group_dict(c, counts.get(c, 0)) for c in codes]


async def group_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    theme = vocabulary().theme(str(params.get("id") or ""))
    if theme is None:
        raise CkanError("Not Found Error", "Group not found", 404)
    return group_dict(theme.code, (await _theme_counts(ctx.session)).get(theme.code, 0))


async def tag_list(ctx: Context, params: dict[str, Any]) -> list[str]:
    stmt = (
        select(DatasetFacet.value)
        .distinct()
        .join(Dataset, Dataset.id == DatasetFacet.dataset_id)
        .where(DatasetFacet.facet == "keyword", Dataset.status == PUBLISHED)
        .order_by(DatasetFacet.value)
    )
    if params.get("query"):
        stmt = stmt.where(func.lower(DatasetFacet.value).contains(str(params["query"]).lower()))
    return list(await ctx.session.scalars(stmt))


async def license_list(ctx: Context, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [license_dict(i) for i in vocabulary().licenses]


async def status_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "site_title": ctx.site_title,
        "site_description": "DCAT-AP.de open-data catalogue of the SmartGov Platform",
        "site_url": ctx.base_url,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "de",
        "extensions": ["dcat", "dcatde", "smartgov"],
    }


async def datastore_search(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """CKAN DataStore's row query over an uploaded table (CSV, JSON, XLSX)."""
    try:
        resource_id = uuid.UUID(str(params.get("resource_id") or params.get("id") or ""))
    except ValueError:
        raise validation_error("resource_id", "Missing value or not a resource id") from None
    filters = params.get("filters") or {}
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            raise validation_error("filters", "not a JSON object") from None
    if not isinstance(filters, dict):
        raise validation_error("filters", "not a JSON object")
    fields = params.get("fields")
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    try:
        d = await files.stored_file(ctx.db, ctx.principal, resource_id)
        columns = [f["name"] for f in (d.file_schema or {}).get("fields", [])]
        query = RowsQuery(
            filters=filters, q=str(params["q"]) if params.get("q") else None,
            fields=[str(f) for f in fields] if isinstance(fields, list) else None,
            sort=parse_sort(str(params.get("sort") or ""), columns),
            limit=_int(params, "limit", 100, 0, 32_000),
            offset=_int(params, "offset", 0, 0, MAX_OFFSET),
        )  # fmt: skip
        result = await files.query_rows(ctx.db, ctx.storage, ctx.principal, resource_id, query)
    except RowsQueryError as exc:
        raise validation_error("query", str(exc)) from None
    except ProblemError as exc:
        if exc.status == 404:
            raise CkanError("Not Found Error", "Resource not found", 404) from None
        raise CkanError("Validation Error", {"resource_id": [exc.detail or ""]}, 409) from None
    out = {"resource_id": str(resource_id), "fields": [
        {"id": f["name"], "type": f["type"]} for f in result["fields"]],
        "records": result["records"], "limit": query.limit, "offset": query.offset}  # fmt: skip
    if str(params.get("include_total", "true")).lower() != "false":
        out["total"] = result["total"]
    return out


ACTIONS: dict[str, Action] = {
    "datastore_search": datastore_search,
    "package_search": package_search,
    "package_show": package_show,
    "package_list": package_list,
    "current_package_list_with_resources": current_package_list_with_resources,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "tag_list": tag_list,
    "license_list": license_list,
    "status_show": status_show,
}
