"""Demo data: the two demo municipalities, registered through the gateway's API."""

from __future__ import annotations

import httpx

from servicekit.demo import AuthHeaders

MUNICIPALITIES = (
    {
        "slug": "musterstadt",
        "name": "Musterstadt",
        "regional_key": "091620000000",
        "federal_state": "BY",
        "contact": {"name": "Stabsstelle Smart City", "email": "smartcity@musterstadt.example"},
    },
    {
        "slug": "anderstadt",
        "name": "Anderstadt",
        "regional_key": "053150000000",
        "federal_state": "NW",
        "contact": {"name": "Digitalisierung", "email": "digital@anderstadt.example"},
    },
)


async def seed(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    admin = auth("platform_admin")
    for municipality in MUNICIPALITIES:
        response = await client.post("/api/v1/municipalities", json=municipality, headers=admin)
        if response.status_code == 409:
            continue  # registered by an earlier run
        response.raise_for_status()
