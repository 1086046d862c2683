"""GeoJSON points and areas (RFC 7946), checked strictly: WGS84 ranges, closed rings,
no self-intersections. Pure functions, no I/O."""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicekit.openapi import DocumentedAs

MAX_RING_POSITIONS = 200  # the self-intersection check is quadratic

Position = Annotated[list[float], Field(min_length=2, max_length=3)]


def _check_position(position: list[float]) -> None:
    lon, lat = position[0], position[1]
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(f"position {position} is outside WGS84 longitude/latitude ranges")


def _orientation(a: list[float], b: list[float], c: list[float]) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a: list[float], b: list[float], p: list[float]) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_intersect(a: list[float], b: list[float], c: list[float], d: list[float]) -> bool:
    o1, o2 = _orientation(a, b, c), _orientation(a, b, d)
    o3, o4 = _orientation(c, d, a), _orientation(c, d, b)
    if ((o1 > 0 > o2) or (o1 < 0 < o2)) and ((o3 > 0 > o4) or (o3 < 0 < o4)):
        return True
    return (
        (o1 == 0 and _on_segment(a, b, c))
        or (o2 == 0 and _on_segment(a, b, d))
        or (o3 == 0 and _on_segment(c, d, a))
        or (o4 == 0 and _on_segment(c, d, b))
    )


def check_ring(ring: list[list[float]]) -> None:
    if len(ring) < 4:
        raise ValueError("a linear ring needs at least 4 positions")
    if len(ring) > MAX_RING_POSITIONS:
        raise ValueError(f"a linear ring may have at most {MAX_RING_POSITIONS} positions")
    if ring[0][:2] != ring[-1][:2]:
        raise ValueError("a linear ring must be closed (first position = last position)")
    for position in ring:
        _check_position(position)
    if len({(p[0], p[1]) for p in ring[:-1]}) < 3:
        raise ValueError("a linear ring needs at least 3 distinct positions")
    edges = list(itertools.pairwise(ring))
    n = len(edges)
    for i in range(n):
        for j in range(i + 1, n):
            adjacent = j == i + 1 or (i == 0 and j == n - 1)
            if adjacent:
                continue
            if segments_intersect(*edges[i], *edges[j]):
                raise ValueError("the ring intersects itself")
    area2 = sum(a[0] * b[1] - b[0] * a[1] for a, b in edges)
    if area2 == 0:
        raise ValueError("the ring has no area")


class Point(BaseModel):
    """One position: [longitude, latitude] in WGS84 degrees, optionally an altitude."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"type": "Point", "coordinates": [9.18, 48.78]}},
    )
    type: Literal["Point"]
    coordinates: Position

    @field_validator("coordinates")
    @classmethod
    def _valid(cls, value: list[float]) -> list[float]:
        _check_position(value)
        return value


class Polygon(BaseModel):
    """Rings of [longitude, latitude] positions: the outer boundary first, then up to four
    holes; each ring closed (last position = first) and not intersecting itself."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [9.1812, 48.7751],
                        [9.1846, 48.7751],
                        [9.1846, 48.7768],
                        [9.1812, 48.7768],
                        [9.1812, 48.7751],
                    ]
                ],
            }
        },
    )
    type: Literal["Polygon"]
    coordinates: Annotated[list[list[Position]], Field(min_length=1, max_length=5)]

    @field_validator("coordinates")
    @classmethod
    def _valid(cls, value: list[list[list[float]]]) -> list[list[list[float]]]:
        for ring in value:
            check_ring(ring)
        return value


Geometry = Annotated[Point | Polygon, Field(discriminator="type")]
# A geometry read back from the database: it was checked as `Geometry` when it was stored,
# so it is returned as it is (the ring checks are quadratic) and documented as `Geometry`.
StoredGeometry = Annotated[dict[str, Any], DocumentedAs(Geometry)]
