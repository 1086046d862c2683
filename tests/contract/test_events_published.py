"""Events the services really publish, read back from a private NATS JetStream, validate
against their schemas in docs/asyncapi.yaml (every service; participation.supports.changed is
emitted by a timer and checked statically only, in test_asyncapi.py)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import nats
import pytest
import yaml
from nats.js.errors import NotFoundError

from catalog_service import database as catalog_db
from catalog_service import demo as catalog_demo
from catalog_service.main import create_app as create_catalog
from catalog_service.settings import Settings as CatalogSettings
from gateway.main import create_app as create_gateway
from gateway.settings import Settings as GatewaySettings
from participation_service import database as part_db
from participation_service.main import create_app as create_participation
from participation_service.settings import Settings as ParticipationSettings
from participation_service.usecases.models import UseCaseView
from servicekit.db import Database, utcnow
from servicekit.testing.apps import migrate, service_client
from servicekit.testing.nats import NatsServer
from smartgov_cli.devtokens import dev_token
from usecase_service import database as usecase_db
from usecase_service import demo
from usecase_service.main import create_app as create_usecase
from usecase_service.settings import Settings as UseCaseSettings

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
MUNICIPALITY = "musterstadt"


def message_schemas() -> dict[str, dict[str, Any]]:
    """NATS subject → self-contained JSON Schema of the whole CloudEvent."""
    spec = yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text())
    components = spec["components"]
    out = {}
    for channel in spec["channels"].values():
        for ref in channel["messages"].values():
            message = components["messages"][ref["$ref"].rsplit("/", 1)[-1]]
            text = json.dumps(message["payload"])
            for _ in range(3):
                for name, schema in components["schemas"].items():
                    text = text.replace(
                        json.dumps({"$ref": f"#/components/schemas/{name}"}), json.dumps(schema)
                    )
            out[channel["address"]] = json.loads(text)
    return out


async def seeded(url: str, migrations: str, tenants: Any) -> str:
    await asyncio.to_thread(migrate, migrations, url)
    db = Database(url)
    try:
        async with db.transaction() as session:
            await tenants.seed_for_tests(session, MUNICIPALITY, "Musterstadt")
    finally:
        await db.dispose()
    return url


async def drive_usecase(client: httpx.AsyncClient, editor: dict[str, str]) -> None:
    created = await client.post(
        "/api/v1/use-cases",
        json={**demo.PARKING["create"], "municipality": MUNICIPALITY, "visibility": "public"},
        headers=editor,
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/use-cases/{created.json()['id']}"
    changed = await client.patch(url, json={"progress": 40}, headers=editor)
    assert changed.status_code == 200, changed.text
    need = await client.post(
        f"{url}/data-requirements", json={"title": "Belegung je Stellplatz"}, headers=editor
    )
    assert need.status_code == 201, need.text
    problem = await client.put(f"{url}/problem", json=demo.PARKING["problem"], headers=editor)
    assert problem.status_code == 200, problem.text
    moved = await client.post(
        f"{url}/transitions", json={"to": "problem_defined", "reason": "agreed"}, headers=editor
    )
    assert moved.status_code == 200, moved.text
    archived = await client.delete(url, headers=editor)
    assert archived.status_code in (200, 204), archived.text


async def drive_catalog(client: httpx.AsyncClient, editor: dict[str, str]) -> None:
    org = await client.post("/api/v1/organizations", json=catalog_demo.ORGANIZATION, headers=editor)
    assert org.status_code == 201, org.text
    dataset = {**catalog_demo.DATASETS[0], "distributions": []}
    ds = await client.post("/api/v1/datasets", json=dataset, headers=editor)
    assert ds.status_code == 201, ds.text
    url = f"/api/v1/datasets/{ds.json()['id']}"
    for step in ("publish", "withdraw"):
        r = await client.post(f"{url}/{step}", headers=editor)
        assert r.status_code == 200, r.text
    dist = await client.post(
        f"{url}/distributions",
        json=catalog_demo.DATASETS[0]["distributions"][0],
        headers=editor,
    )
    assert dist.status_code == 201, dist.text


async def stream_events(nats_url: str, streams: list[str], wanted: set[str]) -> list[Any]:
    connection = await nats.connect(nats_url)
    js = connection.jetstream()
    try:
        for _ in range(200):
            events = []
            for stream in streams:
                try:
                    info = await js.stream_info(stream)
                except NotFoundError:
                    continue
                if not info.state.messages:
                    continue
                for seq in range(info.state.first_seq, info.state.last_seq + 1):
                    events.append(json.loads((await js.get_msg(stream, seq)).data))
            if wanted <= {e["type"][len("de.smartgov.") : -len(".v1")] for e in events}:
                return events
            await asyncio.sleep(0.1)
        raise AssertionError(f"not all of {sorted(wanted)} published: {events}")
    finally:
        await connection.close()


async def test_published_events_match_the_asyncapi_schemas(
    private_nats_server: NatsServer,
    tmp_path: Path,
    database_url: str,
    fresh_database_url: str,
    identity,
    internal_keypair,
) -> None:
    editor = identity("admin", MUNICIPALITY)  # admin ⊇ editor; organisations need admin
    schemas = message_schemas()
    usecase_url = await seeded(database_url, "usecase_service:migrations", usecase_db.tenants)
    usecase = UseCaseSettings(
        database_url=usecase_url,
        nats_url=private_nats_server.url,
        internal_token_public_key=internal_keypair[1],
        relay_poll_seconds=0.05,
    )
    async with service_client(create_usecase(usecase)) as client:
        await drive_usecase(client, editor)
        usecase_events = await stream_events(
            private_nats_server.url,
            ["USECASE"],
            {
                "usecase.usecase.created",
                "usecase.usecase.updated",
                "usecase.usecase.published",
                "usecase.usecase.status_changed",
                "usecase.usecase.archived",
                "usecase.data_requirement.added",
                "usecase.data_requirement.removed",
            },
        )
    catalog_url = await seeded(fresh_database_url, "catalog_service:migrations", catalog_db.tenants)
    catalog = CatalogSettings(
        database_url=catalog_url,
        nats_url=private_nats_server.url,
        internal_token_public_key=internal_keypair[1],
        storage_dir=tmp_path / "files",
        relay_poll_seconds=0.05,
    )
    async with service_client(create_catalog(catalog)) as client:
        await drive_catalog(client, editor)
        catalog_events = await stream_events(
            private_nats_server.url,
            ["CATALOG"],
            {
                "catalog.dataset.published",
                "catalog.dataset.withdrawn",
                "catalog.distribution.added",
            },
        )
    for event in usecase_events + catalog_events:
        subject = event["type"][len("de.smartgov.") : -len(".v1")]
        assert subject in schemas, f"{subject} is not in docs/asyncapi.yaml"
        jsonschema.validate(event, schemas[subject])


async def test_gateway_events_match_the_asyncapi_schemas(
    private_nats_server: NatsServer, fresh_database_url: str, internal_keypair
) -> None:
    database_url = fresh_database_url
    secret = "contract-test-dev-secret-at-least-32-bytes"
    await asyncio.to_thread(migrate, "gateway:migrations", database_url)
    settings = GatewaySettings(
        database_url=database_url,
        nats_url=private_nats_server.url,
        internal_token_private_key=internal_keypair[0],
        dev_auth=True,
        dev_auth_secret=secret,
        relay_poll_seconds=0.05,
    )
    admin = {"Authorization": f"Bearer {dev_token(secret, role='platform_admin')}"}
    async with service_client(create_gateway(settings)) as client:
        created = await client.post(
            "/api/v1/municipalities",
            json={
                "slug": "beispielheim",
                "name": "Beispielheim",
                "regional_key": "081110000000",
                "federal_state": "BW",
                "contact": {"name": "Rathaus", "email": "info@beispielheim.example"},
            },
            headers=admin,
        )
        assert created.status_code == 201, created.text
        changed = await client.patch(
            "/api/v1/municipalities/beispielheim", json={"active": False}, headers=admin
        )
        assert changed.status_code == 200, changed.text
        events = await stream_events(
            private_nats_server.url,
            ["PLATFORM"],
            {"platform.municipality.registered", "platform.municipality.updated"},
        )
    schemas = message_schemas()
    for event in events:
        jsonschema.validate(event, schemas[event["type"][len("de.smartgov.") : -len(".v1")]])


async def test_participation_events_match_the_asyncapi_schemas(
    private_nats_server: NatsServer, fresh_database_url: str, identity, internal_keypair
) -> None:
    url = await seeded(fresh_database_url, "participation_service:migrations", part_db.tenants)
    use_case_id = uuid.uuid4()
    db = Database(url)
    try:
        async with db.transaction() as session:  # the read model the usecase events fill
            session.add(
                UseCaseView(
                    id=use_case_id,
                    municipality=MUNICIPALITY,
                    title="Parkraum",
                    status="published",
                    visibility="public",
                    version=1,
                    published=True,
                    archived=False,
                    updated_at=utcnow(),
                )
            )
    finally:
        await db.dispose()
    settings = ParticipationSettings(
        database_url=url,
        nats_url=private_nats_server.url,
        internal_token_public_key=internal_keypair[1],
        pseudonym_secret="contract-test",
        relay_poll_seconds=0.05,
    )
    editor = identity("editor", MUNICIPALITY)
    body = {
        "use_case_id": str(use_case_id),
        "title": "Parken in der Innenstadt",
        "phases": [
            {
                "kind": "problem_collection",
                "title": "Probleme sammeln",
                "starts_at": "2026-01-01T00:00:00Z",
                "ends_at": "2036-01-01T00:00:00Z",
            }
        ],
        "visibility": "public",
    }
    async with service_client(create_participation(settings)) as client:
        created = await client.post("/api/v1/processes", json=body, headers=editor)
        assert created.status_code == 201, created.text
        url = f"/api/v1/processes/{created.json()['id']}"
        for step in ("open", "close"):
            r = await client.post(f"{url}/{step}", headers=editor)
            assert r.status_code == 200, r.text
        published = await client.post(
            f"{url}/results/publish", json={"summary": "Parken am Markt vorn."}, headers=editor
        )
        assert published.status_code == 200, published.text
        events = await stream_events(
            private_nats_server.url,
            ["PARTICIPATION"],
            {
                "participation.process.opened",
                "participation.process.closed",
                "participation.results.published",
            },
        )
    schemas = message_schemas()
    for event in events:
        jsonschema.validate(event, schemas[event["type"][len("de.smartgov.") : -len(".v1")]])
