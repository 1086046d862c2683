from __future__ import annotations

from typing import Any

import pytest

from smartgov_cli import openapi


@pytest.fixture(scope="session")
def documents() -> dict[str, dict[str, Any]]:
    """The code's documents (services, gateway, merged), built once per run."""
    return openapi.documents()
