"""The generated TypeScript types are current and the example client compiles against them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "typescript"

if shutil.which("node") is None or shutil.which("npx") is None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("node is required in CI for the TypeScript contract tests")
    pytest.skip("node is not installed", allow_module_level=True)


def npx(*args: str, cwd: Path = CLIENT) -> subprocess.CompletedProcess[str]:
    if not (CLIENT / "node_modules" / ".bin" / "tsc").exists():
        subprocess.run(["npm", "ci", "--silent"], cwd=CLIENT, check=True, timeout=300)
    return subprocess.run(
        ["npx", "--no-install", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_generated_types_match_the_merged_spec(tmp_path: Path) -> None:
    fresh = tmp_path / "schema.d.ts"
    done = npx("openapi-typescript", str(ROOT / "openapi" / "merged.json"), "-o", str(fresh))
    assert done.returncode == 0, done.stderr
    committed = CLIENT / "src" / "schema.d.ts"
    assert committed.read_text() == fresh.read_text(), (
        "clients/typescript/src/schema.d.ts is stale: run `make openapi`"
    )


def test_example_client_compiles() -> None:
    done = npx("tsc", "--noEmit", "-p", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_types_reject_a_wrong_request(tmp_path: Path) -> None:
    """The types carry the contract: a contribution without its required body is an error."""
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    shutil.copy(CLIENT / "src" / "schema.d.ts", project / "src" / "schema.d.ts")
    shutil.copy(CLIENT / "tsconfig.json", project / "tsconfig.json")
    (project / "src" / "wrong.ts").write_text(
        'import type { components } from "./schema";\n'
        'const c: components["schemas"]["ContributionIn"] = { title: "t", kind: "idea" };\n'
        "export default c;\n"
    )
    tsc = CLIENT / "node_modules" / ".bin" / "tsc"
    npx("tsc", "--version")  # installs node_modules when missing
    done = subprocess.run(
        [str(tsc), "--noEmit", "-p", "."], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert done.returncode != 0
    assert "body" in done.stdout
