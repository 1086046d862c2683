"""`make api-diff BASE=<ref>` catches breaking changes between the committed specs at a ref
and the working tree (scripts/api_diff.mjs with api-smart-diff), run on a scratch git repo."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "typescript"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (CLIENT / "node_modules" / "api-smart-diff").exists(),
    reason="node or clients/typescript/node_modules missing (npm ci)",
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose committed openapi/catalog.json is the real one."""
    (tmp_path / "openapi").mkdir()
    shutil.copy(ROOT / "openapi" / "catalog.json", tmp_path / "openapi" / "catalog.json")
    (tmp_path / "clients" / "typescript").mkdir(parents=True)
    (tmp_path / "clients" / "typescript" / "package.json").write_text("{}")
    (tmp_path / "clients" / "typescript" / "node_modules").symlink_to(CLIENT / "node_modules")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "openapi")
    git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def diff(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(ROOT / "scripts" / "api_diff.mjs"), "HEAD"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )


def edit(repo: Path, change: Any) -> None:
    path = repo / "openapi" / "catalog.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_unchanged_specs_pass(repo: Path) -> None:
    done = diff(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no breaking changes" in done.stdout


def test_removed_operation_is_breaking(repo: Path) -> None:
    edit(repo, lambda d: d["paths"]["/api/v1/datasets/{id_or_name}"].pop("get"))
    done = diff(repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BREAKING" in done.stdout


def test_new_required_parameter_is_breaking(repo: Path) -> None:
    def require(document: dict[str, Any]) -> None:
        document["paths"]["/api/v1/datasets"]["get"]["parameters"].append(
            {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}
        )

    edit(repo, require)
    done = diff(repo)
    assert done.returncode == 1, done.stdout + done.stderr


def test_added_optional_field_is_not_breaking(repo: Path) -> None:
    def widen(document: dict[str, Any]) -> None:
        props = document["components"]["schemas"]["DatasetOut"]["properties"]
        props["extra_note"] = {"type": "string", "description": "New, optional."}

    edit(repo, widen)
    done = diff(repo)
    assert done.returncode == 0, done.stdout + done.stderr
