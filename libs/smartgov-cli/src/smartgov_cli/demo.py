"""Demo data, loaded through the gateway's public API like any other client would.

Each component may ship a `<package>.demo` module with
`async def seed(client: httpx.AsyncClient, auth: servicekit.demo.AuthHeaders) -> None`,
where `auth(role, municipality=None, sub=None)` returns the headers of such a caller. They
run in the order gateway → catalog → usecase → participation, so tenants exist before
records and datasets before the use cases that need them. Seeds must be idempotent (a
second `smartgov up` finds the data there) and tolerate eventual consistency between
services (`servicekit.demo.retry_until`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import httpx

from servicekit.demo import AuthHeaders
from smartgov_cli.devkeys import ensure_keys
from smartgov_cli.devtokens import dev_token

SEED_ORDER = ("gateway", "catalog_service", "usecase_service", "participation_service")


def dev_auth(data_dir: Path) -> AuthHeaders:
    secret = ensure_keys(data_dir)["dev_secret"].read_text().strip()

    def headers(
        role: str, municipality: str | None = None, sub: str | None = None
    ) -> dict[str, str]:
        token = dev_token(secret, role=role, municipality=municipality, sub=sub)
        return {"Authorization": f"Bearer {token}"}

    return headers


async def seed(gateway_url: str, data_dir: Path) -> list[str]:
    """Run every component's demo seed; returns the names of those that ran."""
    auth = dev_auth(data_dir)
    ran = []
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        for package in SEED_ORDER:
            try:
                module = importlib.import_module(f"{package}.demo")
            except ModuleNotFoundError:
                continue
            await module.seed(client, auth)
            ran.append(package)
    return ran
