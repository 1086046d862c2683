"""A real OIDC issuer for tests: discovery document and JWKS over HTTP, keys that rotate."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from servicekit.testing.nats import free_port


class Issuer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/realms/smartgov"
        self.jwks_hits = 0
        self.keys: list[tuple[str, Any]] = []
        self.rotate()
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/realms/smartgov/.well-known/openid-configuration":
                    body = {
                        "issuer": issuer.url,
                        "jwks_uri": f"{issuer.url}/protocol/openid-connect/certs",
                    }
                elif self.path == "/realms/smartgov/protocol/openid-connect/certs":
                    issuer.jwks_hits += 1
                    body = {"keys": [issuer.public_jwk(kid, key) for kid, key in issuer.keys[-2:]]}
                else:
                    self.send_error(404)
                    return
                raw = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def rotate(self) -> str:
        kid = uuid.uuid4().hex[:12]
        self.keys.append((kid, rsa.generate_private_key(public_exponent=65537, key_size=2048)))
        return kid

    @staticmethod
    def public_jwk(kid: str, key: Any) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        return jwk | {"kid": kid, "use": "sig", "alg": "RS256"}

    def token(
        self, *, key_index: int = -1, headers: dict[str, Any] | None = None, **claims: Any
    ) -> str:
        kid, key = self.keys[key_index]
        now = int(time.time())
        body = {
            "iss": self.url,
            "aud": "smartgov-gateway",
            "sub": "user-1",
            "iat": now,
            "exp": now + 300,
            "name": "Erika Mustermann",
        } | claims
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid} | (headers or {}))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
