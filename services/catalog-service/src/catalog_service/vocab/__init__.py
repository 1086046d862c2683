"""The DCAT-AP.de controlled lists the service validates against (licences, themes, file
types, frequencies, contributors), shipped as data generated from the shared vocabularies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
FILE_TYPE_BASE = "http://publications.europa.eu/resource/authority/file-type/"
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
ACCESS_RIGHT_BASE = "http://publications.europa.eu/resource/authority/access-right/"
LICENSE_BASE = "http://dcat-ap.de/def/licenses/"
CONTRIBUTOR_BASE = "http://dcat-ap.de/def/contributors/"
GEOCODING_LEVEL_BASE = "http://dcat-ap.de/def/politicalGeocoding/Level/"


@dataclass(frozen=True)
class License:
    id: str
    uri: str
    title: str
    url: str
    open: bool


@dataclass(frozen=True)
class Theme:
    code: str
    uri: str
    de: str
    en: str


@dataclass(frozen=True)
class FileType:
    code: str
    uri: str
    label: str
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    licenses: dict[str, License]
    themes: dict[str, Theme]
    file_types: dict[str, FileType]
    frequencies: dict[str, dict[str, Any]]
    contributors: dict[str, str]
    geocoding_levels: tuple[str, ...]
    access_rights: dict[str, str]

    def license(self, value: str) -> License | None:
        """By id (`dl-by-de/2.0`) or IRI."""
        return self.licenses.get(value.removeprefix(LICENSE_BASE))

    def theme(self, value: str) -> Theme | None:
        """By code (`TRAN`, `tran`) or IRI."""
        return self.themes.get(value.removeprefix(THEME_BASE).upper())

    def file_type(self, value: str) -> FileType | None:
        """By code (`CSV`), IRI, extension (`.csv`) or media type (`text/csv`)."""
        key = value.removeprefix(FILE_TYPE_BASE).strip()
        found = self.file_types.get(key.upper())
        if found:
            return found
        lowered = key.lower().split(";")[0]
        for file_type in self.file_types.values():
            if lowered in file_type.extensions or ("." + lowered) in file_type.extensions:
                return file_type
            if any(m.split(";")[0] == lowered for m in file_type.media_types):
                return file_type
        return None

    def frequency(self, value: str) -> str | None:
        code = value.removeprefix(FREQUENCY_BASE).upper()
        return code if code in self.frequencies else None

    def contributor(self, value: str) -> str | None:
        key = value.removeprefix(CONTRIBUTOR_BASE)
        return key if key in self.contributors else None

    def geocoding_level(self, value: str) -> str | None:
        key = value.removeprefix(GEOCODING_LEVEL_BASE)
        return key if key in self.geocoding_levels else None

    def access_right(self, value: str) -> str | None:
        code = value.removeprefix(ACCESS_RIGHT_BASE).upper()
        return code if code in self.access_rights else None


@cache
def vocabulary() -> Vocabulary:
    raw = json.loads(files(__package__).joinpath("data.json").read_text(encoding="utf-8"))
    return Vocabulary(
        licenses={x["id"]: License(**x) for x in raw["licenses"]},
        themes={x["code"]: Theme(**x) for x in raw["themes"]},
        file_types={
            x["code"]: FileType(
                code=x["code"],
                uri=x["uri"],
                label=x["label"] or x["code"],
                extensions=tuple(x["extensions"]),
                media_types=tuple(x["media_types"]),
            )
            for x in raw["file_types"]
        },
        frequencies={x["code"]: x for x in raw["frequencies"]},
        contributors={x["id"]: x["label"] for x in raw["contributors"]},
        geocoding_levels=tuple(raw["political_geocoding_levels"]),
        access_rights={x["code"]: x["uri"] for x in raw["access_rights"]},
    )
