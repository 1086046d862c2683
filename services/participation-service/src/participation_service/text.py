"""Plain text in, plain text out: markup is refused, never stored to be rendered later."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|javascript\s*:|&#?\w+;", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(value: str) -> str:
    value = value.strip()
    if _MARKUP.search(value):
        raise ValueError("must be plain text; HTML, entities and script are not accepted")
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


Title = Annotated[
    str, Field(min_length=1, max_length=200), AfterValidator(plain), AfterValidator(_non_empty)
]
Body = Annotated[
    str, Field(min_length=1, max_length=10_000), AfterValidator(plain), AfterValidator(_non_empty)
]
ShortText = Annotated[str, Field(max_length=500), AfterValidator(plain)]
Name = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(plain)]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell that spreadsheet programs do not evaluate (CSV formula injection)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
