"""Fixtures for the deployment checks: the rendered Kustomize overlays and the settings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
OVERLAYS = ("dev", "production")


def tool(name: str) -> str:
    """A binary from this interpreter's environment (the dev wheels), else from PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: run `uv sync` (dev group)")
    return found


@pytest.fixture(scope="session")
def k8s_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """deploy/k8s copied aside with each overlay's secret files made by init-secrets.sh,
    as an operator does before the first apply."""
    target = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(
        DEPLOY / "k8s", target, ignore=shutil.ignore_patterns("*.env", "*.pem", "__pycache__")
    )
    for overlay in OVERLAYS:
        subprocess.run(
            ["bash", str(target / "init-secrets.sh"), f"overlays/{overlay}"],
            check=True,
            capture_output=True,
        )
    return target


def render(k8s: Path, overlay: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [tool("kubectl"), "kustomize", str(k8s / "overlays" / overlay)],
        check=True,
        capture_output=True,
        text=True,
    )
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="session")
def rendered(k8s_copy: Path) -> dict[str, list[dict[str, Any]]]:
    return {overlay: render(k8s_copy, overlay) for overlay in OVERLAYS}


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def objects(rendered: dict[str, list[dict[str, Any]]], overlay: str) -> list[dict[str, Any]]:
    return rendered[overlay]


def setting_names(settings_class: type[Any]) -> set[str]:
    """The environment variables a settings class reads (its aliases, else SMARTGOV_*)."""
    names = set()
    for name, field in settings_class.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif alias is not None:  # AliasChoices
            names.update(str(choice) for choice in alias.choices)
        else:
            names.add(f"SMARTGOV_{name.upper()}")
    return names


@pytest.fixture(scope="session")
def settings_by_component() -> dict[str, set[str]]:
    """Every environment variable each component reads, from its settings class."""
    from catalog_service.settings import Settings as CatalogSettings
    from gateway.settings import Settings as GatewaySettings
    from participation_service.settings import Settings as ParticipationSettings
    from usecase_service.settings import Settings as UsecaseSettings

    return {
        "gateway": setting_names(GatewaySettings),
        "usecase-service": setting_names(UsecaseSettings),
        "catalog-service": setting_names(CatalogSettings),
        "participation-service": setting_names(ParticipationSettings),
    }
