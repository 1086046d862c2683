"""Keyset cursors decode the values of every column type services sort by."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, Table, Uuid

from servicekit.db import UTCDateTime
from servicekit.pagination import SortKey, decode_cursor, encode_cursor

table = Table("t", MetaData(), Column("at", UTCDateTime), Column("id", Uuid, primary_key=True))


def test_utc_datetime_and_uuid_round_trip():
    keys = [SortKey(table.c.at, descending=True), SortKey(table.c.id)]
    values = [datetime(2026, 11, 26, 12, 0, 0, 123456, tzinfo=UTC), uuid.uuid4()]
    assert decode_cursor(encode_cursor(values), keys) == values
