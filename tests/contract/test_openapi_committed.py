"""openapi/ holds exactly what the code produces, so every contract change shows in review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartgov_cli import openapi

ROOT = Path(__file__).resolve().parents[2]


def test_committed_specs_match_the_code(documents: dict[str, dict[str, Any]]) -> None:
    directory = ROOT / "openapi"
    stale = [
        stem
        for stem, document in documents.items()
        if not (directory / f"{stem}.json").exists()
        or (directory / f"{stem}.json").read_text() != openapi.render(document)
    ]
    assert not stale, (
        f"openapi/{{{','.join(stale)}}}.json differ from the code's OpenAPI: "
        "run `make openapi` and commit openapi/ (review the diff: it is the API change)."
    )


def test_export_is_deterministic(documents: dict[str, dict[str, Any]]) -> None:
    again = openapi.documents()
    assert {k: openapi.render(v) for k, v in again.items()} == {
        k: openapi.render(v) for k, v in documents.items()
    }


def test_check_reports_a_changed_file(tmp_path: Path) -> None:
    for stem, document in openapi.documents().items():
        (tmp_path / f"{stem}.json").write_text(openapi.render(document))
    assert openapi.stale(tmp_path) == {}
    changed = json.loads((tmp_path / "catalog.json").read_text())
    changed["info"]["version"] = "9.9.9"
    (tmp_path / "catalog.json").write_text(openapi.render(changed))
    stale = openapi.stale(tmp_path)
    assert list(stale) == ["catalog.json"]
    assert "9.9.9" in stale["catalog.json"]
