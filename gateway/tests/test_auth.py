"""Authentication at the edge: OIDC via a real issuer, dev tokens, spoofed identities, rules."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from gateway_testkit import DEV_SECRET, auth, dev_token, serve

pytestmark = pytest.mark.asyncio(loop_scope="session")

ECHO = "/api/v1/use-cases/echo"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_oidc_token_becomes_identity_from_configurable_claims(client, issuer):
    token = issuer.token(
        sub="kc-42",
        realm_access={"roles": ["offline_access", "platform_admin"]},
        municipalities={"musterstadt": ["editor", "nonsense"]},
        groups=["/municipalities/anderstadt/moderator", "/other/x"],
    )
    response = await client.get(ECHO, headers=bearer(token))
    assert response.status_code == 200
    who = response.json()["identity"]
    assert who["kind"] == "user" and who["subject"] == "kc-42"
    assert who["name"] == "Erika Mustermann"
    assert who["platform_admin"] is True
    assert who["memberships"] == {"musterstadt": ["editor"], "anderstadt": ["moderator"]}
    # The client's bearer token itself does not travel on.
    assert not any(k == "authorization" for k, _ in response.json()["headers"])


async def test_anonymous_callers_forward_no_identity(client):
    response = await client.get(ECHO)
    assert response.json()["identity"] is None


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"exp": -60}, "expired"),
        ({"nbf": +120}, "not yet valid"),
        ({"aud": "someone-else"}, "wrong audience"),
        ({"iss": "http://127.0.0.1:1/realms/evil"}, "wrong issuer"),
        ({"sub": None}, "no subject"),
    ],
)
async def test_bad_oidc_tokens_are_401_with_www_authenticate(client, issuer, claims, why):
    # Times are offsets from now, taken when the test runs (not when pytest collects it).
    claims = {k: int(time.time()) + v if k in ("exp", "nbf") else v for k, v in claims.items()}
    response = await client.get(ECHO, headers=bearer(issuer.token(**claims)))
    assert response.status_code == 401, why
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_forged_tokens_are_401(client, issuer):
    valid = issuer.token()
    header, payload, signature = valid.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    unsigned = jwt.encode(
        {"iss": issuer.url, "sub": "x", "aud": "smartgov-gateway", "exp": int(time.time()) + 60},
        None,
        algorithm="none",
    )
    public_pem = (
        issuer.keys[-1][1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    confused = _hs256_with_public_key(issuer, public_pem)
    for token in (tampered, unsigned, confused, "not-a-jwt", "a.b.c"):
        response = await client.get(ECHO, headers=bearer(token))
        assert response.status_code == 401, token
        assert "www-authenticate" in response.headers
    unsupported = await client.get(ECHO, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert unsupported.status_code == 401


def _hs256_with_public_key(issuer, public_pem: bytes) -> str:
    """The classic key confusion: HS256 'signed' with the issuer's public key."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": issuer.keys[-1][0]}).encode())
    payload = b64(
        json.dumps(
            {"iss": issuer.url, "sub": "x", "aud": "smartgov-gateway", "exp": int(time.time()) + 60}
        ).encode()
    )
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


async def test_key_rotation_is_picked_up_without_restart(client, issuer):
    assert (await client.get(ECHO, headers=bearer(issuer.token()))).status_code == 200
    await asyncio.sleep(1.1)  # past the refetch cooldown
    issuer.rotate()
    rotated = issuer.token(sub="after-rotation")
    response = await client.get(ECHO, headers=bearer(rotated))
    assert response.status_code == 200
    assert response.json()["identity"]["subject"] == "after-rotation"


async def test_unknown_kids_refetch_at_most_once_per_cooldown(client, issuer):
    await asyncio.sleep(1.1)
    hits = issuer.jwks_hits
    for n in range(5):
        token = issuer.token(headers={"kid": f"unknown-{n}"})
        assert (await client.get(ECHO, headers=bearer(token))).status_code == 401
    assert issuer.jwks_hits - hits <= 1


async def test_dev_tokens_only_in_dev_mode(client, settings):
    token = dev_token("editor", "musterstadt", sub="dev-erika")
    accepted = await client.get(ECHO, headers=bearer(token))
    who = accepted.json()["identity"]
    assert who["subject"] == "dev-erika" and who["memberships"] == {"musterstadt": ["editor"]}
    wrong_secret = jwt.encode(
        jwt.decode(token, options={"verify_signature": False}), "x" * 40, algorithm="HS256"
    )
    assert (await client.get(ECHO, headers=bearer(wrong_secret))).status_code == 401
    production = settings.model_copy(update={"dev_auth": False})
    async with serve(production) as url, httpx.AsyncClient(base_url=url) as other:
        refused = await other.get(ECHO, headers=bearer(token))
    assert refused.status_code == 401
    assert "dev tokens" in refused.json()["detail"].lower()


async def test_spoofed_identity_headers_are_ignored(client, issuer):
    from servicekit.identity import InternalTokenSigner, Principal, PrincipalKind, generate_keypair

    forged = InternalTokenSigner(generate_keypair()[0]).sign(
        Principal(kind=PrincipalKind.USER, subject="mallory", platform_admin=True)
    )
    spoof = {
        "X-SmartGov-Identity": forged,
        "X-User": "admin",
        "X-Remote-User": "admin",
        "X-Forwarded-User": "admin",
    }
    anonymous = (await client.get(ECHO, headers=spoof)).json()
    assert anonymous["identity"] is None
    names = {k for k, _ in anonymous["headers"]}
    assert not names & {"x-smartgov-identity", "x-user", "x-remote-user", "x-forwarded-user"}
    signed_in = (await client.get(ECHO, headers=spoof | bearer(issuer.token(sub="erika")))).json()
    assert signed_in["identity"]["subject"] == "erika"
    assert signed_in["identity"]["platform_admin"] is False
    assert [v for k, v in signed_in["headers"] if k == "x-smartgov-identity"] != [forged]


async def test_edge_rules_per_route_and_method(client):
    anonymous_write = await client.post(ECHO, json={})
    assert anonymous_write.status_code == 401
    assert anonymous_write.headers["www-authenticate"] == "Bearer"
    assert (
        await client.post(ECHO, json={}, headers=auth("participant", sub="p"))
    ).status_code == 200
    # Moderation needs a moderator somewhere.
    assert (await client.get("/api/v1/moderation/queue")).status_code == 401
    editor = await client.get("/api/v1/moderation/queue", headers=auth("editor", "musterstadt"))
    assert editor.status_code == 403
    assert editor.headers["content-type"] == "application/problem+json"
    moderator = auth("moderator", "musterstadt")
    assert (await client.get("/api/v1/moderation/queue", headers=moderator)).status_code == 200
    # CKAN clients post read actions anonymously.
    assert (await client.post("/api/action/package_search", json={})).status_code == 200


async def test_dev_secret_is_not_an_oidc_key(client, issuer):
    """An HS256 token claiming the OIDC issuer is refused even with the dev secret."""
    token = jwt.encode(
        {"iss": issuer.url, "sub": "x", "aud": "smartgov-gateway", "exp": int(time.time()) + 60},
        DEV_SECRET,
        algorithm="HS256",
    )
    assert (await client.get(ECHO, headers=bearer(token))).status_code == 401


async def test_unreachable_issuer_is_503_not_401(settings, issuer, dead_url):
    elsewhere = settings.model_copy(update={"oidc_issuer": dead_url})
    async with serve(elsewhere) as url, httpx.AsyncClient(base_url=url) as other:
        response = await other.get(ECHO, headers=bearer(issuer.token(iss=dead_url)))
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "retry-after" in response.headers
        # Anonymous callers are not affected.
        assert (await other.get(ECHO)).status_code == 200
