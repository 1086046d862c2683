"""Pure validation against the DCAT-AP.de lists: API fields → column values, or field errors."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from catalog_service.vocab import vocabulary
from servicekit.problems import FieldError

_NON_NAME = re.compile(r"[^a-z0-9_\-]+")


def slugify(text: str, max_length: int = 90) -> str:
    text = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NON_NAME.sub("-", text).strip("-")[:max_length].strip("-")
    return slug if len(slug) >= 2 else f"dataset-{slug}".strip("-")


def dataset_columns(
    fields: dict[str, Any], prefix: str = "body"
) -> tuple[dict[str, Any], list[FieldError]]:
    """Columns for the fields present in `fields` (a patch may carry only some)."""
    vocab = vocabulary()
    out: dict[str, Any] = {}
    errors: list[FieldError] = []

    def error(field: str, message: str) -> None:
        errors.append(FieldError(field=f"{prefix}.{field}", message=message))

    for key in ("title", "description", "spatial", "political_geocoding_uri", "landing_page"):
        if key in fields:
            out[key if key != "spatial" else "spatial_uri"] = fields[key]
    if "issued" in fields:
        out["issued"] = fields["issued"]
    if "modified" in fields:
        out["modified"] = fields["modified"]
    for key in ("issued", "modified"):
        value = fields.get(key)
        if value is not None and value.tzinfo is None:
            error(key, "give a timezone, e.g. 2024-05-01T08:00:00Z")
    if "keywords" in fields:
        keywords = [k.strip() for k in fields["keywords"] or [] if k and k.strip()]
        if any(len(k) > 100 for k in keywords):
            error("keywords", "a keyword has at most 100 characters")
        out["keywords"] = list(dict.fromkeys(keywords))
    if "themes" in fields:
        codes = []
        for i, value in enumerate(fields["themes"] or []):
            theme = vocab.theme(value)
            if theme is None:
                error(f"themes.{i}", f"'{value}' is not an EU data theme (e.g. TRAN, ENVI, GOVE)")
            else:
                codes.append(theme.code)
        out["themes"] = list(dict.fromkeys(codes))
    if "license" in fields:
        value = fields["license"]
        license_ = vocab.license(value) if value else None
        if value and license_ is None:
            error("license", f"'{value}' is not in the dcat-ap.de licence list (e.g. dl-by-de/2.0)")
        out["license_id"] = license_.id if license_ else None
    if "contact" in fields:
        contact = fields["contact"] or {}
        if contact and not (contact.get("email") or contact.get("url")):
            error("contact", "a contact point needs an email address or a URL")
        out["contact_name"] = contact.get("name")
        out["contact_email"] = contact.get("email")
        out["contact_url"] = contact.get("url")
    if "temporal" in fields:
        temporal = fields["temporal"] or {}
        start, end = temporal.get("start"), temporal.get("end")
        if start and end and end < start:
            error("temporal.end", "the end lies before the start")
        out["temporal_start"], out["temporal_end"] = start, end
    coded = (
        ("political_geocoding_level", vocab.geocoding_level, "a dcat-ap.de geocoding level"),
        ("accrual_periodicity", vocab.frequency, "an EU frequency code (e.g. DAILY)"),
        ("access_rights", vocab.access_right, "an EU access right (PUBLIC, RESTRICTED, ...)"),
    )
    for key, lookup, what in coded:
        if key in fields:
            value = fields[key]
            code = lookup(value) if value else None
            if value and code is None:
                error(key, f"'{value}' is not {what}")
            out[key] = code
    return out, errors


def distribution_columns(
    fields: dict[str, Any], prefix: str = "body"
) -> tuple[dict[str, Any], list[FieldError]]:
    vocab = vocabulary()
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key in ("title", "description", "access_url", "download_url", "byte_size", "checksum"):
        if key in fields:
            out[key] = fields[key]
    if "media_type" in fields:
        out["media_type"] = fields["media_type"]
    if "format" in fields:
        value = fields["format"]
        file_type = vocab.file_type(value) if value else None
        if value and file_type is None:
            errors.append(
                FieldError(field=f"{prefix}.format", message=f"'{value}' is not an EU file type")
            )
        out["format"] = file_type.code if file_type else None
        if file_type and not fields.get("media_type") and file_type.media_types:
            out["media_type"] = file_type.media_types[0].split(";")[0]
    if "license" in fields:
        value = fields["license"]
        license_ = vocab.license(value) if value else None
        if value and license_ is None:
            errors.append(
                FieldError(
                    field=f"{prefix}.license", message=f"'{value}' is not a dcat-ap.de licence"
                )
            )
        out["license_id"] = license_.id if license_ else None
    return out, errors
