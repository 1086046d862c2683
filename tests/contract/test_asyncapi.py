"""docs/asyncapi.yaml documents every event the code can publish, with valid JSON Schemas,
and the envelope servicekit really builds validates against each message's schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from servicekit.events.envelope import make_event

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "gateway" / "src", *(ROOT / "services").glob("*/src")]
SUBJECT = re.compile(r"""["']((?:platform|usecase|catalog|participation)\.[a-z_]+\.[a-z_]+)["']""")
# Subjects built from an action argument: usecase/usecases/events.py.
BUILT = {
    "use_case_event": (
        re.compile(r"use_case_event\(\s*\w+,\s*\w+,\s*\"(\w+)\""),
        "usecase.usecase",
    ),
    "data_requirement_event": (
        re.compile(r"data_requirement_event\(\s*\w+,\s*\w+,\s*\w+,\s*\"(\w+)\""),
        "usecase.data_requirement",
    ),
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text())


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def payload_schema(spec: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """The message payload as one self-contained JSON Schema (refs to components inlined)."""
    text = json.dumps(resolve(spec, message)["payload"])
    for _ in range(3):
        text = re.sub(
            r'\{"\$ref": "#/components/schemas/(\w+)"\}',
            lambda m: json.dumps(spec["components"]["schemas"][m.group(1)]),
            text,
        )
    return json.loads(text)  # type: ignore[no-any-return]


def published_subjects() -> set[str]:
    found: set[str] = set()
    for root in SOURCES:
        for path in root.rglob("*.py"):
            text = path.read_text()
            if "outbox.emit(" not in text and "_event(" not in text:
                continue
            found.update(SUBJECT.findall(text))
            for pattern, prefix in BUILT.values():
                found.update(f"{prefix}.{action}" for action in pattern.findall(text))
    return found


def test_is_asyncapi_3(spec: dict[str, Any]) -> None:
    assert spec["asyncapi"].startswith("3.")
    for name, channel in spec["channels"].items():
        assert channel["address"].count(".") == 2, name
        for operation in spec["operations"].values():
            assert resolve(spec, operation["channel"]) is not None


def test_every_published_event_is_documented(spec: dict[str, Any]) -> None:
    documented = {c["address"] for c in spec["channels"].values()}
    published = published_subjects()
    assert len(published) >= 15, published
    assert published - documented == set(), "document these events in docs/asyncapi.yaml"
    assert documented - published == set(), "documented events nobody publishes"


def test_payload_schemas_are_valid(spec: dict[str, Any]) -> None:
    for channel in spec["channels"].values():
        for message in channel["messages"].values():
            jsonschema.Draft202012Validator.check_schema(payload_schema(spec, message))


def test_real_envelopes_validate_and_wrong_data_does_not(spec: dict[str, Any]) -> None:
    message = spec["channels"]["catalogDatasetPublished"]["messages"]["catalogDatasetPublished"]
    schema = payload_schema(spec, message)
    data = {
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "municipality": "musterstadt",
        "name": "parkhaus-belegung",
        "title": "Parkhausbelegung",
        "modified": "2026-05-04T09:30:00+00:00",
        "landing_page": None,
    }
    event = make_event(
        "catalog-service",
        "catalog.dataset.published",
        data,
        entity_id=data["id"],
        municipality="musterstadt",
    )
    jsonschema.validate(json.loads(event.model_dump_json()), schema)
    broken = json.loads(event.model_dump_json())
    del broken["data"]["title"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
