"""Deterministic data at the volumes the benchmarks need, as plain dicts.

Pure generators: the same seed gives the same records, in the same order, on every machine.
Service benchmarks map these dicts onto their API payloads (the shapes are deliberately
simple and will follow the services' schemas as they settle)."""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

SEED = 20261126
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

TOWNS = (
    "Musterstadt", "Beispielhausen", "Neustadt am Fluss", "Altdorf", "Bergheim", "Talbach",
    "Seeburg", "Waldkirchen", "Hafenstedt", "Wiesental", "Lindenau", "Steinfeld", "Rosenheim-Ost",
    "Eichenried", "Kleinmoor", "Sonnenberg", "Auenwald", "Brückenau", "Marktheim", "Flussdorf",
)  # fmt: skip
FIELDS = (
    "mobility", "energy", "environment", "administration", "health", "education",
    "safety", "tourism", "economy", "participation",
)  # fmt: skip
TOPICS = (
    "Parkraum", "Radverkehr", "Straßenbeleuchtung", "Abfallentsorgung", "Bürgerbüro",
    "Hochwasserschutz", "Luftqualität", "Schulwege", "Wärmeplanung", "ÖPNV-Anbindung",
    "Baustellen", "Winterdienst", "Spielplätze", "Ladeinfrastruktur", "Bibliothek",
)  # fmt: skip
THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN")  # fmt: skip  # noqa: E501
FORMATS = ("CSV", "JSON", "GEOJSON", "XLSX", "PDF", "XML", "SHP", "WMS")
LICENSES = ("dl-by-de/2.0", "dl-zero-de/2.0", "cc-by/4.0", "cc-zero")
GROUPS = ("citizens", "business", "administration", "science", "civil_society")
STATUSES = ("draft", "draft", "published", "published", "published", "approved", "archived")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})
    return "".join(c for c in text.lower().translate(table) if c.isalnum() or c == "-")


def municipalities(count: int = 20) -> list[dict[str, Any]]:
    """Tenants: slug, name and a 12-digit official regional key (ARS)."""
    towns = [
        TOWNS[i % len(TOWNS)] + (f" {i // len(TOWNS) + 1}" if i >= len(TOWNS) else "")
        for i in range(count)
    ]
    return [
        {"slug": _slug(name), "name": name, "regional_key": f"{9_000_000_000_00 + i:012d}"}
        for i, name in enumerate(towns)
    ]


def use_cases(
    count: int = 2000, municipality_count: int = 20, seed: int = SEED
) -> Iterator[dict[str, Any]]:
    """Use cases spread over municipalities, with the six steps' essentials."""
    rng = random.Random(seed)
    tenants = municipalities(municipality_count)
    for i in range(count):
        topic = rng.choice(TOPICS)
        investment = rng.randrange(5_000, 2_000_000, 500)
        yield {
            "id": _uuid(rng),
            "municipality": tenants[i % len(tenants)]["slug"],
            "title": f"{topic}: digitale Lösung {i + 1}",
            "field_of_action": rng.choice(FIELDS),
            "status": rng.choice(STATUSES),
            "problem": {
                "as_is": f"{topic} wird heute manuell erfasst.",
                "to_be": f"{topic} wird automatisch gemeldet.",
            },
            "beneficiaries": rng.sample(GROUPS, k=rng.randint(1, 3)),
            "cost_benefit": {
                "investment": investment,
                "yearly_costs": rng.randrange(0, investment // 4 + 1, 100),
                "yearly_benefits": rng.randrange(0, investment // 2 + 1, 100),
                "years": rng.randint(3, 10),
            },
            "created_at": (EPOCH + timedelta(minutes=rng.randrange(0, 900_000))).isoformat(),
        }


def datasets(
    count: int = 100_000, municipality_count: int = 20, seed: int = SEED + 1
) -> Iterator[dict[str, Any]]:
    """DCAT-AP.de-like dataset descriptions with one to three distributions each."""
    rng = random.Random(seed)
    tenants = municipalities(municipality_count)
    for i in range(count):
        topic = rng.choice(TOPICS)
        tenant = tenants[rng.randrange(len(tenants))]
        year = rng.randint(2015, 2026)
        yield {
            "id": _uuid(rng),
            "municipality": tenant["slug"],
            "name": f"{_slug(topic)}-{tenant['slug']}-{i}",
            "title": f"{topic} {tenant['name']} {year}",
            "description": f"Daten zu {topic} in {tenant['name']} für das Jahr {year}.",
            "keywords": rng.sample(TOPICS, k=rng.randint(1, 4)),
            "themes": rng.sample(THEMES, k=rng.randint(1, 2)),
            "license": rng.choice(LICENSES),
            "distributions": [
                {"format": rng.choice(FORMATS), "url": f"https://daten.example/{i}/{d}"}
                for d in range(rng.randint(1, 3))
            ],
            "modified": (EPOCH + timedelta(minutes=rng.randrange(0, 1_400_000))).isoformat(),
        }


def contributions(
    count: int = 10_000, processes: int = 50, seed: int = SEED + 2
) -> Iterator[dict[str, Any]]:
    """Ideas and comments in `processes` consultations, by authors of every stakeholder group."""
    rng = random.Random(seed)
    for i in range(count):
        yield {
            "id": _uuid(rng),
            "process": i % processes,
            "author": f"participant-{rng.randrange(0, 3000)}",
            "stakeholder_group": rng.choice(GROUPS),
            "kind": "idea" if rng.random() < 0.7 else "comment",
            "title": f"Vorschlag {i + 1} zu {rng.choice(TOPICS)}",
        }


def supports(
    contribution_ids: list[str], count: int = 100_000, seed: int = SEED + 3
) -> Iterator[dict[str, Any]]:
    """One support per (contribution, supporter), Zipf-like: a few contributions lead, most
    get a handful, as in real consultations."""
    supporters = 20_000
    if count > len(contribution_ids) * supporters // 2:
        raise ValueError("not enough distinct supporters for that many supports")
    rng = random.Random(seed)
    order = list(range(len(contribution_ids)))
    rng.shuffle(order)
    cumulative = list(accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(order))))
    seen: set[tuple[int, int]] = set()
    while len(seen) < count:
        target = order[bisect(cumulative, rng.random() * cumulative[-1])]
        supporter = rng.randrange(0, supporters)
        if (target, supporter) in seen:
            continue
        seen.add((target, supporter))
        yield {"contribution_id": contribution_ids[target], "supporter": f"participant-{supporter}"}


def support_counts(items: Iterable[dict[str, Any]]) -> Counter[str]:
    """What a correct service must report per contribution, for exact-count checks."""
    return Counter(item["contribution_id"] for item in items)
