"""Keys of a local platform, generated once under `.smartgov/keys/` (never committed)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from servicekit.identity import generate_keypair


def ensure_keys(data_dir: Path) -> dict[str, Path]:
    keys = data_dir / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    os.chmod(keys, 0o700)
    private, public = keys / "internal-token.key", keys / "internal-token.pub"
    if not private.exists() or not public.exists():
        private_pem, public_pem = generate_keypair()
        private.write_text(private_pem)
        public.write_text(public_pem)
        os.chmod(private, 0o600)
    dev_secret = keys / "dev-auth.secret"
    if not dev_secret.exists():
        dev_secret.write_text(secrets.token_urlsafe(48))
        os.chmod(dev_secret, 0o600)
    return {"private": private, "public": public, "dev_secret": dev_secret}
