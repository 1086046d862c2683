"""DCAT-AP.de RDF of datasets and the catalogue, built with rdflib. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from catalog_service.datasets.models import Dataset, Distribution
from catalog_service.organizations.models import Organization
from catalog_service.vocab import (
    ACCESS_RIGHT_BASE,
    CONTRIBUTOR_BASE,
    FREQUENCY_BASE,
    GEOCODING_LEVEL_BASE,
    vocabulary,
)

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
IANA = "https://www.iana.org/assignments/media-types/"
# DCAT-AP.de 2.0 (GovData's delivery profile) types dcat:byteSize as xsd:decimal and names
# hash algorithms from the dcat-ap.de list; 3.0 wants xsd:nonNegativeInteger and SPDX's
# algorithm IRIs. Everything else we write is valid in both.
PROFILES = ("dcat_ap_de_2", "dcat_ap_de_3")
DEFAULT_PROFILE = "dcat_ap_de_2"
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("dcatde", DCATDE), ("vcard", VCARD),
        ("spdx", SPDX), ("hydra", HYDRA), ("xsd", XSD),
    ):  # fmt: skip
        g.bind(prefix, ns)
    return g


def dataset_iri(base: str, ds: Dataset) -> URIRef:
    return URIRef(f"{base}/dataset/{ds.id}")


def _when(value: datetime | date) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def _publisher(g: Graph, base: str, org: Organization) -> URIRef:
    node = URIRef(org.homepage or f"{base}/organization/{org.name}")
    g.add((node, RDF.type, FOAF.Organization))
    g.add((node, FOAF.name, Literal(org.title, lang="de")))
    if org.homepage:
        g.add((node, FOAF.homepage, URIRef(org.homepage)))
    if org.email:
        g.add((node, FOAF.mbox, URIRef(f"mailto:{org.email}")))
    return node


def _distribution(g: Graph, base: str, ds: Dataset, d: Distribution, profile: str) -> URIRef:
    vocab = vocabulary()
    node = URIRef(f"{base}/dataset/{ds.id}/distribution/{d.id}")
    file_url = f"{base}/api/v1/distributions/{d.id}/file" if d.file_key else None
    download = d.download_url or file_url
    access = d.access_url or download or ds.landing_page or f"{base}/dataset/{ds.id}"
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(d.title, lang="de")))
    if d.description:
        g.add((node, DCTERMS.description, Literal(d.description, lang="de")))
    g.add((node, DCAT.accessURL, URIRef(access)))
    if download:
        g.add((node, DCAT.downloadURL, URIRef(download)))
    license_id = d.license_id or ds.license_id
    if license_id and license_id in vocab.licenses:
        g.add((node, DCTERMS.license, URIRef(vocab.licenses[license_id].uri)))
    if d.format and d.format in vocab.file_types:
        g.add((node, DCTERMS.format, URIRef(vocab.file_types[d.format].uri)))
    if d.media_type:
        g.add((node, DCAT.mediaType, URIRef(IANA + d.media_type.split(";")[0].strip())))
    if d.byte_size is not None:
        size_type = XSD.decimal if profile == "dcat_ap_de_2" else XSD.nonNegativeInteger
        g.add((node, DCAT.byteSize, Literal(str(d.byte_size), datatype=size_type)))
    if d.checksum:
        checksum = BNode()
        g.add((node, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        algorithm = (
            URIRef("http://dcat-ap.de/def/hashAlgorithms/sha/256")
            if profile == "dcat_ap_de_2"
            else SPDX.checksumAlgorithm_sha256
        )
        g.add((checksum, SPDX.algorithm, algorithm))
        g.add((checksum, SPDX.checksumValue, Literal(d.checksum, datatype=XSD.hexBinary)))
    g.add((node, DCTERMS.modified, _when(d.updated_at)))
    return node


def add_dataset(
    g: Graph, base: str, ds: Dataset, org: Organization, profile: str = DEFAULT_PROFILE
) -> URIRef:
    vocab = vocabulary()
    node = dataset_iri(base, ds)
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(str(node))))
    g.add((node, DCTERMS.title, Literal(ds.title, lang="de")))
    g.add((node, DCTERMS.description, Literal(ds.description, lang="de")))
    g.add((node, DCTERMS.publisher, _publisher(g, base, org)))
    if org.contributor_id:
        g.add((node, DCATDE.contributorID, URIRef(CONTRIBUTOR_BASE + org.contributor_id)))
    for keyword in ds.keywords:
        g.add((node, DCAT.keyword, Literal(keyword, lang="de")))
    for code in ds.themes:
        if code in vocab.themes:
            g.add((node, DCAT.theme, URIRef(vocab.themes[code].uri)))
    if ds.contact_email or ds.contact_url:
        contact = URIRef(f"{base}/dataset/{ds.id}#contact")
        g.add((node, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(ds.contact_name or org.title)))
        if ds.contact_email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{ds.contact_email}")))
        if ds.contact_url:
            g.add((contact, VCARD.hasURL, URIRef(ds.contact_url)))
    if ds.temporal_start or ds.temporal_end:
        period = BNode()
        g.add((node, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if ds.temporal_start:
            g.add((period, DCAT.startDate, _when(ds.temporal_start)))
        if ds.temporal_end:
            g.add((period, DCAT.endDate, _when(ds.temporal_end)))
    if ds.spatial_uri:
        g.add((node, DCTERMS.spatial, URIRef(ds.spatial_uri)))
    level = ds.political_geocoding_level or org.political_geocoding_level
    if level:
        g.add((node, DCATDE.politicalGeocodingLevelURI, URIRef(GEOCODING_LEVEL_BASE + level)))
    geocoding = ds.political_geocoding_uri or org.political_geocoding_uri
    if geocoding:
        g.add((node, DCATDE.politicalGeocodingURI, URIRef(geocoding)))
    if ds.accrual_periodicity:
        g.add((node, DCTERMS.accrualPeriodicity, URIRef(FREQUENCY_BASE + ds.accrual_periodicity)))
    if ds.access_rights:
        g.add((node, DCTERMS.accessRights, URIRef(ACCESS_RIGHT_BASE + ds.access_rights)))
    if ds.landing_page:
        g.add((node, DCAT.landingPage, URIRef(ds.landing_page)))
    g.add((node, DCTERMS.issued, _when(ds.issued or ds.metadata_created)))
    g.add((node, DCTERMS.modified, _when(ds.modified or ds.metadata_modified)))
    for d in ds.distributions:
        g.add((node, DCAT.distribution, _distribution(g, base, ds, d, profile)))
    return node


def catalog_node(g: Graph, base: str, title: str) -> URIRef:
    node = URIRef(f"{base}/catalog")
    publisher = URIRef(f"{base}/")
    g.add((node, RDF.type, DCAT.Catalog))
    g.add((node, DCTERMS.title, Literal(title, lang="de")))
    g.add(
        (
            node,
            DCTERMS.description,
            Literal(
                "Offene Daten der Kommunen auf der SmartGov-Plattform (DCAT-AP.de).", lang="de"
            ),
        )
    )
    g.add((node, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(title, lang="de")))
    g.add((node, FOAF.homepage, URIRef(f"{base}/")))
    g.add(
        (
            node,
            DCTERMS.language,
            URIRef("http://publications.europa.eu/resource/authority/language/DEU"),
        )
    )
    return node  # fmt: skip


def catalog_graph(
    base: str,
    title: str,
    rows: Iterable[tuple[Dataset, Organization]],
    page: dict[str, Any] | None = None,
    profile: str = DEFAULT_PROFILE,
) -> Graph:
    g = new_graph()
    catalog = catalog_node(g, base, title)
    for ds, org in rows:
        g.add((catalog, DCAT.dataset, add_dataset(g, base, ds, org, profile)))
    if page:
        paging = URIRef(page["self"])
        g.add((paging, RDF.type, HYDRA.PagedCollection))
        g.add((paging, HYDRA.totalItems, Literal(page["total"], datatype=XSD.integer)))
        g.add((paging, HYDRA.itemsPerPage, Literal(page["per_page"], datatype=XSD.integer)))
        for key, prop in (("first", HYDRA.firstPage), ("last", HYDRA.lastPage),
                          ("next", HYDRA.nextPage), ("previous", HYDRA.previousPage)):  # fmt: skip
            if page.get(key):
                g.add((paging, prop, Literal(page[key])))
    return g


def dataset_graph(
    base: str, ds: Dataset, org: Organization, profile: str = DEFAULT_PROFILE
) -> Graph:
    g = new_graph()
    add_dataset(g, base, ds, org, profile)
    return g
