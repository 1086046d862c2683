"""Reading harvest sources: a CKAN Action API (paged package_search) or a DCAT RDF catalogue
(Hydra paging). Both yield (origin id, origin name, modified, fields, distributions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from catalog_service.ckan.mapping import fields_from_package
from catalog_service.dcat.rdf import DCATDE, HYDRA, IANA, VCARD

SCHEMA = Namespace("http://schema.org/")
PAGE_ROWS = 500  # CKAN allows up to 1000; fewer, larger pages harvest faster
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"
MAX_PAGES = 10_000


class SourceError(Exception):
    """The source as a whole failed (unreachable, timeout, garbage)."""


@dataclass
class Record:
    origin_id: str
    origin_name: str | None
    modified: datetime | None
    fields: dict[str, Any] | None
    distributions: list[dict[str, Any]]
    error: str | None = None


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def _get_json(client: httpx.AsyncClient, url: str, params: dict[str, Any]) -> Any:
    try:
        answer = await client.get(url, params=params)
    except httpx.TimeoutException as exc:
        raise SourceError(f"the source did not answer in time ({url})") from exc
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot reach the source: {exc}") from exc
    try:
        body = answer.json()
    except ValueError as exc:
        raise SourceError(f"the source answered {answer.status_code} without JSON ({url})") from exc
    if not isinstance(body, dict) or body.get("success") is not True:
        raise SourceError(
            f"the source answered {answer.status_code} with a CKAN error: {str(body)[:200]}"
        )
    return body["result"]


async def ckan_records(
    client: httpx.AsyncClient, base: str, since: datetime | None
) -> AsyncIterator[Record]:
    url = base.rstrip("/") + "/api/3/action/package_search"
    params: dict[str, Any] = {"rows": PAGE_ROWS, "sort": "metadata_modified asc, id asc"}
    if since is not None:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        params["fq"] = f"metadata_modified:[{stamp} TO *]"
    for page in range(MAX_PAGES):
        result = await _get_json(client, url, {**params, "start": page * PAGE_ROWS})
        packages = result.get("results") if isinstance(result, dict) else None
        if not isinstance(packages, list):
            raise SourceError("package_search gave no results list")
        if not packages:
            return
        for i, pkg in enumerate(packages):
            if not isinstance(pkg, dict) or not pkg.get("id"):
                yield Record(f"page {page + 1} item {i + 1}", None, None, None, [], "not a package")
                continue
            try:
                fields, dists = fields_from_package(pkg)
            except Exception as exc:  # one broken record never stops the run
                yield Record(str(pkg["id"]), pkg.get("name"), None, None, [], f"unreadable: {exc}")
                continue
            yield Record(
                str(pkg["id"]), pkg.get("name"), _parse_time(pkg.get("metadata_modified")),
                fields, dists,
            )  # fmt: skip


async def ckan_names(client: httpx.AsyncClient, base: str) -> set[str]:
    result = await _get_json(client, base.rstrip("/") + "/api/3/action/package_list", {})
    if not isinstance(result, list):
        raise SourceError("package_list gave no list")
    return {str(n) for n in result}


def _text(g: Graph, node: Any, prop: URIRef) -> str | None:
    values = list(g.objects(node, prop))
    for value in values:
        if isinstance(value, Literal) and value.language in ("de", None):
            return str(value)
    return str(values[0]) if values else None


def _iris(g: Graph, node: Any, prop: URIRef) -> list[str]:
    return [str(v) for v in g.objects(node, prop) if isinstance(v, URIRef)]


def _first(g: Graph, node: Any, prop: URIRef) -> str | None:
    return next(iter(_iris(g, node, prop)), None)


def fields_from_rdf(g: Graph, node: URIRef) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    contact: dict[str, Any] | None = None
    for point in g.objects(node, DCAT.contactPoint):
        email = next(iter(_iris(g, point, VCARD.hasEmail)), None) or _text(g, point, VCARD.hasEmail)
        contact = {
            "name": _text(g, point, VCARD.fn),
            "email": email.removeprefix("mailto:") if email else None,
            "url": next(iter(_iris(g, point, VCARD.hasURL)), None),
        }
    temporal: dict[str, Any] | None = None
    for period in g.objects(node, DCTERMS.temporal):
        start = g.value(period, DCAT.startDate) or g.value(period, SCHEMA.startDate)
        end = g.value(period, DCAT.endDate) or g.value(period, SCHEMA.endDate)
        temporal = {
            "start": str(start)[:10] if start else None,
            "end": str(end)[:10] if end else None,
        }
    dists = []
    licenses = []
    for dist in g.objects(node, DCAT.distribution):
        license_ = next(iter(_iris(g, dist, DCTERMS.license)), None)
        licenses.append(license_)
        media = next(iter(_iris(g, dist, DCAT.mediaType)), None) or _text(g, dist, DCAT.mediaType)
        size = str(g.value(dist, DCAT.byteSize) or "")
        dists.append({
            "title": _text(g, dist, DCTERMS.title) or "Ressource",
            "description": _text(g, dist, DCTERMS.description) or "",
            "access_url": next(iter(_iris(g, dist, DCAT.accessURL)), None),
            "download_url": next(iter(_iris(g, dist, DCAT.downloadURL)), None),
            "format": next(iter(_iris(g, dist, DCTERMS.format)), None),
            "media_type": media.removeprefix(IANA) if media else None,
            "byte_size": int(float(size)) if size.replace(".", "", 1).isdigit() else None,
            "license": license_,
            "origin_id": str(dist),
        })  # fmt: skip
    fields = {
        "title": _text(g, node, DCTERMS.title),
        "description": _text(g, node, DCTERMS.description) or _text(g, node, DCTERMS.title),
        "keywords": [str(k) for k in g.objects(node, DCAT.keyword)],
        "themes": _iris(g, node, DCAT.theme),
        "license": next((x for x in licenses if x), None),
        "contact": contact,
        "temporal": temporal,
        "spatial": next(iter(_iris(g, node, DCTERMS.spatial)), None),
        "political_geocoding_level": _first(g, node, DCATDE.politicalGeocodingLevelURI),
        "political_geocoding_uri": next(iter(_iris(g, node, DCATDE.politicalGeocodingURI)), None),
        "accrual_periodicity": next(iter(_iris(g, node, DCTERMS.accrualPeriodicity)), None),
        "access_rights": next(iter(_iris(g, node, DCTERMS.accessRights)), None),
        "landing_page": next(iter(_iris(g, node, DCAT.landingPage)), None),
        "issued": _text(g, node, DCTERMS.issued),
        "modified": _text(g, node, DCTERMS.modified),
    }  # fmt: skip
    return fields, dists


async def dcat_records(
    client: httpx.AsyncClient, url: str, since: datetime | None
) -> AsyncIterator[Record]:
    seen_pages: set[str] = set()
    next_url: str | None = url
    while next_url and next_url not in seen_pages and len(seen_pages) < MAX_PAGES:
        seen_pages.add(next_url)
        try:
            answer = await client.get(
                next_url, headers={"Accept": "text/turtle, application/rdf+xml;q=0.9"}
            )
        except httpx.TimeoutException as exc:
            raise SourceError(f"the source did not answer in time ({next_url})") from exc
        except httpx.HTTPError as exc:
            raise SourceError(f"cannot reach the source: {exc}") from exc
        if answer.status_code != 200:
            raise SourceError(f"the source answered {answer.status_code} ({next_url})")
        media = answer.headers.get("content-type", "").split(";")[0]
        fmt = {"application/rdf+xml": "xml", "application/ld+json": "json-ld"}.get(media, "turtle")
        g = Graph()
        try:
            g.parse(data=answer.text, format=fmt)
        except Exception as exc:  # rdflib raises many kinds of parse errors
            raise SourceError(
                f"the source did not deliver readable RDF ({fmt}): {str(exc)[:200]}"
            ) from exc
        for node in sorted(g.subjects(RDF.type, DCAT.Dataset), key=str):
            if not isinstance(node, URIRef):
                continue
            try:
                fields, dists = fields_from_rdf(g, node)
            except Exception as exc:  # one broken record never stops the run
                yield Record(str(node), None, None, None, [], f"unreadable: {exc}")
                continue
            modified = _parse_time(fields.get("modified"))
            if since is not None and modified is not None and modified < since:
                continue
            yield Record(str(node), None, modified, fields, dists)
        next_page = next(iter(g.objects(None, HYDRA.nextPage)), None)
        next_url = str(next_page) if next_page else None
