"""The internal identity token and role rules (pure, no I/O)."""

from __future__ import annotations

import time

import jwt
import pytest

from servicekit.identity import (
    LEEWAY_SECONDS,
    InternalTokenSigner,
    InternalTokenVerifier,
    Principal,
    PrincipalKind,
    Role,
    generate_keypair,
)
from servicekit.problems import ProblemError


def test_signed_principal_round_trips(internal_keypair):
    principal = Principal(
        kind=PrincipalKind.USER,
        subject="u1",
        memberships={"musterstadt": frozenset({Role.EDITOR})},
    )
    token = InternalTokenSigner(internal_keypair[0]).sign(principal)
    assert InternalTokenVerifier(internal_keypair[1]).verify(token) == principal


def test_token_from_another_key_or_expired_is_refused(internal_keypair):
    other_private, _ = generate_keypair()
    verifier = InternalTokenVerifier(internal_keypair[1])
    forged = InternalTokenSigner(other_private).sign(
        Principal(kind=PrincipalKind.USER, subject="x")
    )
    with pytest.raises(ProblemError) as err:
        verifier.verify(forged)
    assert err.value.status == 401
    expired = InternalTokenSigner(internal_keypair[0], ttl_seconds=-60).sign(
        Principal(kind=PrincipalKind.USER, subject="x")
    )
    with pytest.raises(ProblemError):
        verifier.verify(expired)
    hs = jwt.encode({"sub": "x", "exp": time.time() + 60}, "secret", algorithm="HS256")
    with pytest.raises(ProblemError):
        verifier.verify(hs)


def test_a_remembered_token_still_expires(internal_keypair):
    """Verified tokens are remembered, but only while PyJWT would still accept them."""
    verifier = InternalTokenVerifier(internal_keypair[1])
    # exp three seconds ago: still inside the five seconds of leeway, for one to two seconds
    nearly = InternalTokenSigner(internal_keypair[0], ttl_seconds=-3).sign(
        Principal(kind=PrincipalKind.USER, subject="x")
    )
    assert verifier.verify(nearly).subject == "x"
    assert verifier.verify(nearly).subject == "x"  # from the cache
    exp = jwt.decode(nearly, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, exp + LEEWAY_SECONDS - time.time()) + 0.05)
    with pytest.raises(ProblemError) as err:
        verifier.verify(nearly)
    assert err.value.status == 401


def test_remembered_tokens_are_bounded_and_refusals_are_not_remembered(internal_keypair):
    verifier = InternalTokenVerifier(internal_keypair[1], cache_size=2)
    signer = InternalTokenSigner(internal_keypair[0])
    tokens = [signer.sign(Principal(kind=PrincipalKind.USER, subject=f"u{i}")) for i in range(3)]
    assert [verifier.verify(t).subject for t in tokens] == ["u0", "u1", "u2"]
    assert len(verifier._verified) == 2
    assert verifier.verify(tokens[0]).subject == "u0"  # verified again after eviction
    other_private, _ = generate_keypair()
    forged = InternalTokenSigner(other_private).sign(Principal(kind=PrincipalKind.USER))
    for _ in range(2):
        with pytest.raises(ProblemError):
            verifier.verify(forged)
    assert forged not in verifier._verified


def test_roles_imply_and_stay_inside_their_municipality():
    admin = Principal(
        kind=PrincipalKind.USER, subject="a", memberships={"m": frozenset({Role.ADMIN})}
    )
    editor = Principal(
        kind=PrincipalKind.USER, subject="e", memberships={"m": frozenset({Role.EDITOR})}
    )
    assert admin.has_role("m", Role.EDITOR) and admin.has_role("m", Role.MODERATOR)
    assert not editor.has_role("m", Role.ADMIN)
    assert not editor.has_role("other", Role.EDITOR)
    with pytest.raises(ProblemError) as hidden:
        editor.require_role("other", Role.EDITOR, hide=True)
    assert hidden.value.status == 404
    with pytest.raises(ProblemError) as denied:
        editor.require_role("m", Role.ADMIN)
    assert denied.value.status == 403
    platform = Principal(kind=PrincipalKind.USER, subject="p", platform_admin=True)
    assert platform.has_role("anywhere", Role.ADMIN)
