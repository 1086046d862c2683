"""Participants are stored under a keyed hash of their identity subject, never the subject."""

from __future__ import annotations

import hashlib
import hmac
import uuid


def pseudonym(secret: str, subject: str) -> str:
    digest = hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()
    return "p_" + digest[:40]


def anonymous_id() -> str:
    """What a deleted participant's remaining supports and responses point to: unlinkable."""
    return "anon_" + uuid.uuid4().hex
