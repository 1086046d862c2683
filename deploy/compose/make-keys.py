"""Writes the gateway's Ed25519 key pair for the internal identity token into /keys, once."""

import os
from pathlib import Path

from servicekit.identity import generate_keypair

keys = Path("/keys")
private, public = keys / "private.pem", keys / "public.pem"
if not private.exists():
    private_pem, public_pem = generate_keypair()
    private.write_text(private_pem)
    public.write_text(public_pem)
for path, mode in ((private, 0o400), (public, 0o444)):
    os.chown(path, 10001, 10001)
    path.chmod(mode)
