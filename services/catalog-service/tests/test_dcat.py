"""DCAT-AP.de RDF: the demo catalogue passes the shared SHACL validator in both profiles."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from catalog_service.demo import seed

pytestmark = pytest.mark.db

REPO = Path(__file__).resolve().parents[3]
# The official DCAT-AP.de SHACL shapes and vocabularies with their validator, vendored
# unchanged (origins and licences in its LICENSES.md) so the check runs offline anywhere.
KIT = Path(os.environ.get("SMARTGOV_DCAT_AP_DE_KIT") or REPO / "third_party" / "dcat-ap-de")


def _validator():
    if not (KIT / "validate.py").exists():
        message = f"the DCAT-AP.de validation kit is not at {KIT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    spec = importlib.util.spec_from_file_location("dcat_ap_de_validate", KIT / "validate.py")
    assert spec and spec.loader
    if spec.name not in sys.modules:  # dataclasses in the module need it registered
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    module = sys.modules[spec.name]
    return module.validate_graph


@pytest.fixture
async def catalogue(client, identity):
    await seed(client, identity)
    editor = identity("editor", "musterstadt")
    # a distribution with checksum and exact size, as an upload gives them
    await client.post(
        "/api/v1/datasets/baumkataster/distributions",
        json={"title": "Baumkataster 2025 (CSV)", "download_url": "https://x.example/b.csv",
              "format": "CSV", "byte_size": 1234567, "checksum": "ab" * 32},
        headers=editor,
    )  # fmt: skip
    return client


@pytest.mark.parametrize(
    ("profile", "shacl_profile"), [("dcat_ap_de_2", "v2.0-konventionen"), ("dcat_ap_de_3", "v3.0")]
)
async def test_catalogue_passes_dcat_ap_de_shapes(catalogue, profile, shacl_profile):
    validate_graph = _validator()
    answer = await catalogue.get("/catalog.ttl", params={"profile": profile})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 12
    report = validate_graph(graph, profile=shacl_profile)
    assert report.conforms, report.text()
    assert report.count("Violation") == 0


async def test_validator_catches_a_broken_dataset(catalogue):
    """The check above can fail: a dataset without a licence on its distribution and with
    a theme outside the EU list does not pass."""
    validate_graph = _validator()
    answer = await catalogue.get("/dataset/parkhausbelegung.ttl")
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    for dist in list(graph.subjects(RDF.type, DCAT.Distribution)):
        graph.remove((dist, DCTERMS.license, None))
    report = validate_graph(graph, profile="v2.0-konventionen")
    assert not report.conforms


async def test_formats_paging_and_negotiation(catalogue):
    for ext, fmt in (("rdf", "xml"), ("jsonld", "json-ld"), ("ttl", "turtle")):
        answer = await catalogue.get(f"/dataset/radzaehlstellen.{ext}")
        assert answer.status_code == 200, ext
        graph = rdflib.Graph().parse(data=answer.text, format=fmt)
        titles = {str(t) for t in graph.objects(None, DCTERMS.title)}
        assert "Radverkehr an Zählstellen" in titles
    negotiated = await catalogue.get(
        "/dataset/radzaehlstellen", headers={"Accept": "application/ld+json"}
    )
    assert negotiated.headers["content-type"].startswith("application/ld+json")
    page = await catalogue.get("/catalog.jsonld", params={"page": 1})
    graph = rdflib.Graph().parse(data=page.text, format="json-ld")
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    assert [int(n) for n in graph.objects(None, hydra.totalItems)] == [12]
    future = await catalogue.get("/catalog.ttl", params={"modified_since": "2999-01-01T00:00:00Z"})
    graph = rdflib.Graph().parse(data=future.text, format="turtle")
    assert not list(graph.subjects(RDF.type, DCAT.Dataset))
    streamed = await catalogue.get("/catalog.ttl", params={"page": "all"})
    graph = rdflib.Graph().parse(data=streamed.text, format="turtle")
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 12
    assert (await catalogue.get("/catalog.rdf", params={"page": "0"})).status_code == 400
    assert (await catalogue.get("/dataset/gibt-es-nicht.ttl")).status_code == 404
