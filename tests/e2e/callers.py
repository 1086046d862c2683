"""Callers of the gateway for the end-to-end tests: every caller of the authorization
matrix (dev tokens for people, real API keys for machines), waiting out the gateway's rate
limits (a 429 is the platform working as designed, not what these tests are about)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from harness.platform import RunningPlatform

HOME = "musterstadt"
OTHER = "anderstadt"
MUNICIPALITIES = {
    HOME: {"name": "Musterstadt", "regional_key": "091620000000", "federal_state": "BY"},
    OTHER: {"name": "Anderstadt", "regional_key": "051110000000", "federal_state": "NW"},
}
# Who may call: role → (dev-token role, municipality); API keys are made on the fly.
PEOPLE = {
    "participant": ("participant", None),
    "editor": ("editor", HOME),
    "moderator": ("moderator", HOME),
    "admin": ("admin", HOME),
    "other_editor": ("editor", OTHER),
    "platform_admin": ("platform_admin", None),
}
KEY_SCOPES = {
    "key_read": ["usecase:read", "catalog:read", "participation:read"],
    "key_write": ["usecase:write", "catalog:write", "participation:write"],
}
CALLERS = ("anonymous", *PEOPLE, *KEY_SCOPES)


@dataclass
class Gateway:
    platform: RunningPlatform
    client: httpx.Client
    keys: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str = "anonymous", sub: str | None = None) -> dict[str, str]:
        if who == "anonymous":
            return {}
        if who in KEY_SCOPES:
            return {"Authorization": f"ApiKey {self.api_key(who)}"}
        role, municipality = PEOPLE[who]
        return self.platform.headers(role, municipality, sub=sub)

    def api_key(self, who: str) -> str:
        if who not in self.keys:
            body = {"municipality": HOME, "name": f"e2e {who}", "scopes": KEY_SCOPES[who]}
            created = self.request("POST", "/api/v1/api-keys", "admin", json=body)
            assert created.status_code == 201, created.text
            self.keys[who] = created.json()["key"]
        return self.keys[who]

    def request(
        self,
        method: str,
        path: str,
        who: str = "anonymous",
        *,
        sub: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call; a 429 (gateway or service rate limit) is waited out and repeated."""
        all_headers = {**self.headers(who, sub), **(headers or {})}
        deadline = time.monotonic() + 60
        while True:
            response = self.client.request(method, path, headers=all_headers, **kwargs)
            if response.status_code != 429 or time.monotonic() > deadline:
                return response
            time.sleep(min(float(response.headers.get("retry-after", "1") or 1), 2.0))

    def get(self, path: str, who: str = "anonymous", **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, who, **kwargs)

    def post(self, path: str, who: str = "anonymous", **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, who, **kwargs)

    def put(self, path: str, who: str = "anonymous", **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, who, **kwargs)

    def ok(self, method: str, path: str, who: str, *, expect: int = 200, **kw: Any) -> Any:
        """A call that must succeed; its JSON body (None for 204)."""
        response = self.request(method, path, who, **kw)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    def once_known(self, method: str, path: str, who: str, **kw: Any) -> httpx.Response:
        """A write that names a municipality or entity the service learns from events:
        repeated while it answers 422 (not known there yet); the last answer otherwise."""
        deadline = time.monotonic() + 60
        while True:
            response = self.request(method, path, who, **kw)
            if response.status_code != 422 or time.monotonic() > deadline:
                return response
            time.sleep(0.1)


def register_municipalities(gw: Gateway) -> None:
    for slug, fields in MUNICIPALITIES.items():
        r = gw.post("/api/v1/municipalities", "platform_admin", json={"slug": slug, **fields})
        assert r.status_code in (201, 409), r.text
