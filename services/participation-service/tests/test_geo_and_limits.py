"""Pure pieces: GeoJSON checks, CSV neutralisation, rate limiter, pseudonyms."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from participation_service.geo import Geometry
from participation_service.pseudonyms import pseudonym
from participation_service.ratelimit import RateLimiter, WriteLimits
from participation_service.text import csv_safe
from servicekit.problems import ProblemError

geometry = TypeAdapter(Geometry)


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "Point", "coordinates": [9.0]},
        {"type": "Point", "coordinates": [9.0, 91.0]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0.5]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]], "bbox": 1},
    ],
)
def test_invalid_geometries(bad):
    with pytest.raises(ValidationError):
        geometry.validate_python(bad)


def test_valid_geometries():
    geometry.validate_python({"type": "Point", "coordinates": [9.18, 48.78]})
    geometry.validate_python(
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    )


def test_csv_cells_cannot_be_formulas():
    assert csv_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert (
        csv_safe("+1") == "'+1" and csv_safe("@SUM(A1)") == "'@SUM(A1)" and csv_safe("-2") == "'-2"
    )
    assert csv_safe("Parken") == "Parken" and csv_safe(None) == ""


def test_token_bucket():
    limiter = RateLimiter(per_minute=2)
    assert limiter.take("a", now=0.0) == 0 and limiter.take("a", now=0.0) == 0
    assert limiter.take("a", now=0.0) > 0
    assert limiter.take("b", now=0.0) == 0
    assert limiter.take("a", now=30.0) == 0


def test_write_limits_answer_429():
    limits = WriteLimits(per_participant=1, per_ip=100)
    limits.check("p1", "1.2.3.4")
    with pytest.raises(ProblemError) as err:
        limits.check("p1", "1.2.3.4")
    assert err.value.status == 429 and "Retry-After" in err.value.headers


def test_pseudonyms_are_keyed_and_stable():
    assert pseudonym("k", "alice") == pseudonym("k", "alice")
    assert pseudonym("k", "alice") != pseudonym("other", "alice")
    assert "alice" not in pseudonym("k", "alice")
