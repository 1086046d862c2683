"""Merging OpenAPI documents: pure functions, no I/O."""

from __future__ import annotations

import copy
import json
from typing import Any

from gateway.routing import RouteTable
from servicekit.openapi import SECURITY_SCHEMES

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

SECURITY: list[dict[str, list[str]]] = [
    {},
    {"bearerAuth": []},
    {"apiKeyHeader": []},
    {"apiKeyAuthorization": []},
]


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                if value.startswith("#/components/schemas/") and name in renames:
                    value = f"#/components/schemas/{renames[name]}"
            out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


def _camel(name: str) -> str:
    parts = [p for p in name.replace("-", "_").split("_") if p]
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else name


def merge(
    gateway: dict[str, Any],
    services: dict[str, dict[str, Any] | None],
    table: RouteTable,
    *,
    title: str,
    version: str,
    description: str,
    unavailable: dict[str, str],
    oidc_discovery: str | None = None,
) -> dict[str, Any]:
    """One OpenAPI 3.1 document. Paths are taken from each source only where the route table
    sends them there; clashing schema names get the service's name as a prefix; clashing
    operationIds get the service's name in front."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": copy.deepcopy(SECURITY_SCHEMES)},
        "security": SECURITY,
        "tags": [],
        "x-tagGroups": [],
    }
    if oidc_discovery:
        merged["components"]["securitySchemes"]["oidc"] = {
            "type": "openIdConnect",
            "openIdConnectUrl": oidc_discovery,
        }
        merged["security"] = [*SECURITY, {"oidc": []}]
    schemas: dict[str, Any] = merged["components"]["schemas"]
    operation_ids: set[str] = set()
    tag_names: set[str] = set()
    sources: list[tuple[str, dict[str, Any] | None]] = [("gateway", gateway), *services.items()]
    for source, document in sources:
        if document is None:
            continue
        document = copy.deepcopy(document)
        renames: dict[str, str] = {}
        for name, schema in (document.get("components", {}).get("schemas") or {}).items():
            if name in schemas and json.dumps(schemas[name], sort_keys=True) != json.dumps(
                schema, sort_keys=True
            ):
                renames[name] = f"{source}_{name}"
        document = _rewrite_refs(document, renames)
        for name, schema in (document.get("components", {}).get("schemas") or {}).items():
            schemas.setdefault(renames.get(name, name), schema)
        for kind, entries in (document.get("components") or {}).items():
            if kind in ("schemas", "securitySchemes"):
                continue
            merged["components"].setdefault(kind, {}).update(entries)
        group: list[str] = []
        for path, item in (document.get("paths") or {}).items():
            route = table.match(path)
            owner = route.upstream if route is not None else None
            if owner != source:
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict):
                    continue
                op_id = operation.get("operationId") or _camel(f"{method}_{path}")
                if op_id in operation_ids:
                    op_id = _camel(f"{source}_{op_id}")
                operation["operationId"] = op_id
                operation_ids.add(op_id)
                operation.setdefault("tags", [source])
                for tag in operation["tags"]:
                    if tag not in tag_names:
                        tag_names.add(tag)
                        merged["tags"].append({"name": tag})
                    if tag not in group:
                        group.append(tag)
            merged["paths"][path] = item
        for tag in document.get("tags") or []:
            for existing in merged["tags"]:
                if existing["name"] == tag.get("name") and "description" in tag:
                    existing["description"] = tag["description"]
        merged["x-tagGroups"].append({"name": source, "tags": group})
    for source in unavailable:
        merged["x-tagGroups"].append({"name": f"{source} (unavailable)", "tags": []})
    if unavailable:
        lines = "\n".join(f"- **{s}**: {r}" for s, r in sorted(unavailable.items()))
        merged["info"]["description"] += (
            "\n\n**Some services are unavailable**; their part of this document is missing "
            f"or from an earlier fetch:\n{lines}"
        )
        merged["info"]["x-unavailable"] = sorted(unavailable)
    return merged
