"""End-to-end tests: clients of the gateway only, on the shared session platform."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from e2e.callers import Gateway, register_municipalities
from harness.platform import RunningPlatform


@pytest.fixture(scope="session")
def gw(platform: RunningPlatform) -> Iterator[Gateway]:
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        gateway = Gateway(platform, client)
        register_municipalities(gateway)
        yield gateway
