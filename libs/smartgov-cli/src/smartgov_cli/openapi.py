"""`smartgov openapi [--check]`: the committed API contract in `openapi/`.

Each service's document comes from its app in-process (no servers, no databases touched);
the merged one from the gateway's own merge function, exactly as the gateway serves it.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gateway.openapi.merge import merge
from gateway.openapi.service import MergedSpec

SERVICES = ("usecase", "catalog", "participation")
MODULES = {
    "usecase": "usecase_service",
    "catalog": "catalog_service",
    "participation": "participation_service",
    "gateway": "gateway",
}
# Settings every component needs to build its app; nothing connects at build time.
_PLACEHOLDER_URL = "http://127.0.0.1:9"


def _app(module: str) -> Any:
    main = importlib.import_module(f"{module}.main")
    settings = importlib.import_module(f"{module}.settings").Settings()
    return main.create_app(settings)


def _environment(scratch: Path) -> dict[str, str | None]:
    """The variables that shape the documents: fixed, so the export is the same everywhere."""
    env: dict[str, str | None] = {
        f"{prefix}_DATABASE_URL": f"sqlite+aiosqlite:///{scratch / prefix.lower()}.db"
        for prefix in ("USECASE", "CATALOG", "PARTICIPATION", "GATEWAY")
    }
    env.update(
        {
            "GATEWAY_USECASE_URL": _PLACEHOLDER_URL,
            "GATEWAY_CATALOG_URL": _PLACEHOLDER_URL,
            "GATEWAY_PARTICIPATION_URL": _PLACEHOLDER_URL,
            "GATEWAY_OIDC_ISSUER": None,
            "GATEWAY_ROUTES_FILE": None,
            "SMARTGOV_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _set(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def documents() -> dict[str, dict[str, Any]]:
    """Every committed document by file stem: the services', the gateway's, the merged."""
    with tempfile.TemporaryDirectory() as scratch:
        wanted = _environment(Path(scratch))
        saved = {k: os.environ.get(k) for k in wanted}
        _set(wanted)
        try:
            specs = {name: _app(MODULES[name]).openapi() for name in SERVICES}
            gateway_app = _app("gateway")
        finally:
            _set(saved)
    spec: MergedSpec = gateway_app.state.spec
    merged = merge(
        spec.own(),
        dict(specs),
        spec.table,
        title=spec.title,
        version=spec.version,
        description=spec.description,
        unavailable={},
        oidc_discovery=spec.oidc_discovery,
    )
    return {**specs, "gateway": gateway_app.openapi(), "merged": merged}


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def stale(directory: Path) -> dict[str, str]:
    """File name → unified diff (committed → code) for every document that differs."""
    out: dict[str, str] = {}
    for stem, document in documents().items():
        path = directory / f"{stem}.json"
        fresh = render(document)
        old = path.read_text() if path.exists() else ""
        if old != fresh:
            diff = difflib.unified_diff(
                old.splitlines(keepends=True),
                fresh.splitlines(keepends=True),
                f"{path} (committed)",
                f"{path} (code)",
                n=2,
            )
            out[path.name] = "".join(diff)
    return out


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, document in documents().items():
        path = directory / f"{stem}.json"
        path.write_text(render(document))
        written.append(path)
    return written
