"""Demo data: the open-data catalogue of Musterstadt, a dozen realistic datasets. Idempotent."""

from __future__ import annotations

from typing import Any

import httpx

from servicekit.demo import AuthHeaders, retry_until

MUNICIPALITY = "musterstadt"
REGIONAL_KEY = "http://dcat-ap.de/def/politicalGeocoding/regionalKey/057110000000"
PORTAL = "https://opendata.musterstadt.de"

ORGANIZATION = {
    "municipality": MUNICIPALITY,
    "name": "stadt-musterstadt",
    "title": "Stadt Musterstadt",
    "description": "Die Stadtverwaltung Musterstadt veröffentlicht hier ihre offenen Daten.",
    "contributor_id": "openNRW",
    "political_geocoding_level": "municipality",
    "political_geocoding_uri": REGIONAL_KEY,
    "homepage": "https://www.musterstadt.de",
    "email": "opendata@musterstadt.de",
}


def _dataset(
    name: str,
    title: str,
    description: str,
    themes: list[str],
    keywords: list[str],
    frequency: str,
    files: list[tuple[str, str]],
    contact: str,
    start: str = "2020-01-01",
) -> dict[str, Any]:
    return {
        "organization": ORGANIZATION["name"],
        "name": name,
        "title": title,
        "description": description,
        "themes": themes,
        "keywords": keywords,
        "license": "dl-by-de/2.0",
        "contact": {"name": contact, "email": "opendata@musterstadt.de"},
        "temporal": {"start": start},
        "political_geocoding_level": "municipality",
        "political_geocoding_uri": REGIONAL_KEY,
        "accrual_periodicity": frequency,
        "access_rights": "PUBLIC",
        "landing_page": f"{PORTAL}/dataset/{name}",
        "issued": "2024-03-01T08:00:00Z",
        "modified": "2025-10-01T06:00:00Z",
        "distributions": [
            {
                "title": f"{title} ({fmt})",
                "download_url": f"{PORTAL}/files/{name}.{fmt.lower()}",
                "access_url": f"{PORTAL}/files/{name}.{fmt.lower()}",
                "format": fmt,
                "byte_size": 20480,
                "description": note,
            }
            for fmt, note in files
        ],
    }


DATASETS = [
    _dataset("parkhausbelegung", "Parkhausbelegung Innenstadt",
             "Freie und belegte Stellplätze der sieben Parkhäuser in der Innenstadt, alle fünf "
             "Minuten aus dem Parkleitsystem.", ["TRAN"], ["Parken", "Parkhaus", "Verkehr",
             "Echtzeit"], "5MIN", [("CSV", "Zeitreihe"), ("JSON", "Aktueller Stand")],
             "Amt für Verkehr"),
    _dataset("fuellstaende-altglascontainer", "Füllstände der Altglascontainer",
             "Füllstandssensoren in 120 Altglas- und Altpapiercontainern melden stündlich den "
             "Füllgrad; die Abfuhr wird danach geplant.", ["ENVI"], ["Abfall", "Sensoren",
             "Container", "Recycling"], "HOURLY", [("CSV", "Messwerte"), ("GEOJSON", "Standorte")],
             "Abfallwirtschaftsbetrieb"),
    _dataset("baumkataster", "Baumkataster",
             "Alle Straßen- und Parkbäume der Stadt mit Baumart, Pflanzjahr, Stammumfang, "
             "Kronendurchmesser und Standort.", ["ENVI", "AGRI"], ["Bäume", "Stadtgrün",
             "Kataster"], "ANNUAL", [("CSV", "Tabelle"), ("GEOJSON", "Karte")],
             "Grünflächenamt", "2015-01-01"),
    _dataset("radzaehlstellen", "Radverkehr an Zählstellen",
             "Stündliche Zählwerte der zwölf automatischen Fahrradzählstellen.", ["TRAN"],
             ["Fahrrad", "Radverkehr", "Zählstelle", "Mobilität"], "HOURLY",
             [("CSV", "Zählwerte"), ("JSON", "Zählstellen")], "Amt für Verkehr", "2018-01-01"),
    _dataset("ratsinformationen", "Ratsinformationen: Sitzungen und Vorlagen",
             "Sitzungen, Tagesordnungen, Vorlagen und Beschlüsse des Rates und der Ausschüsse.",
             ["GOVE"], ["Rat", "Politik", "Beschlüsse", "Sitzungen"], "WEEKLY",
             [("JSON", "OParl-Export"), ("PDF", "Niederschriften")], "Ratsbüro"),
    _dataset("haushaltsplan", "Haushaltsplan",
             "Erträge und Aufwendungen des Ergebnishaushalts nach Produktbereichen.", ["ECON",
             "GOVE"], ["Haushalt", "Finanzen", "Produkte"], "ANNUAL", [("CSV", "Ergebnisplan"),
             ("XLSX", "Gesamtplan")], "Kämmerei"),
    _dataset("luftqualitaet", "Luftqualität: Messstationen",
             "Stickstoffdioxid, Feinstaub PM10 und PM2.5 der drei Messstationen als "
             "Stundenmittelwerte.", ["ENVI", "HEAL"], ["Luft", "Umwelt", "Feinstaub",
             "Stickstoffdioxid"], "HOURLY", [("CSV", "Messwerte")], "Umweltamt"),
    _dataset("kita-standorte", "Kindertagesstätten",
             "Standorte, Träger, Plätze und Öffnungszeiten aller Kitas.", ["EDUC", "SOCI"],
             ["Kita", "Kinderbetreuung", "Bildung"], "QUARTERLY", [("CSV", "Liste"),
             ("GEOJSON", "Karte")], "Jugendamt"),
    _dataset("bevoelkerung-stadtteile", "Bevölkerung nach Stadtteilen",
             "Einwohnerinnen und Einwohner nach Stadtteil, Altersgruppe und Geschlecht zum "
             "Jahresende.", ["SOCI", "REGI"], ["Bevölkerung", "Statistik", "Stadtteile"],
             "ANNUAL", [("CSV", "Tabelle")], "Statistikstelle", "2010-01-01"),
    _dataset("ladesaeulen", "Ladesäulen für Elektrofahrzeuge",
             "Öffentliche Ladepunkte mit Leistung, Steckertyp und Betreiber.", ["TRAN", "ENER"],
             ["E-Mobilität", "Laden", "Energie"], "MONTHLY", [("GEOJSON", "Standorte"),
             ("CSV", "Liste")], "Stadtwerke"),
    _dataset("baustellen", "Baustellen und Verkehrseinschränkungen",
             "Aktuelle Baustellen im Straßennetz mit Zeitraum und Umleitung.", ["TRAN"],
             ["Baustellen", "Verkehr", "Straßen"], "DAILY", [("GEOJSON", "Karte"),
             ("JSON", "Liste")], "Tiefbauamt"),
    _dataset("wahlergebnisse-kommunalwahl", "Ergebnisse der Kommunalwahl",
             "Stimmen je Wahlbezirk für Rat und Bürgermeisterwahl.", ["GOVE"], ["Wahlen",
             "Kommunalwahl", "Politik"], "IRREG", [("CSV", "Ergebnisse")], "Wahlamt",
             "2020-09-13"),
]  # fmt: skip


async def seed(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    admin = auth("admin", MUNICIPALITY)
    editor = auth("editor", MUNICIPALITY)
    org = await client.get(f"/api/v1/organizations/{ORGANIZATION['name']}")
    if org.status_code == 404:
        created = await retry_until(
            lambda: client.post("/api/v1/organizations", json=ORGANIZATION, headers=admin),
            ok=lambda r: r.status_code != 422,
        )
        if created.status_code not in (201, 409):
            created.raise_for_status()
    for dataset in DATASETS:
        found = await client.get(f"/api/v1/datasets/{dataset['name']}", headers=editor)
        if found.status_code == 404:
            found = await client.post("/api/v1/datasets", json=dataset, headers=editor)
            found.raise_for_status()
        if found.json()["status"] != "published":
            published = await client.post(
                f"/api/v1/datasets/{dataset['name']}/publish", headers=editor
            )
            published.raise_for_status()
