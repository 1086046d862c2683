"""Schemathesis against each service's own OpenAPI, sent through the gateway (which routes
by prefix without rewriting), as an editor of musterstadt and anonymously.

Zero 5xx, and every answer must match what the operation declares (status, content type,
schema). Bounded in `make test` (SMARTGOV_FUZZ_EXAMPLES, default 3 per operation);
`make fuzz` sets SMARTGOV_FUZZ_EXAMPLES=100 (or more) for the long run."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from e2e.callers import Gateway
from hypothesis import HealthCheck, Phase, given, settings
from requests.adapters import HTTPAdapter
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from urllib3.util.retry import Retry

EXAMPLES = int(os.environ.get("SMARTGOV_FUZZ_EXAMPLES", "3"))
SERVICES = ("usecase", "catalog", "participation")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def waiting_out_rate_limits() -> requests.Session:
    """A gateway 429 is the platform doing its job (and not in the services' specs): wait
    (Retry-After) and repeat instead."""
    session = requests.Session()
    retry = Retry(
        total=30,
        status_forcelist=[429],
        allowed_methods=None,
        respect_retry_after_header=True,
        backoff_factor=0.1,
        raise_on_status=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def fuzz_operation(operation: Any, base_url: str, headers: Callable[[], dict[str, str]]) -> None:
    session = waiting_out_rate_limits()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers(), timeout=30)
        if response.status_code == 429 and "429" in operation.definition.raw["responses"]:
            return  # the service's own documented write limit: the platform working
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("who", ["editor", "anonymous"])
@pytest.mark.parametrize("service", SERVICES)
def test_fuzz_service_through_the_gateway(gw: Gateway, service: str, who: str):
    spec = httpx.get(f"{gw.platform.url(service)}/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(spec)
    examples = itertools.count()

    def headers() -> dict[str, str]:
        """A subject of its own per example, so per-person write limits do not throttle."""
        return gw.headers(who, sub=f"fuzz-{who}-{next(examples)}")

    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            fuzz_operation(operation, gw.platform.gateway_url, headers)
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    assert operations > 5
    assert not failures, "\n\n".join(failures)
