"""Schema inference and row reading for CSV, JSON and XLSX with frictionless. Synchronous:
call through `asyncio.to_thread`."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from frictionless import FrictionlessException, Schema, system
from frictionless.resources import TableResource

TABULAR = {"CSV": "csv", "JSON": "json", "XLSX": "xlsx"}
TEXT_FORMATS = {"CSV", "JSON"}


class InspectError(ValueError):
    pass


def check_encoding(path: Path, encoding: str) -> None:
    """Raise when the text file is not valid in `encoding` (never guess another one)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError as exc:
        raise InspectError(f"unknown character encoding '{encoding}'") from exc
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise InspectError(
                    f"the file is not valid {encoding} (byte {offset + exc.start}); save it as "
                    "UTF-8 or name its encoding in the Content-Type, e.g. "
                    "text/csv; charset=windows-1252"
                ) from exc
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise InspectError(f"the file ends inside a {encoding} character") from exc


def _resource(
    path: Path, file_format: str, encoding: str, schema: Schema | None = None
) -> TableResource:
    kwargs: dict[str, Any] = {"path": str(path), "format": TABULAR[file_format]}
    if file_format in TEXT_FORMATS:
        kwargs["encoding"] = encoding
    if schema is not None:
        kwargs["schema"] = schema
    return TableResource(**kwargs)


def infer_schema(path: Path, file_format: str, encoding: str = "utf-8") -> dict[str, Any]:
    """{"fields": [{"name", "type"}], "rows": n, "encoding", "dialect"}."""
    if file_format in TEXT_FORMATS:
        check_encoding(path, encoding)
    try:
        with system.use_context(trusted=True):
            resource = _resource(path, file_format, encoding)
            resource.infer(stats=True)
            dialect = resource.dialect.to_descriptor()
    except FrictionlessException as exc:
        raise InspectError(f"cannot read the table: {exc.error.message}") from exc
    fields = [{"name": f.name, "type": f.type} for f in resource.schema.fields]
    if not fields:
        raise InspectError("the file holds no table (no columns found)")
    return {
        "fields": fields,
        "rows": resource.stats.rows,
        "encoding": encoding if file_format in TEXT_FORMATS else None,
        "dialect": dialect,
        "format": file_format,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if (
        isinstance(value, list | dict)
        or value is None
        or isinstance(value, str | int | float | bool)
    ):
        return value
    return str(value)


def read_rows(path: Path, schema_info: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Typed rows as plain JSON values, in file order."""
    file_format = schema_info["format"]
    schema = Schema.from_descriptor({"fields": schema_info["fields"]})
    with system.use_context(trusted=True):
        resource = _resource(path, file_format, schema_info.get("encoding") or "utf-8", schema)
        if schema_info.get("dialect"):
            from frictionless import Dialect

            resource.dialect = Dialect.from_descriptor(schema_info["dialect"])
        with resource:
            for row in resource.row_stream:
                yield {k: _plain(v) for k, v in row.to_dict().items()}
