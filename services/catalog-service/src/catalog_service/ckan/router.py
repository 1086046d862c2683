"""The CKAN Action API at `/api/3/action/{name}` and `/api/action/{name}`, with CKAN's
envelope: `{help, success, result}` or `{help, success: false, error: {__type, message}}`."""

from __future__ import annotations

import json
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from catalog_service.ckan.actions import ACTIONS, CkanError, Context
from catalog_service.search.cache import get_search_cache
from servicekit.identity import get_principal
from servicekit.openapi import OPTIONALLY_AUTHENTICATED
from servicekit.problems import ProblemError
from servicekit.runtime import runtime_of

router = APIRouter(tags=["catalog: CKAN API"])

ENVELOPE_EXAMPLE = {
    "help": "https://data.example/api/3/action/help_show?name=package_search",
    "success": True,
    "result": {"count": 0, "results": [], "facets": {}, "search_facets": {}},
}


def _envelope(request: Request, name: str, status: int, **body: Any) -> Response:
    base = request.app.state.settings.public_base_url
    # orjson: answers of a thousand packages serialise several times faster, and a cached
    # package_search answer (an orjson.Fragment) is embedded as it is.
    content = orjson.dumps({"help": f"{base}/api/3/action/help_show?name={name}", **body})
    return Response(content, status_code=status, media_type="application/json")


def _error(request: Request, name: str, exc: CkanError) -> Response:
    error: dict[str, Any] = {"__type": exc.type}
    if isinstance(exc.message, dict):
        error.update(exc.message)
        error["message"] = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message.items())
    else:
        error["message"] = exc.message
    return _envelope(request, name, exc.status, success=False, error=error)


async def _params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = {}
        for key in request.query_params:
            values = request.query_params.getlist(key)
            params[key] = values[0] if len(values) == 1 else values
        return params
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        raise CkanError("Bad Request", "Bad request - JSON Error: invalid JSON body", 400) from None
    if not isinstance(body, dict):
        raise CkanError("Bad Request", "Bad request - Request data JSON decoded to a non-dict", 400)
    return body


async def _call(request: Request, name: str) -> Response:
    action = ACTIONS.get(name)
    if action is None:
        return _error(
            request,
            name,
            CkanError("Bad Request", f"Bad request - Action name not known: {name}", 400),
        )
    try:
        principal = await get_principal(request)
    except ProblemError as exc:
        return _error(request, name, CkanError("Authorization Error", exc.detail or "", 403))
    try:
        params = await _params(request)
        settings = request.app.state.settings
        db = runtime_of(request).db
        async with db.sessions() as session:
            ctx = Context(
                session, principal, settings.public_base_url, settings.site_title,
                db, request.app.state.storage, get_search_cache(request),
            )  # fmt: skip
            result = await action(ctx, params)
    except CkanError as exc:
        return _error(request, name, exc)
    return _envelope(request, name, 200, success=True, result=result)


DESCRIPTION = (
    "CKAN-compatible read actions: package_search (q, fq, rows ≤ 1000, start, sort, "
    "facet.field, facet.limit, include_private), package_show, package_list, "
    "current_package_list_with_resources, organization_list, organization_show, group_list, "
    "group_show, tag_list, license_list, status_show, and datastore_search over uploaded "
    "tables. Parameters as query string (GET) or JSON "
    "body (POST). Errors use CKAN's envelope and status codes, not problem+json."
)
CKAN_ERROR: dict[str, Any] = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": "CKAN's error envelope: success false, error.__type and message.",
                "properties": {
                    "help": {"type": "string"},
                    "success": {"const": False},
                    "error": {
                        "type": "object",
                        "properties": {"__type": {"type": "string"}, "message": {"type": "string"}},
                        "additionalProperties": True,
                    },
                },
                "required": ["success", "error"],
            }
        }
    }
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"example": ENVELOPE_EXAMPLE}}},
    400: {"description": "Bad Request or Search Query Error (CKAN envelope)", **CKAN_ERROR},
    403: {"description": "Authorization Error (CKAN envelope)", **CKAN_ERROR},
    404: {"description": "Not Found Error (CKAN envelope)", **CKAN_ERROR},
    409: {"description": "Validation Error (CKAN envelope)", **CKAN_ERROR},
}


for prefix, suffix in (("/api/3/action", ""), ("/api/action", "Unversioned")):
    for method in ("GET", "POST"):

        async def endpoint(request: Request, name: str) -> Response:
            return await _call(request, name)

        router.add_api_route(
            f"{prefix}/{{name}}",
            endpoint,
            methods=[method],
            operation_id=f"ckanAction{method.title()}{suffix}",
            summary=f"CKAN action ({method}{', unversioned path' if suffix else ''})",
            description=DESCRIPTION,
            responses=RESPONSES,
            response_class=JSONResponse,
            # Read actions only: anonymous callers may POST them, as CKAN clients do.
            openapi_extra={"security": OPTIONALLY_AUTHENTICATED},
        )
