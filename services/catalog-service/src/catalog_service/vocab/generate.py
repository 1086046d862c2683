"""Regenerate `data.json` from the shared DCAT-AP.de vocabularies.

    uv run python -m catalog_service.vocab.generate ../shared/dcat-ap-de/vocab

The service ships the lists it needs as data, so it runs without the shared folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DC, DCTERMS, FOAF, SKOS

AT = Namespace("http://publications.europa.eu/ontology/authority/")
EU = "http://publications.europa.eu/resource/authority/"
DCATDE = "http://dcat-ap.de/def/"
OUT = Path(__file__).with_name("data.json")


def _label(g: Graph, node: URIRef, lang: str) -> str | None:
    for label in g.objects(node, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return None


def _concepts(g: Graph, scheme: str) -> list[URIRef]:
    return sorted(
        (s for s in g.subjects(SKOS.inScheme, URIRef(scheme)) if isinstance(s, URIRef)), key=str
    )


def _load(*paths: Path) -> Graph:
    g = Graph()
    for p in paths:
        g.parse(p, format="xml" if p.suffix == ".rdf" else "turtle")
    return g


def _mapped(g: Graph, node: URIRef, source: str) -> list[str]:
    values = []
    for mapped in g.objects(node, AT["op-mapped-code"]):
        if str(g.value(mapped, DC.source)) == source:
            values.append(str(g.value(mapped, AT["legacy-code"])))
    return sorted(values)


def generate(vocab: Path) -> dict[str, object]:
    g = _load(vocab / "dcat-ap-de_licenses_20210721.rdf")
    licenses = [
        {
            "id": str(g.value(c, DC.identifier)),
            "uri": str(c),
            "title": _label(g, c, "de"),
            "url": str(g.value(c, FOAF.homepage) or g.value(c, DCTERMS.references) or c),
            "open": str(g.value(c, DCTERMS.type)) == "Freie Nutzung",
        }
        for c in _concepts(g, DCATDE + "licenses")
    ]
    g = _load(vocab / "eu_data-theme_20161225-1.ttl")
    themes = [
        {"code": str(c).rsplit("/", 1)[1], "uri": str(c), "de": _label(g, c, "de"),
         "en": _label(g, c, "en")}
        for c in _concepts(g, EU + "data-theme")
        if not str(c).endswith("OP_DATPRO")
    ]  # fmt: skip
    g = _load(vocab / "eu_file-type_20221214-0.rdf", vocab / "eu_file-type_supplement.ttl")
    file_types = [
        {"code": str(c).rsplit("/", 1)[1], "uri": str(c), "label": _label(g, c, "en"),
         "extensions": _mapped(g, c, "file-extension"),
         "media_types": _mapped(g, c, "mime-type-cellar")}
        for c in _concepts(g, EU + "file-type")
        if not str(c).endswith("OP_DATPRO")
    ]  # fmt: skip
    g = _load(vocab / "eu_frequency_20190619-0.rdf", vocab / "eu_frequency_supplement.ttl")
    frequencies = [
        {"code": str(c).rsplit("/", 1)[1], "uri": str(c), "de": _label(g, c, "de"),
         "en": _label(g, c, "en")}
        for c in _concepts(g, EU + "frequency")
        if not str(c).endswith("OP_DATPRO")
    ]  # fmt: skip
    g = _load(vocab / "dcat-ap-de_contributors_20251021.rdf")
    contributors = [
        {"id": str(g.value(c, DC.identifier)), "uri": str(c), "label": _label(g, c, "de")}
        for c in _concepts(g, DCATDE + "contributors")
    ]
    g = _load(vocab / "dcat-ap-de_politicalGeocoding-Level_minimal.ttl")
    levels = [str(c).rsplit("/", 1)[1] for c in _concepts(g, DCATDE + "politicalGeocoding/Level")]
    g = _load(vocab / "eu_access-right_20210317-0.rdf")
    access_rights = [
        {"code": str(c).rsplit("/", 1)[1], "uri": str(c), "en": _label(g, c, "en")}
        for c in _concepts(g, EU + "access-right")
        if not str(c).endswith("OP_DATPRO")
    ]
    assert all(x for x in (licenses, themes, file_types, frequencies, contributors, levels))
    return {
        "source": "shared/dcat-ap-de/vocab (see its LICENSES.md)",
        "licenses": licenses,
        "themes": themes,
        "file_types": file_types,
        "frequencies": frequencies,
        "contributors": contributors,
        "political_geocoding_levels": levels,
        "access_rights": access_rights,
    }


if __name__ == "__main__":
    data = generate(Path(sys.argv[1]))
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
