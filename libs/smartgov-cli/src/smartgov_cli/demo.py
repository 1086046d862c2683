"""Demo data, loaded through the gateway's public API like any other client would.

Each component may ship a `<package>.demo` module with
`async def seed(client: httpx.AsyncClient, token: TokenFactory) -> None`;
they run in the order gateway → catalog → usecase → participation, so tenants exist
before records and datasets before the use cases that need them.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path

import httpx

from smartgov_cli.devkeys import ensure_keys
from smartgov_cli.devtokens import dev_token

log = logging.getLogger("smartgov.demo")
SEED_ORDER = ("gateway", "catalog_service", "usecase_service", "participation_service")

TokenFactory = Callable[..., str]


def token_factory(data_dir: Path) -> TokenFactory:
    secret = ensure_keys(data_dir)["dev_secret"].read_text().strip()

    def make(role: str, municipality: str | None = None, sub: str | None = None) -> str:
        return dev_token(secret, role=role, municipality=municipality, sub=sub)

    return make


async def seed(gateway_url: str, data_dir: Path) -> list[str]:
    """Run every component's demo seed; returns the names of those that ran."""
    tokens = token_factory(data_dir)
    ran = []
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        for package in SEED_ORDER:
            try:
                module = importlib.import_module(f"{package}.demo")
            except ModuleNotFoundError:
                continue
            await module.seed(client, tokens)
            ran.append(package)
    return ran
