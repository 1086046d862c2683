"""ETag and If-Match: optimistic concurrency on single resources."""

from __future__ import annotations

from fastapi import Response

from servicekit.problems import PreconditionFailed


def etag_for(resource_id: object, version: int) -> str:
    return f'"{resource_id}.{version}"'


def set_etag(response: Response, resource_id: object, version: int) -> None:
    response.headers["ETag"] = etag_for(resource_id, version)


def check_if_match(if_match: str | None, resource_id: object, version: int) -> None:
    """412 when the client's `If-Match` names another version. Absent header: no check."""
    if if_match is None:
        return
    current = etag_for(resource_id, version)
    candidates = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed(
        f"The resource is at version {version}; your If-Match does not match. "
        "Fetch it again and re-apply your change."
    )
