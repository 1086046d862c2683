"""Pure helpers that turn a dataset into index text and a user query into FTS5 syntax."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

_WORD = re.compile(r"[\w][\w\-]*", re.UNICODE)
# Common German and English inflection endings, longest first. FTS5 has no German stemmer,
# so a query word loses one of these and becomes a prefix query ("Parkplätze" → "parkplatz*").
_ENDINGS = ("ungen", "ern", "en", "er", "es", "ies", "s", "e", "n")


@dataclass(frozen=True)
class IndexText:
    title: str
    keywords: str
    body: str


def index_text(title: str, description: str, keywords: list[str], extra: list[str]) -> IndexText:
    return IndexText(title=title, keywords=" ".join(keywords), body=" ".join([description, *extra]))


def fts5_rowid(dataset_id: uuid.UUID) -> int:
    """A stable positive 63-bit integer for the FTS5 rowid (deletes by rowid are cheap)."""
    return int.from_bytes(dataset_id.bytes[:8], "big") >> 1


def _fold(word: str) -> str:
    return word.lower().translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}))


def crude_stem(word: str) -> str:
    for ending in _ENDINGS:
        if len(word) - len(ending) >= 4 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def fts5_query(text: str) -> str | None:
    """Words of `text` as FTS5 prefix terms, all required; `OR` between words is kept.
    None when nothing searchable is left (the caller then matches everything)."""
    parts: list[str] = []
    for raw in _WORD.findall(text):
        if raw == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        word = crude_stem(_fold(raw.strip("-")))
        if word:
            parts.append('"' + word.replace('"', "") + '"*')
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts) or None
