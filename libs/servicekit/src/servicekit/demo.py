"""What every component's `demo.seed(client, auth)` may use."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

AuthHeaders = Callable[..., dict[str, str]]
"""`auth(role, municipality=None, sub=None)` → headers of such a caller."""


async def retry_until(
    call: Callable[[], Awaitable[httpx.Response]],
    *,
    ok: Callable[[httpx.Response], bool] = lambda r: r.status_code < 400,
    timeout: float = 20.0,
) -> httpx.Response:
    """Repeat `call` until `ok` (e.g. while another service has not yet seen an event)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await call()
        if ok(response) or asyncio.get_running_loop().time() > deadline:
            return response
        await asyncio.sleep(0.25)
