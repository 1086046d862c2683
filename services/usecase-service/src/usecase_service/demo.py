"""Demo data for `musterstadt`: three realistic use cases in different stages.

Loaded through the gateway like any client. Idempotent and resumable: a use case found by
its title is completed from where it stands (missing steps filled, status advanced).
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx

from servicekit.demo import AuthHeaders, retry_until

MUNICIPALITY = "musterstadt"
BASE = "/api/v1/use-cases"
FORWARD = [
    "problem_defined",
    "process_defined",
    "benefits_defined",
    "requirements_defined",
    "services_defined",
    "assessed",
]
AFTER_APPROVAL = ["piloting", "in_operation", "scaled"]


def step(
    name: str,
    actor: str,
    channel: str,
    minutes: float,
    waiting_days: float = 0,
    media_break: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "actor": actor,
        "channel": channel,
        "processing_minutes": minutes,
        "waiting_days": waiting_days,
        "media_break": media_break,
    }


def yearly(kind: str, amount: float, first: int, last: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"year": y, "kind": kind, "amount": amount, **extra} for y in range(first, last + 1)]


PARKING: dict[str, Any] = {
    "create": {
        "municipality": MUNICIPALITY,
        "title": "Digitales Parkraummanagement Innenstadt",
        "summary": "Bodensensoren melden freie Stellplätze in Echtzeit; eine App lenkt "
        "Autofahrende direkt dorthin, das Ordnungsamt kontrolliert gezielt.",
        "field_of_action": "mobility",
        "tags": ["parken", "sensorik", "lorawan"],
        "owner": "Amt für Verkehr und Ordnung",
        "visibility": "public",
        "priority": "must",
        "progress": 45,
        "planned_start": "2026-03-01",
        "planned_end": "2027-06-30",
    },
    "problem": {
        "statement": "Bis zu 30 % des Innenstadtverkehrs ist Parksuchverkehr. Kontrollen "
        "erfolgen nach festen Rundgängen, Verwarnungen werden auf Papier erfasst und später "
        "abgetippt.",
        "affected_groups": ["citizens", "business", "administration"],
        "as_is": {
            "cases_per_year": 18000,
            "processing_minutes_per_case": 27,
            "waiting_days": 2,
            "steps": 4,
            "handovers": 1,
            "media_breaks": 1,
            "cost_per_case": 24.75,
            "ozg_level": 0,
        },
        "to_be": {
            "cases_per_year": 18000,
            "processing_minutes_per_case": 5,
            "waiting_days": 0,
            "steps": 3,
            "handovers": 2,
            "media_breaks": 0,
            "cost_per_case": 4.6,
            "ozg_level": 2,
        },
    },
    "process": {
        "as_is": [
            step("Kontrollgang planen", "Ordnungsamt", "paper", 10),
            step("Fahrzeuge vor Ort prüfen", "Ordnungsamt", "paper", 6),
            step("Verwarnung handschriftlich ausstellen", "Ordnungsamt", "paper", 4),
            step("Verwarnung ins Fachverfahren abtippen", "Bußgeldstelle", "counter", 7, 2, True),
        ],
        "target": [
            step("Sensor meldet Überschreitung der Parkdauer", "Sensorplattform", "automated", 0),
            step("Gezielte Kontrolle mit Handheld", "Ordnungsamt", "online_form", 5),
            step("Übergabe an das Fachverfahren", "Sensorplattform", "automated", 0),
        ],
    },
    "benefits": {
        "items": [
            {
                "group": "citizens",
                "description": "Weniger Parksuchverkehr, weniger Lärm und Abgase",
                "kpi": "Durchschnittliche Parksuchzeit",
                "baseline": "12 min",
                "target": "5 min",
                "yearly_value_eur": 24000,
            },
            {
                "group": "business",
                "description": "Bessere Erreichbarkeit des Einzelhandels",
                "kpi": "Kundenfrequenz Innenstadt",
                "baseline": "100 %",
                "target": "108 %",
            },
            {
                "group": "administration",
                "description": "Gezielte statt flächendeckender Kontrollen",
                "kpi": "Arbeitszeit je Verwarnung",
                "baseline": "27 min",
                "target": "5 min",
                "yearly_value_eur": 38000,
            },
        ]
    },
    "requirements": {
        "technology": [
            {"name": "Bodensensoren", "description": "320 Stellplätze in der Innenstadt"},
            {"name": "LoRaWAN-Gateways", "description": "Funknetz der Stadtwerke"},
            {"name": "Urbane Datenplattform", "description": "Open-Source, FIWARE-basiert"},
        ],
        "actors": [
            {"name": "Ordnungsamt", "role": "Betreiber und Kontrolle", "internal": True},
            {"name": "Stadtwerke Musterstadt", "role": "Netzbetrieb", "internal": False},
            {"name": "Sensorhersteller", "role": "Lieferung und Wartung", "internal": False},
        ],
    },
    "data": [
        {
            "title": "Parkplatzbelegung in Echtzeit",
            "description": "Belegung je Stellplatz, minütlich",
            "open": True,
            "personal": False,
            "find": "parken",
        },
        {
            "title": "Verwarnungen im ruhenden Verkehr",
            "description": "Kennzeichen, Ort, Zeit",
            "open": False,
            "personal": True,
        },
    ],
    "services": {
        "items": [
            {
                "name": "Sensorhardware und Installation",
                "provider": "Ausschreibung (UVgO)",
                "provider_kind": "vendor",
                "sourcing": "buy",
                "estimated_cost_eur": 180000,
            },
            {
                "name": "LoRaWAN-Netzbetrieb",
                "provider": "Stadtwerke Musterstadt",
                "provider_kind": "municipal_company",
                "sourcing": "share",
                "estimated_cost_eur": 12000,
            },
            {
                "name": "Urbane Datenplattform",
                "provider": "Open-Source-Community",
                "provider_kind": "open_source",
                "sourcing": "reuse",
                "estimated_cost_eur": 25000,
            },
        ]
    },
    "assessment": {
        "base_year": 2026,
        "horizon_years": 8,
        "risk_surcharge": 0.1,
        "line_items": [
            {"year": 2026, "kind": "development_cost", "amount": 180000, "description": "Sensoren"},
            {"year": 2026, "kind": "development_cost", "amount": 25000, "description": "Plattform"},
            *yearly("operating_cost", 22000, 2027, 2033, description="Wartung und Netz"),
            *yearly("operating_benefit", 38000, 2027, 2033, description="Personalaufwand"),
            *yearly("operating_benefit", 24000, 2027, 2033, budget_relevant=False),
        ],
        "criteria": [
            {
                "category": "Q",
                "name": "Beitrag zur Klimaschutzstrategie",
                "weight": 30,
                "points": 8,
            },
            {"category": "Q", "name": "Baustein der Digitalstrategie", "weight": 20, "points": 9},
            {
                "category": "E",
                "name": "Weniger Emissionen in der Innenstadt",
                "weight": 20,
                "points": 7,
            },
            {"category": "E", "name": "Erreichbarkeit für den Handel", "weight": 10, "points": 6},
            {"category": "D", "name": "Altgeräte ohne Wartungsvertrag", "weight": 20, "points": 5},
        ],
    },
    "status": "piloting",
}

WASTE: dict[str, Any] = {
    "create": {
        "municipality": MUNICIPALITY,
        "title": "Sensorbasierte Abfallsammlung",
        "summary": "Füllstandssensoren in Altglas- und Unterflurcontainern; Touren werden nach "
        "Bedarf statt nach festem Plan gefahren.",
        "field_of_action": "environment",
        "tags": ["abfall", "sensorik", "tourenplanung"],
        "owner": "Abfallwirtschaftsbetrieb",
        "visibility": "public",
        "priority": "should",
        "progress": 20,
        "planned_start": "2027-01-01",
        "planned_end": "2027-12-31",
    },
    "problem": {
        "statement": "Container werden nach festem Plan geleert, oft halbleer; volle "
        "Container werden erst nach Beschwerden bemerkt.",
        "affected_groups": ["citizens", "administration"],
        "as_is": {
            "cases_per_year": 52000,
            "processing_minutes_per_case": 15,
            "waiting_days": 3,
            "steps": 3,
            "handovers": 2,
            "media_breaks": 1,
            "cost_per_case": 14.2,
            "ozg_level": 0,
        },
        "to_be": {
            "cases_per_year": 36000,
            "processing_minutes_per_case": 6.5,
            "waiting_days": 0,
            "steps": 3,
            "handovers": 2,
            "media_breaks": 0,
            "cost_per_case": 9.1,
            "ozg_level": 0,
        },
    },
    "process": {
        "as_is": [
            step("Tour nach festem Plan fahren und leeren", "Entsorgungsbetrieb", "paper", 9),
            step("Füllstand auf Tourenzettel notieren", "Fahrpersonal", "paper", 1, 0, True),
            step("Beschwerde über vollen Container annehmen", "Bürgerservice", "phone", 5, 3),
        ],
        "target": [
            step("Füllstandssensor meldet", "Sensorplattform", "automated", 0),
            step("Tour dynamisch planen", "Disposition", "automated", 0.5),
            step("Container leeren", "Fahrpersonal", "online_form", 6),
        ],
    },
    "benefits": {
        "items": [
            {
                "group": "citizens",
                "description": "Keine überquellenden Container mehr",
                "kpi": "Beschwerden pro Jahr",
                "baseline": "640",
                "target": "100",
            },
            {
                "group": "administration",
                "description": "Weniger Leerfahrten und Kraftstoff",
                "kpi": "Gefahrene Kilometer",
                "baseline": "210.000 km",
                "target": "150.000 km",
                "yearly_value_eur": 41000,
            },
        ]
    },
    "requirements": {
        "technology": [
            {"name": "Füllstandssensoren", "description": "Ultraschall, LoRaWAN"},
            {"name": "Tourenplanungssoftware", "description": "Schnittstelle zur Plattform"},
        ],
        "actors": [
            {"name": "Abfallwirtschaftsbetrieb", "role": "Betreiber", "internal": True},
            {"name": "Stadtwerke Musterstadt", "role": "Netzbetrieb", "internal": False},
        ],
    },
    "data": [
        {
            "title": "Containerstandorte",
            "description": "Standorte und Fraktionen aller Depotcontainer",
            "open": True,
            "personal": False,
            "find": "abfall",
        }
    ],
    "services": {
        "items": [
            {
                "name": "Sensoren und Montage",
                "provider": "Ausschreibung (UVgO)",
                "provider_kind": "vendor",
                "sourcing": "buy",
                "estimated_cost_eur": 95000,
            },
            {
                "name": "Tourenplanung als Dienst",
                "provider": "Kommunales Rechenzentrum",
                "provider_kind": "municipal_company",
                "sourcing": "share",
                "estimated_cost_eur": 18000,
            },
        ]
    },
    "assessment": {
        "base_year": 2027,
        "horizon_years": 6,
        "risk_surcharge": 0.15,
        "line_items": [
            {"year": 2027, "kind": "development_cost", "amount": 95000},
            {"year": 2027, "kind": "development_cost", "amount": 30000},
            *yearly("operating_cost", 21000, 2028, 2032),
            *yearly("operating_benefit", 41000, 2028, 2032),
        ],
        "criteria": [
            {"category": "Q", "name": "Abfallwirtschaftskonzept", "weight": 35, "points": 8},
            {"category": "E", "name": "Sauberkeit im Quartier", "weight": 35, "points": 8},
            {"category": "D", "name": "Fahrzeugflotte wird erneuert", "weight": 30, "points": 6},
        ],
    },
    "status": "assessed",
}

REGISTRATION: dict[str, Any] = {
    "create": {
        "municipality": MUNICIPALITY,
        "title": "Online-Wohnsitzanmeldung",
        "summary": "Anmeldung des Wohnsitzes vollständig online mit eID, nachgenutzt als "
        "Einer-für-Alle-Leistung; Sachbearbeitung nur noch für Ausnahmen.",
        "field_of_action": "administration",
        "tags": ["ozg", "efa", "bürgeramt"],
        "owner": "Bürgeramt",
        "visibility": "public",
        "priority": "must",
        "progress": 100,
        "planned_start": "2025-04-01",
        "planned_end": "2025-12-31",
    },
    "problem": {
        "statement": "Wer umzieht, muss binnen zwei Wochen persönlich ins Bürgeramt; "
        "Termine sind wochenlang ausgebucht.",
        "affected_groups": ["citizens", "administration"],
        "as_is": {
            "cases_per_year": 12000,
            "processing_minutes_per_case": 25,
            "waiting_days": 14,
            "steps": 4,
            "handovers": 1,
            "media_breaks": 2,
            "cost_per_case": 23.0,
            "ozg_level": 1,
        },
        "to_be": {
            "cases_per_year": 12000,
            "processing_minutes_per_case": 6,
            "waiting_days": 1,
            "steps": 3,
            "handovers": 2,
            "media_breaks": 0,
            "cost_per_case": 5.5,
            "ozg_level": 3,
        },
    },
    "process": {
        "as_is": [
            step("Termin telefonisch vereinbaren", "Bürgerin/Bürger", "phone", 3, 14),
            step("Vorsprache und Prüfung der Unterlagen", "Bürgeramt", "counter", 15),
            step("Meldebescheinigung drucken", "Bürgeramt", "paper", 3, 0, True),
            step("Rückmeldung an die Wegzugsgemeinde", "Bürgeramt", "email", 4, 0, True),
        ],
        "target": [
            step("Online-Antrag mit eID", "Bürgerin/Bürger", "online_form", 0),
            step("Automatische Prüfung und Rückmeldung", "Fachverfahren", "automated", 0),
            step("Sachbearbeitung von Ausnahmefällen", "Bürgeramt", "online_form", 6, 1),
        ],
    },
    "benefits": {
        "items": [
            {
                "group": "citizens",
                "description": "Kein Behördengang, keine Wartezeit auf Termine",
                "kpi": "Anteil Online-Anmeldungen",
                "baseline": "0 %",
                "target": "60 %",
                "yearly_value_eur": 90000,
            },
            {
                "group": "administration",
                "description": "Weniger Schalterzeit im Bürgeramt",
                "kpi": "Bearbeitungszeit je Fall",
                "baseline": "25 min",
                "target": "6 min",
                "yearly_value_eur": 209000,
            },
        ]
    },
    "requirements": {
        "technology": [
            {"name": "EfA-Onlinedienst Wohnsitzanmeldung", "description": "Nachnutzung"},
            {"name": "BundID / eID-Anbindung", "description": "Authentisierung"},
        ],
        "actors": [
            {"name": "Bürgeramt", "role": "Sachbearbeitung", "internal": True},
            {"name": "IT-Dienstleister des Landes", "role": "Betrieb EfA", "internal": False},
        ],
    },
    "data": [
        {
            "title": "Melderegister (Auszug über XMeld)",
            "description": "Personenbezogene Meldedaten; nicht offen",
            "open": False,
            "personal": True,
        }
    ],
    "services": {
        "items": [
            {
                "name": "EfA-Onlinedienst Wohnsitzanmeldung",
                "provider": "Land (EfA-Dienst)",
                "provider_kind": "einer_fuer_alle",
                "sourcing": "reuse",
                "estimated_cost_eur": 15000,
            },
            {
                "name": "Anbindung an das Fachverfahren",
                "provider": "Kommunales Rechenzentrum",
                "provider_kind": "municipal_company",
                "sourcing": "buy",
                "estimated_cost_eur": 22000,
            },
        ]
    },
    "assessment": {
        "base_year": 2025,
        "horizon_years": 5,
        "risk_surcharge": 0.05,
        "line_items": [
            {"year": 2025, "kind": "development_cost", "amount": 37000},
            *yearly("operating_cost", 9000, 2026, 2029),
            *yearly("operating_benefit", 120000, 2026, 2029),
            *yearly("operating_benefit", 90000, 2026, 2029, budget_relevant=False),
        ],
        "criteria": [
            {"category": "Q", "name": "OZG-Umsetzung", "weight": 50, "points": 10},
            {
                "category": "E",
                "name": "Zeitersparnis für Bürgerinnen und Bürger",
                "weight": 30,
                "points": 9,
            },
            {"category": "D", "name": "Gesetzliche Pflicht (OZG 2.0)", "weight": 20, "points": 9},
        ],
    },
    "status": "in_operation",
}

USE_CASES = (PARKING, WASTE, REGISTRATION)
STEPS = ("problem", "process", "benefits", "requirements", "services", "assessment")


def path_to(current: str, target: str) -> list[str]:
    """The statuses to pass through, in order, from `current` to `target`."""
    route = [*FORWARD, "approved", *AFTER_APPROVAL]
    if target not in route:
        raise ValueError(target)
    start = route.index(current) + 1 if current in route else 0
    return route[start : route.index(target) + 1]


async def _find(client: httpx.AsyncClient, headers: dict[str, str], title: str) -> str | None:
    response = await client.get(
        BASE, params={"municipality": MUNICIPALITY, "q": title, "limit": 100}, headers=headers
    )
    response.raise_for_status()
    for item in response.json()["items"]:
        if item["title"] == title:
            return str(item["id"])
    return None


async def _catalog_dataset(client: httpx.AsyncClient, words: str) -> str | None:
    """A published catalogue dataset matching `words`, if the catalogue offers one."""
    with contextlib.suppress(httpx.HTTPError, KeyError, ValueError, TypeError, IndexError):
        response = await client.get(
            "/api/3/action/package_search", params={"q": words, "rows": 1}, timeout=5
        )
        if response.status_code == 200:
            results = response.json()["result"]["results"]
            return str(results[0]["id"]) if results else None
    return None


async def _add_data(
    client: httpx.AsyncClient, headers: dict[str, str], use_case_id: str, need: dict[str, Any]
) -> None:
    body = {k: v for k, v in need.items() if k != "find"}
    url = f"{BASE}/{use_case_id}/data-requirements"
    dataset_id = await _catalog_dataset(client, need["find"]) if need.get("find") else None
    if dataset_id:
        # The dataset reaches our read model by event; wait a little, else describe it.
        linked = await retry_until(
            lambda: client.post(url, json={**body, "dataset_id": dataset_id}, headers=headers),
            ok=lambda r: r.status_code != 422,
            timeout=10,
        )
        if linked.status_code < 400:
            return
    (await client.post(url, json=body, headers=headers)).raise_for_status()


async def _seed_one(client: httpx.AsyncClient, auth: AuthHeaders, spec: dict[str, Any]) -> None:
    editor = auth("editor", MUNICIPALITY, sub="demo-editor")
    admin = auth("admin", MUNICIPALITY, sub="demo-admin")
    use_case_id = await _find(client, editor, spec["create"]["title"])
    if use_case_id is None:
        created = await retry_until(
            lambda: client.post(BASE, json=spec["create"], headers=editor),
            ok=lambda r: r.status_code != 422 or "municipality" not in r.text,
        )
        created.raise_for_status()
        use_case_id = created.json()["id"]
    current = (await client.get(f"{BASE}/{use_case_id}", headers=editor)).json()
    for name in STEPS:
        if current.get(name) is None:
            url = f"{BASE}/{use_case_id}/{name}"
            (await client.put(url, json=spec[name], headers=editor)).raise_for_status()
    if not current.get("data_requirements"):
        for need in spec["data"]:
            await _add_data(client, editor, use_case_id, need)
    for status in path_to(current["status"], spec["status"]):
        headers = admin if status == "approved" else editor
        reason = "Ratsbeschluss (Demo)" if status == "approved" else "Demo-Daten"
        response = await client.post(
            f"{BASE}/{use_case_id}/transitions",
            json={"to": status, "reason": reason},
            headers=headers,
        )
        response.raise_for_status()


async def seed(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    for spec in USE_CASES:
        await _seed_one(client, auth, spec)
