"""A local fake CKAN site serving realistic package dicts over HTTP (for harvest tests and the
harvest benchmark): package_search with rows/start/sort/fq=metadata_modified:[X TO *] and
package_list, plus misbehaviour on demand (garbage, slowness)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from servicekit.testing.nats import free_port

THEMES = ["tran", "envi", "gove", "soci", "educ", "econ", "heal", "regi", "ener", "agri"]
WORDS = ["Verkehr", "Umwelt", "Haushalt", "Schulen", "Wahlen", "Lärm", "Radwege", "Bäume",
         "Parkplätze", "Wasser", "Energie", "Bevölkerung"]  # fmt: skip
BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)


def make_package(i: int, modified: datetime | None = None) -> dict[str, Any]:
    word = WORDS[i % len(WORDS)]
    stamp = (modified or BASE_TIME + timedelta(minutes=i)).astimezone(UTC).replace(tzinfo=None)
    pid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kreis-{i}"))
    return {
        "id": pid,
        "name": f"kreis-datensatz-{i}",
        "title": f"{word} im Kreis – Datensatz {i}",
        "notes": f"Daten zu {word} im Landkreis Beispiel, Stand {stamp.date()}.",
        "license_id": "dl-by-de/2.0" if i % 3 else "http://dcat-ap.de/def/licenses/cc-by/4.0",
        "url": f"https://opendata.kreis.example/dataset/kreis-datensatz-{i}",
        "maintainer": "Kreisverwaltung",
        "maintainer_email": "opendata@kreis.example",
        "metadata_created": "2024-01-01T00:00:00.000000",
        "metadata_modified": stamp.isoformat(timespec="microseconds"),
        "organization": {"name": "landkreis-beispiel", "title": "Landkreis Beispiel"},
        "tags": [{"name": word}, {"name": "Kreis"}],
        "groups": [{"name": THEMES[i % len(THEMES)]}],
        "extras": [
            {"key": "politicalGeocodingLevelURI",
             "value": "http://dcat-ap.de/def/politicalGeocoding/Level/administrativeDistrict"},
            {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"},
            {"key": "temporal_start", "value": "2020-01-01"},
        ],
        "resources": [
            {"id": f"{pid}-csv", "name": f"{word} (CSV)", "url": f"https://opendata.kreis.example/{i}.csv",
             "format": "CSV", "size": 1000 + i},
            {"id": f"{pid}-json", "name": f"{word} (JSON)", "url": f"https://opendata.kreis.example/{i}.json",
             "format": "JSON"},
        ],
    }  # fmt: skip


class FakeCkan:
    def __init__(self, packages: list[dict[str, Any]]) -> None:
        self.packages = packages
        self.mode = "ok"  # "garbage", "slow", "error"
        self.requests: list[dict[str, str]] = []
        self.app = FastAPI()
        self.app.add_api_route("/api/3/action/package_search", self.package_search)
        self.app.add_api_route("/api/3/action/package_list", self.package_list)
        self.app.add_api_route("/catalog.ttl", self.catalog)
        self.turtle = ""
        self.url = ""

    async def _misbehave(self) -> Response | None:
        if self.mode == "garbage":
            return PlainTextResponse("<html>Wartungsarbeiten</html>", status_code=200)
        if self.mode == "error":
            return JSONResponse(
                {"success": False, "error": {"__type": "Internal"}}, status_code=500
            )
        if self.mode == "slow":
            await asyncio.sleep(5)
        return None

    async def package_search(self, request: Request) -> Response:
        self.requests.append(dict(request.query_params))
        bad = await self._misbehave()
        if bad is not None:
            return bad
        params = request.query_params
        rows, start = int(params.get("rows", 10)), int(params.get("start", 0))
        found = self.packages
        fq = params.get("fq", "")
        if fq.startswith("metadata_modified:["):
            since = fq.split("[", 1)[1].split(" TO ")[0].rstrip("Z")
            found = [p for p in found if not isinstance(p, dict) or p["metadata_modified"] >= since]
        found = sorted(found, key=lambda p: p["metadata_modified"] if isinstance(p, dict) else "")
        return JSONResponse(
            {"help": "", "success": True,
             "result": {"count": len(found), "results": found[start : start + rows]}}
        )  # fmt: skip

    async def package_list(self) -> Response:
        bad = await self._misbehave()
        if bad is not None:
            return bad
        names = [p["name"] for p in self.packages if isinstance(p, dict)]
        return JSONResponse({"help": "", "success": True, "result": names})

    async def catalog(self) -> Response:
        bad = await self._misbehave()
        if bad is not None:
            return bad
        return Response(self.turtle, media_type="text/turtle")


@asynccontextmanager
async def serve(fake: FakeCkan) -> AsyncIterator[FakeCkan]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(fake.app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        await task
